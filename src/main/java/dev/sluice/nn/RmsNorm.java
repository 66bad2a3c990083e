package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/**
 * Root-mean-square layer norm over the last dimension, as Llama's and Qwen2's {@code RMSNorm}:
 * {@code weight · x / sqrt(mean(x²) + eps)}, with a learned per-feature {@code weight} (ones), no mean subtraction and
 * no bias. State-dict key: {@code weight}.
 */
public final class RmsNorm extends Module {
    private final Tensor weight;
    private final double eps;

    /**
     * A norm over a last dimension of size dim with weight ones.
     *
     * @param dim the size of the last dimension
     * @param eps added to the mean square, non-negative and finite (Llama uses 1e-5 or 1e-6)
     * @throws IllegalArgumentException if dim is not positive or eps is negative or not finite
     */
    public RmsNorm(int dim, double eps) {
        this(checkDim(dim), eps);
    }

    /**
     * A norm holding the given tensor as its weight parameter (not copied), e.g. loaded from a checkpoint.
     *
     * @param weight the [dim] floating-point leaf tensor
     * @param eps added to the mean square, non-negative and finite
     * @throws IllegalArgumentException if weight is not 1-D floating point or eps is negative or not finite
     */
    public RmsNorm(Tensor weight, double eps) {
        if (weight.dim() != 1 || !weight.dtype().isFloating()) {
            throw new IllegalArgumentException("RmsNorm: weight must be a floating-point [dim] tensor, got "
                    + weight.dtype() + " " + java.util.Arrays.toString(weight.shape()));
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("RmsNorm: eps must be a non-negative finite number, got " + eps);
        }
        this.weight = registerParameter("weight", weight);
        this.eps = eps;
    }

    private static Tensor checkDim(int dim) {
        if (dim <= 0) throw new IllegalArgumentException("RmsNorm: dim must be positive, got " + dim);
        return Tensor.ones(dim);
    }

    /**
     * Normalises x over its last dimension.
     *
     * @param x [..., dim], floating point
     * @return a tensor of x's shape
     * @throws IllegalArgumentException if x's last dimension is not dim
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != weight.size(0)) {
            throw new IllegalArgumentException("RmsNorm: expected input [..., " + weight.size(0) + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        Tensor inv = x.square().mean(new int[] {-1}, true).add(eps).rsqrt();
        return x.mul(inv).mul(weight);
    }

    /**
     * The per-feature scale.
     *
     * @return the [dim] weight parameter
     */
    public Tensor weight() { return weight; }

    /**
     * The epsilon added to the mean square.
     *
     * @return eps
     */
    public double eps() { return eps; }
}
