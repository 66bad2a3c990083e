package dev.sluice.autograd;

/**
 * Whether operations record the graph for backward, per thread. Use {@link #noGrad()} in a try-with-resources block
 * for inference, evaluation and optimizer updates:
 * <pre>{@code try (var ignored = GradMode.noGrad()) { loss = model.forward(x); } }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {}

    /**
     * Whether new operations record history on this thread, like {@code torch.is_grad_enabled()}.
     *
     * @return false inside a {@link #noGrad()} scope
     */
    public static boolean isEnabled() { return ENABLED.get(); }

    /** A scope, closed by try-with-resources, that restores the previous mode. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Disables graph recording on this thread until the returned scope is closed, like {@code torch.no_grad()}.
     *
     * @return a scope whose {@code close()} restores the previous mode
     */
    public static Scope noGrad() { return set(false); }

    /**
     * Enables graph recording (e.g. inside a no-grad region) until the returned scope is closed, like
     * {@code torch.enable_grad()}.
     *
     * @return a scope whose {@code close()} restores the previous mode
     */
    public static Scope enableGrad() { return set(true); }

    private static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return () -> ENABLED.set(previous);
    }
}
