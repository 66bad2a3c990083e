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

    public LayerNorm(int dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(dim));
        bias = registerParameter("bias", Tensor.zeros(dim));
    }

    @Override
    public Tensor forward(Tensor x) { return NeuralOps.layerNorm(x, new int[] {dim}, weight, bias, eps); }

    public Tensor weight() { return weight; }

    public Tensor bias() { return bias; }
}
