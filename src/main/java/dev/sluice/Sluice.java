package dev.sluice;

import dev.sluice.backend.cpu.CpuFeatures;
import dev.sluice.backend.cpu.Parallel;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;

/**
 * Runtime configuration of the engine: the CPU thread count, which float32 kernels run, strict mode and the op trace.
 *
 * <p>Everything here can be called at any time, before or after the first tensor op. Library code never writes to
 * standard output or error: warnings (such as the scalar-kernel fallback) go to the {@code dev.sluice}
 * {@link System.Logger}, which a JVM application routes to its own logging.
 *
 * {@snippet :
 * Sluice.setThreads(4);                    // the caller and 3 pool workers, sluice-cpu-1..3
 * Sluice.setStrictKernels(true);           // fail instead of running ~20x slower on scalar kernels
 * KernelInfo k = Sluice.kernels();
 * System.out.println(k.name() + " " + k.details() + " on " + k.cpu());
 * }
 */
public final class Sluice {
    private Sluice() {}

    /**
     * This library's version, e.g. {@code 0.1.0-SNAPSHOT}, from the build (data-parallel ranks compare it before
     * training, so that two releases never train one model together).
     *
     * @return the version the build stamped, or {@code "unknown"} if the stamp is missing (classes built without Maven)
     */
    public static String version() { return Version.VALUE; }

    /** Read once, on first use. */
    private static final class Version {
        static final String VALUE = read();

        private static String read() {
            try (var in = Sluice.class.getResourceAsStream("version.properties")) {
                if (in == null) return "unknown";
                var p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version", "unknown");
                return v.startsWith("${") ? "unknown" : v;
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }

    /**
     * The number of threads the CPU backend uses: the calling thread plus {@code threads() - 1} pool workers named
     * {@code sluice-cpu-1} to {@code sluice-cpu-(n-1)}. Defaults to the machine's processor count, or the system property
     * {@code sluice.threads} / environment variable {@code SLUICE_THREADS}.
     *
     * @return the thread count now in force, at least 1
     */
    public static int threads() { return Parallel.threads(); }

    /**
     * Sets the number of threads the CPU backend uses from now on. Work already running finishes on the old pool.
     * Results do not depend on the thread count: every kernel splits its work so that each output is computed by one
     * thread in a fixed order.
     *
     * @param n threads to use, in [1, 1024]; 1 runs everything on the calling thread
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public static void setThreads(int n) { Parallel.setThreads(n); }

    /**
     * Which float32 kernels the CPU backend runs (choosing them if no op has run yet).
     *
     * @return the kernels' name and details, whether they are the vector ones, why not if they fell back, and the CPU
     * @throws IllegalStateException in strict mode when the vector kernels cannot run
     */
    public static KernelInfo kernels() {
        String reason = KernelDispatch.fallbackReason();
        if (KernelDispatch.isStrict() && reason != null) KernelDispatch.float32();   // throws with the reason
        Float32Kernels k = KernelDispatch.float32();
        boolean vector = k != KernelDispatch.scalar();
        return new KernelInfo(k.name(), k.details(), vector, reason, CpuFeatures.get().describe());
    }

    /**
     * Turns strict mode on or off. In strict mode, where the Vector API kernels cannot run (most often: Sluice is on
     * the class path and {@code --add-modules jdk.incubator.vector} is missing from the java command line), every op
     * that needs them throws an {@link IllegalStateException} naming the cause, instead of logging one warning and
     * running about 20× slower on the scalar kernels (an MLP training step, measured at AVX2 and AVX-512). Also enabled by {@code -Dsluice.strict=true} or
     * {@code SLUICE_STRICT=1}. The explicit {@code sluice.kernels=scalar} choice is never refused.
     *
     * @param on whether to refuse the scalar fallback
     * @throws IllegalStateException if {@code on} and the kernels already fell back to scalar
     */
    public static void setStrictKernels(boolean on) { KernelDispatch.setStrict(on); }

    /**
     * Sets the op trace level for the whole JVM: 0 off (the default), 1 one line per op forward and backward with
     * shapes and time, 2 + kernels and bytes, 3 + the ops inside backward rules and what each op saved, 4 + values
     * summaries. Lines go to standard error; {@link dev.sluice.autograd.OpTrace#enable(int, java.io.PrintStream)} takes
     * another stream and restores the old setting when closed. Also set by {@code -Dsluice.trace=N} or
     * {@code SLUICE_TRACE=N}.
     *
     * @param level 0 to 4
     * @throws IllegalArgumentException if {@code level} is outside [0, 4]
     */
    public static void setTrace(int level) { dev.sluice.autograd.OpTrace.setLevel(level); }

    /**
     * The op trace level in force (see {@link #setTrace}).
     *
     * @return 0 (off) to 4
     */
    public static int traceLevel() { return dev.sluice.autograd.OpTrace.level(); }

    /**
     * Whether strict mode is on (see {@link #setStrictKernels}).
     *
     * @return true when the scalar fallback is refused
     */
    public static boolean strictKernels() { return KernelDispatch.isStrict(); }
}
