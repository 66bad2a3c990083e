package dev.sluice.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * OpenBLAS's {@code cblas_sgemm}, called through the FFM API from this JVM: the peer Sluice's GEMM is measured against.
 *
 * <p>The downcall is "critical" with heap access allowed, so OpenBLAS reads and writes the very {@code float[]} arrays
 * Sluice's kernel uses — no copies on either side, which keeps the comparison honest. Critical calls hold off the
 * garbage collector for their duration, which is fine for a benchmark and is why Sluice never does this in training.
 */
public final class OpenBlas {
    /** The shared library Debian's {@code libopenblas0} installs (through the alternatives system). */
    public static final String LIBRARY = "libopenblas.so.0";

    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    private final MethodHandle sgemm;
    private final MethodHandle setNumThreads;
    private final String config;

    private OpenBlas(SymbolLookup lib) throws Throwable {
        Linker linker = Linker.nativeLinker();
        sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT,
                        ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
                Linker.Option.critical(true));
        setNumThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        MethodHandle getConfig = linker.downcallHandle(lib.find("openblas_get_config").orElseThrow(),
                FunctionDescriptor.of(ADDRESS));
        MemorySegment c = (MemorySegment) getConfig.invokeExact();
        config = c.reinterpret(256).getString(0);
    }

    /**
     * Loads OpenBLAS, or explains why it cannot be loaded (library missing, native access not enabled). The reason
     * is what the benchmark table prints in place of the peer's numbers.
     */
    public static Optional<OpenBlas> load(StringBuilder whyNot) {
        try {
            return Optional.of(new OpenBlas(SymbolLookup.libraryLookup(LIBRARY, Arena.global())));
        } catch (Throwable t) {
            whyNot.append(LIBRARY).append(" not available (").append(t.getClass().getSimpleName()).append(": ")
                    .append(t.getMessage()).append("); install it with: sudo apt-get install libopenblas0");
            return Optional.empty();
        }
    }

    /** OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
    public String config() { return config; }

    /** Sets the number of threads OpenBLAS uses for the following calls. */
    public void setThreads(int threads) {
        try {
            setNumThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /**
     * Row-major C (m×n, leading dimension ldc) = op(A)·op(B) + beta·C, where op(A) is m×k and op(B) is k×n; A is stored
     * k×m when {@code transA} (leading dimension lda), B is stored n×k when {@code transB}.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
                      float beta, float[] c, int ldc) {
        call(transA, transB, m, n, k, MemorySegment.ofArray(a), lda, MemorySegment.ofArray(b), ldb, beta,
                MemorySegment.ofArray(c), ldc);
    }

    /** {@link #sgemm} on the matrices starting at element offsets of the arrays (batched products), beta = 0. */
    public void sgemmAt(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        call(transA, transB, m, n, k, MemorySegment.ofArray(a).asSlice(4L * aOff), lda,
                MemorySegment.ofArray(b).asSlice(4L * bOff), ldb, 0f, MemorySegment.ofArray(c).asSlice(4L * cOff), ldc);
    }

    private void call(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, int lda, MemorySegment b,
                      int ldb, float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f,
                    a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }
}
