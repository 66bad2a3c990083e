package dev.sluice.autograd;

/**
 * Opt-in NaN/Inf detection, per thread. When enabled, every floating-point op checks its forward output and every
 * backward step checks the gradients it produces; the first non-finite value raises an {@link AnomalyException} that
 * names the op (and, for backward errors, where in user code that op was created). It costs a full pass over every
 * tensor, so leave it off except when hunting a NaN.
 * <pre>{@code try (var ignored = AnomalyMode.enable()) { loss.backward(); } }</pre>
 */
public final class AnomalyMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private AnomalyMode() {}

    /**
     * Whether NaN/Inf detection is on for the calling thread, like {@code torch.is_anomaly_enabled()}.
     *
     * @return true inside an {@link #enable()} scope
     */
    public static boolean isEnabled() { return ENABLED.get(); }

    /** Turns detection off until the scope is closed (the checks themselves run ops). */
    static GradMode.Scope suspend() {
        boolean previous = ENABLED.get();
        ENABLED.set(false);
        return () -> ENABLED.set(previous);
    }

    /**
     * Enables detection on this thread until the returned scope is closed, like
     * {@code torch.autograd.detect_anomaly()}.
     *
     * @return a scope whose {@code close()} restores the previous setting
     */
    public static GradMode.Scope enable() {
        boolean previous = ENABLED.get();
        ENABLED.set(true);
        return () -> ENABLED.set(previous);
    }
}
