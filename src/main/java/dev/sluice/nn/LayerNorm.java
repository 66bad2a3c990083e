package dev.sluice.nn;

import dev.sluice.nn.functional.F;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Layer norm over one or more trailing dimensions, as PyTorch's {@code nn.LayerNorm(normalized_shape)}: each slice
 * over those dimensions is normalised to mean 0 and (biased) variance 1, then scaled by a learned {@code weight}
 * (ones) and shifted by a learned {@code bias} (zeros), both of the normalized shape (state-dict keys {@code weight},
 * {@code bias}, shaped as PyTorch's).
 *
 * {@snippet :
 * LayerNorm perToken = new LayerNorm(768);                      // over the last dimension
 * LayerNorm perImage = new LayerNorm(new int[] {3, 32, 32});    // over [C, H, W] of an [N, C, H, W] batch
 * }
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight, bias;

    /**
     * Layer norm over a last dimension of size dim, eps = 1e-5 as PyTorch.
     *
     * @param dim the size of the last dimension
     * @throws IllegalArgumentException if dim is not positive
     */
    public LayerNorm(int dim) { this(new int[] {dim}, 1e-5); }

    /**
     * Layer norm over a last dimension of size dim with the given epsilon.
     *
     * @param dim the size of the last dimension
     * @param eps added to the variance
     * @throws IllegalArgumentException if dim is not positive or eps is negative or not finite
     */
    public LayerNorm(int dim, double eps) { this(new int[] {dim}, eps); }

    /**
     * Layer norm over the trailing dimensions {@code normalizedShape}, eps = 1e-5 as PyTorch.
     *
     * @param normalizedShape the sizes of the trailing dimensions normalised together (at least one)
     * @throws IllegalArgumentException if normalizedShape is empty or holds a size that is not positive
     */
    public LayerNorm(int[] normalizedShape) { this(normalizedShape, 1e-5); }

    /**
     * Layer norm over the trailing dimensions {@code normalizedShape} with the given epsilon.
     *
     * @param normalizedShape the sizes of the trailing dimensions normalised together (at least one)
     * @param eps added to the variance, non-negative and finite
     * @throws IllegalArgumentException if normalizedShape is empty or holds a size that is not positive, or eps is
     *     negative or not finite
     */
    public LayerNorm(int[] normalizedShape, double eps) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("LayerNorm: normalized shape must hold at least one dimension, each positive, got "
                    + Arrays.toString(normalizedShape));
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm: eps must be a non-negative finite number, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(normalizedShape));
        bias = registerParameter("bias", Tensor.zeros(normalizedShape));
    }

    /**
     * Normalises x over its trailing {@link #normalizedShape()} dimensions.
     *
     * @param x [..., *normalizedShape], floating point
     * @return a tensor of x's shape
     * @throws IllegalArgumentException if x's trailing dimensions are not the normalized shape
     */
    @Override
    public Tensor forward(Tensor x) { return F.layerNorm(x, normalizedShape, weight, bias, eps); }

    /**
     * The scale (gamma).
     *
     * @return the weight, of the normalized shape
     */
    public Tensor weight() { return weight; }

    /**
     * The shift (beta).
     *
     * @return the bias, of the normalized shape
     */
    public Tensor bias() { return bias; }

    /**
     * The trailing dimensions this layer normalises over.
     *
     * @return a copy of the normalized shape
     */
    public int[] normalizedShape() { return normalizedShape.clone(); }

    /**
     * The epsilon added to the variance.
     *
     * @return eps
     */
    public double eps() { return eps; }
}
