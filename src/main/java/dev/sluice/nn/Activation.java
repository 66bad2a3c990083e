package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/** Elementwise activation functions. */
public enum Activation {
    /** max(x, 0), like {@code torch.relu}. */
    RELU,
    /** Exact GELU, x·Φ(x). */
    GELU,
    /** GELU with the tanh approximation (GPT-2). */
    GELU_TANH,
    /** x·sigmoid(x). */
    SILU,
    /** The hyperbolic tangent. */
    TANH,
    /** The logistic sigmoid 1 / (1 + e^−x). */
    SIGMOID,
    /** No-op. */
    IDENTITY;

    /**
     * Applies the activation elementwise (differentiable).
     *
     * @param x a floating-point tensor (any shape; RELU and IDENTITY accept integer tensors too)
     * @return a tensor of x's shape and dtype (x itself for IDENTITY)
     */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case RELU -> x.relu();
            case GELU -> x.gelu();
            case GELU_TANH -> x.geluTanh();
            case SILU -> x.silu();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case IDENTITY -> x;
        };
    }
}
