package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * An identity layer placed at a named point of a model (hidden activations, residual stream) so that callers can
 * observe or replace the tensor flowing through it — e.g. to route gradients — without changing the model code.
 * Found by name through {@link Module#hookPoints()}.
 */
public final class HookPoint extends Module {
    private UnaryOperator<Tensor> hook;

    /** A hook point with no hook (the identity). */
    public HookPoint() {}

    /** Returns x, or {@code hook.apply(x)} when a hook is set. */
    @Override
    public Tensor forward(Tensor x) { return hook == null ? x : hook.apply(x); }

    /**
     * Sets (or with null clears) the function applied to the tensor passing through.
     *
     * @param hook maps the tensor to its replacement (e.g. {@code x -> x.route(mask)}), or null for the identity
     */
    public void setHook(UnaryOperator<Tensor> hook) { this.hook = hook; }

    /**
     * The current hook.
     *
     * @return the function set by {@link #setHook}, or null
     */
    public UnaryOperator<Tensor> hook() { return hook; }
}
