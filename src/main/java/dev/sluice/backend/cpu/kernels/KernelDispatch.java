package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.cpu.CpuFeatures;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Chooses the float32 kernels for this JVM, once.
 *
 * <p>The Vector API kernels are used when the incubator module {@code jdk.incubator.vector} is in the boot layer
 * (it is when Sluice runs as a module, or with {@code --add-modules jdk.incubator.vector}), the preferred vector
 * species is at least 128 bits wide (NEON's width: at 128 bits under -XX:UseAVX=1 on
 * Sapphire Rapids they ran 2–5× the scalar kernels, GEMM 44 GFLOP/s) and the JIT
 * compiles fma to an instruction ({@link CpuFeatures#fmaInHardware}: without it every Vector API fma is emulated in
 * software). Otherwise one warning naming the reason goes to the {@code dev.sluice} {@link System.Logger} and the
 * scalar kernels are used.
 *
 * <p>Override with the system property {@code sluice.kernels} or the environment variable {@code SLUICE_KERNELS}:
 * {@code scalar} or {@code vector} (the latter still needs the module; without it the fallback warns as above).
 *
 * <p>Strict mode ({@link #setStrict}, the system property {@code sluice.strict=true} or {@code SLUICE_STRICT=1}) turns
 * the fallback into an {@link IllegalStateException} carrying the same reason, thrown by the first op that needs the
 * kernels and by every one after it: for deployments where running an order of magnitude slower is a failure.
 *
 * <p>This class never links against {@code jdk.incubator.vector} itself: the vector implementation is loaded
 * reflectively, only after the module has been found, so it runs on a plain class path.
 */
public final class KernelDispatch {
    /** Text that starts every fallback warning (tests look for it). */
    static final String WARNING_PREFIX = "sluice: using scalar float32 kernels: ";
    /**
     * What the fallback costs, stated in every warning. Measured on a 2-core Xeon (Sapphire Rapids), second epoch of
     * {@code sluice train fashion-mnist --epochs 2 --train-limit 10000} with {@code SLUICE_KERNELS=scalar} against the
     * default: 975 vs 22,550 examples/s at AVX-512 (23×), 1,033 vs 21,838 under -XX:UseAVX=2 (21×).
     */
    static final String SLOWDOWN = " — training steps run about 20× slower than with the vector kernels";
    private static final String VECTOR_CLASS = "dev.sluice.backend.cpu.kernels.VectorFloat32Kernels";
    private static final String MODULE = "jdk.incubator.vector";
    private static final int MIN_BITS = 128;

    private KernelDispatch() {}

    // Holder idiom for the reference kernels; the chosen kernels are picked once, under a lock, on first use, so the
    // fallback warning is logged at most once.
    private static final class Scalar {
        static final Float32Kernels KERNELS = new ScalarFloat32Kernels();
    }

    private static volatile Float32Kernels chosen;
    /** Why the chosen kernels are the scalar ones although nobody asked for them; null when they are not. */
    private static volatile String fallbackReason;
    private static volatile boolean strict = "true".equalsIgnoreCase(System.getProperty("sluice.strict"))
            || "1".equals(System.getenv("SLUICE_STRICT")) || "true".equalsIgnoreCase(System.getenv("SLUICE_STRICT"));

    /**
     * The kernels the CPU backend uses: vectorised when available (see the class comment), else scalar.
     *
     * @throws IllegalStateException in strict mode, when the vector kernels cannot run (the message says why and which
     *         java flag is missing)
     */
    public static Float32Kernels float32() {
        Float32Kernels k = chosen;
        if (k == null) k = choose();
        if (strict && fallbackReason != null) throw strictFailure();
        return k;
    }

    private static synchronized Float32Kernels choose() {
        if (chosen == null) {
            String[] reason = new String[1];
            Float32Kernels k = select(configuredOverride(), message -> {
                if (message.startsWith(WARNING_PREFIX)) reason[0] = message.substring(WARNING_PREFIX.length());
                if (!strict || !message.startsWith(WARNING_PREFIX)) warn(message);
            });
            fallbackReason = reason[0];
            chosen = k;
        }
        return chosen;
    }

    /**
     * Why the scalar kernels run although the vector ones were wanted, or null when they were not wanted (the
     * {@code scalar} override) or are running. Chooses the kernels if that has not happened yet.
     */
    public static String fallbackReason() {
        if (chosen == null) choose();
        return fallbackReason;
    }

    /** Whether strict mode is on. */
    public static boolean isStrict() { return strict; }

    /**
     * Turns strict mode on or off. Turning it on after the kernels fell back to scalar throws at once, so the caller
     * learns it at the call rather than at the next op.
     *
     * @throws IllegalStateException when {@code on} and the scalar fallback is already in use
     */
    public static void setStrict(boolean on) {
        strict = on;
        if (on && chosen != null && fallbackReason != null) throw strictFailure();
    }

    private static IllegalStateException strictFailure() {
        return new IllegalStateException("sluice strict mode: the vector float32 kernels cannot run: " + fallbackReason);
    }

    /** The plain-Java reference kernels, always available; tests compare the fast kernels against these. */
    public static Float32Kernels scalar() { return Scalar.KERNELS; }

    /** The override from {@code sluice.kernels} or {@code SLUICE_KERNELS}, or null when neither is set. */
    static String configuredOverride() {
        String v = System.getProperty("sluice.kernels");
        if (v == null || v.isBlank()) v = System.getenv("SLUICE_KERNELS");
        return v == null || v.isBlank() ? null : v.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Picks kernels for an override ({@code "scalar"}, {@code "vector"} or null for automatic), reporting every
     * reason for falling back (or for ignoring a bad override) to {@code warn}. Not cached: {@link #float32()} caches.
     */
    static Float32Kernels select(String override, Consumer<String> warn) {
        if ("scalar".equals(override)) return scalar();
        boolean forced = "vector".equals(override);
        if (override != null && !forced) {
            warn.accept("sluice: ignoring unknown kernel choice '" + override
                    + "' (sluice.kernels / SLUICE_KERNELS accept scalar or vector)");
        }
        Optional<Module> module = ModuleLayer.boot().findModule(MODULE);
        if (module.isEmpty()) {
            warn.accept(WARNING_PREFIX + "module " + MODULE + " is not available (run Sluice as a module or add "
                    + "--add-modules " + MODULE + " to the java command line)" + SLOWDOWN);
            return scalar();
        }
        try {
            Class<?> cls = Class.forName(VECTOR_CLASS, true, KernelDispatch.class.getClassLoader());
            int bits = (int) cls.getDeclaredMethod("preferredBits").invoke(null);
            if (bits < MIN_BITS && !forced) {
                warn.accept(WARNING_PREFIX + "the preferred vector width is " + bits + " bits (< " + MIN_BITS
                        + "); set sluice.kernels=vector to use it anyway" + SLOWDOWN);
                return scalar();
            }
            if (!CpuFeatures.get().fmaInHardware() && !forced) {
                warn.accept(WARNING_PREFIX + "this JVM does not compile fused multiply-add to an instruction (UseFMA is "
                        + "false: the CPU has no FMA), so vector fma would be emulated in software; set "
                        + "sluice.kernels=vector to use them anyway" + SLOWDOWN);
                return scalar();
            }
            return (Float32Kernels) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            warn.accept(WARNING_PREFIX + "the vector kernels failed to load (" + cause + ")" + SLOWDOWN);
            return scalar();
        }
    }

    private static void warn(String message) {
        System.getLogger("dev.sluice").log(System.Logger.Level.WARNING, message);
    }
}
