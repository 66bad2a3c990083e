package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/** Elementwise activation functions. */
public enum Activation {
    RELU,
    /** Exact GELU, x·Φ(x). */
    GELU,
    /** GELU with the tanh approximation (GPT-2). */
    GELU_TANH,
    /** x·sigmoid(x). */
    SILU,
    TANH,
    SIGMOID,
    /** No-op. */
    IDENTITY;

    /** Applies the activation (differentiable). */
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
