package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/** A parameter-free layer applying an {@link Activation}, for use in {@link Sequential}. */
public final class ActivationLayer extends Module {
    private final Activation activation;

    /** A layer applying activation. */
    public ActivationLayer(Activation activation) { this.activation = activation; }

    @Override
    public Tensor forward(Tensor x) { return activation.apply(x); }

    /** The activation applied. */
    public Activation activation() { return activation; }
}
