package dev.sluice.nn;

import dev.sluice.ops.NeuralOps;
import dev.sluice.tensor.Tensor;

/** Layer norm over the last dimension with learned scale ({@code weight}, ones) and shift ({@code bias}, zeros). */
public final class LayerNorm extends Module {
    private final int dim;
    private final double eps;
    private final Tensor weight, bias;

    /** eps = 1e-5, as PyTorch. */
    public LayerNorm(int dim) { this(dim, 1e-5); }

    /** Layer norm over a last dimension of size dim with the given epsilon. */
    public LayerNorm(int dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(dim));
        bias = registerParameter("bias", Tensor.zeros(dim));
    }

    @Override
    public Tensor forward(Tensor x) { return NeuralOps.layerNorm(x, new int[] {dim}, weight, bias, eps); }

    /** The scale (gamma), [dim]. */
    public Tensor weight() { return weight; }

    /** The shift (beta), [dim]. */
    public Tensor bias() { return bias; }
}
