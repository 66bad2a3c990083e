package dev.sluice.autograd;

/**
 * Whether operations record the graph for backward, per thread. Use {@link #noGrad()} in a try-with-resources block
 * for inference, evaluation and optimizer updates:
 * <pre>{@code try (var ignored = GradMode.noGrad()) { loss = model.forward(x); } }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {}

    /** True when new operations record history on this thread. */
    public static boolean isEnabled() { return ENABLED.get(); }

    /** A scope, closed by try-with-resources, that restores the previous mode. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Disables graph recording until the returned scope is closed. */
    public static Scope noGrad() { return set(false); }

    /** Enables graph recording (e.g. inside a no-grad region) until the returned scope is closed. */
    public static Scope enableGrad() { return set(true); }

    private static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return () -> ENABLED.set(previous);
    }
}
