package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/** A parameter-free layer applying an {@link Activation}, for use in {@link Sequential}. */
public final class ActivationLayer extends Module {
    private final Activation activation;

    /**
     * A layer applying an activation.
     *
     * @param activation the function applied by {@link #forward}
     */
    public ActivationLayer(Activation activation) { this.activation = activation; }

    @Override
    public Tensor forward(Tensor x) { return activation.apply(x); }

    /**
     * The activation applied.
     *
     * @return the activation given to the constructor
     */
    public Activation activation() { return activation; }
}
