package dev.sluice.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * cuBLAS bound through the FFM API (JCublas 12.6.0 links libcublas.so.12 and cannot load where only CUDA 13 is
 * installed). Tries {@code $SLUICE_CUBLAS} (a file name or path) when set, else libcublas.so.13 then libcublas.so.12.
 * Device pointers and the stream pass as raw addresses ({@code JAVA_LONG}); alpha and beta are host scalars.
 *
 * <p>Math: true FP32 by default ({@code CUBLAS_DEFAULT_MATH}, which never uses TF32 for sgemm);
 * {@code SLUICE_CUBLAS_MATH=tf32} opts into TF32 tensor cores, {@code bf16} into BF16 tensor cores via GemmEx
 * ({@code CUBLAS_COMPUTE_32F_FAST_16BF}).
 */
final class Cublas {
    // Enum values and signatures checked against CUDA 13.0's headers (cuBLAS 13.0.0.19): cublas_api.h as published
    // in github.com/leomaxwell972/CU13ToolKit_Includes, include/cublas_api.h (cublasOperation_t, cublasGemmAlgo_t,
    // cublasMath_t, cublasComputeType_t; cublasSgemm_v2, cublasSgemmStridedBatched, cublasGemmEx, cublasSetStream_v2,
    // cublasSetMathMode), and library_types.h of the local toolkit (/usr/local/cuda-13.0/include: CUDA_R_32F = 0).
    // CublasConstantsTest re-reads whichever of these headers is installed.
    static final int OP_N = 0, OP_T = 1;                                    // cublasOperation_t
    static final int CUBLAS_DEFAULT_MATH = 0, CUBLAS_TF32_TENSOR_OP_MATH = 3; // cublasMath_t
    static final int CUDA_R_32F = 0;                                        // cudaDataType (library_types.h)
    static final int CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_32F_FAST_16BF = 75, CUBLAS_COMPUTE_32F_FAST_TF32 = 77;
    static final int CUBLAS_GEMM_DEFAULT = -1;                              // cublasGemmAlgo_t

    /** Precision modes for FP32 products. */
    enum MathMode { FP32, TF32, BF16 }

    /** The library names tried, in order. */
    static List<String> candidates() {
        String override = System.getenv("SLUICE_CUBLAS");
        if (override == null) override = System.getProperty("sluice.cublas");
        return override != null && !override.isBlank() ? List.of(override) : List.of("libcublas.so.13", "libcublas.so.12");
    }

    static MathMode mathMode() {
        String m = System.getenv("SLUICE_CUBLAS_MATH");
        if (m == null) return MathMode.FP32;
        return switch (m.toLowerCase(java.util.Locale.ROOT)) {
            case "tf32" -> MathMode.TF32;
            case "bf16" -> MathMode.BF16;
            case "fp32", "" -> MathMode.FP32;
            default -> throw new IllegalArgumentException("SLUICE_CUBLAS_MATH must be fp32, tf32 or bf16, got " + m);
        };
    }

    /** Thrown when no cuBLAS library loads; the message lists every name tried and why it failed. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) { super(message); }
    }

    final String library;
    private final MethodHandle create, setStream, setMathMode, sgemm, sgemmStridedBatched, gemmEx;

    private Cublas(String library, SymbolLookup lookup) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        create = linker.downcallHandle(find(lookup, "cublasCreate_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = linker.downcallHandle(find(lookup, "cublasSetStream_v2"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        setMathMode = linker.downcallHandle(find(lookup, "cublasSetMathMode"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        // (handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc)
        sgemm = linker.downcallHandle(find(lookup, "cublasSgemm_v2"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT));
        // (..., *alpha, A, lda, strideA, B, ldb, strideB, *beta, C, ldc, strideC, batchCount)
        sgemmStridedBatched = linker.downcallHandle(find(lookup, "cublasSgemmStridedBatched"), FunctionDescriptor.of(
                JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        // (handle, ta, tb, m, n, k, *alpha, A, Atype, lda, B, Btype, ldb, *beta, C, Ctype, ldc, computeType, algo)
        gemmEx = linker.downcallHandle(find(lookup, "cublasGemmEx"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG,
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new Unavailable("symbol " + name + " not found"));
    }

    /** Loads the first library of {@code names} that opens and has all symbols; else lists each name and why. */
    static Cublas load(List<String> names) {
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            try {
                return new Cublas(name, SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException | Unavailable e) {
                failures.add(name + " (" + e.getMessage() + ")");
            } catch (IllegalCallerException e) {
                failures.add(name + " (native access not enabled: " + e.getMessage() + ")");
            }
        }
        throw new Unavailable("cuBLAS not loaded; tried " + String.join(", ", failures)
                + "; set SLUICE_CUBLAS to the library's path to choose one");
    }

    static Cublas load() { return load(candidates()); }

    private static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException(call + " failed with cublasStatus_t " + status);
    }

    /** A handle bound to a stream (both raw addresses) with the given math mode. */
    long createHandle(long stream, MathMode mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check((int) create.invokeExact(out), "cublasCreate_v2");
            long handle = out.get(ValueLayout.JAVA_LONG, 0);
            check((int) setStream.invokeExact(handle, stream), "cublasSetStream_v2");
            int math = mode == MathMode.TF32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
            check((int) setMathMode.invokeExact(handle, math), "cublasSetMathMode");
            return handle;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Column-major C = alpha·op(A)·op(B) + beta·C (argument order and meaning exactly as cublasSgemm_v2). */
    void sgemm(long handle, MathMode mode, GemmMapping g, float alpha, long a, long b, float beta, long c) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(JAVA_FLOAT, alpha), be = arena.allocateFrom(JAVA_FLOAT, beta);
            int status;
            if (mode == MathMode.BF16) {
                status = (int) gemmEx.invokeExact(handle, g.transA(), g.transB(), g.m(), g.n(), g.k(), al, a, CUDA_R_32F,
                        g.lda(), b, CUDA_R_32F, g.ldb(), be, c, CUDA_R_32F, g.ldc(), CUBLAS_COMPUTE_32F_FAST_16BF,
                        CUBLAS_GEMM_DEFAULT);
            } else {
                status = (int) sgemm.invokeExact(handle, g.transA(), g.transB(), g.m(), g.n(), g.k(), al, a, g.lda(), b,
                        g.ldb(), be, c, g.ldc());
            }
            check(status, mode == MathMode.BF16 ? "cublasGemmEx" : "cublasSgemm_v2");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** As {@link #sgemm} for batch products at constant element strides (0 broadcasts an operand). */
    void sgemmStridedBatched(long handle, GemmMapping g, float alpha, long a, long strideA, long b, long strideB,
                             float beta, long c, long strideC, int batches) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al = arena.allocateFrom(JAVA_FLOAT, alpha), be = arena.allocateFrom(JAVA_FLOAT, beta);
            check((int) sgemmStridedBatched.invokeExact(handle, g.transA(), g.transB(), g.m(), g.n(), g.k(), al, a,
                    g.lda(), strideA, b, g.ldb(), strideB, be, c, g.ldc(), strideC, batches), "cublasSgemmStridedBatched");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
