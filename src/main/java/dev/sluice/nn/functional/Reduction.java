package dev.sluice.nn.functional;

/**
 * How a loss reduces its per-element (or per-position) values, as the {@code reduction} argument of PyTorch's losses
 * ({@code 'mean' | 'sum' | 'none'}).
 *
 * <p>Each loss in {@link F} documents what its elements are: every element of the input for
 * {@link F#mseLoss mseLoss}, {@link F#l1Loss l1Loss} and {@link F#binaryCrossEntropyWithLogits
 * binaryCrossEntropyWithLogits}; every position (the logits' leading shape, without the class or vocabulary
 * dimension) for {@link F#crossEntropy crossEntropy} and the distillation losses.
 */
public enum Reduction {
    /**
     * A scalar: the mean of the elements. The elementwise losses divide by the number of elements and cross entropy
     * by the number of targets that are not ignored, each NaN when there is none (0/0, as PyTorch); the distillation
     * losses divide by the mask's sum and throw when a mask selects no position (without a mask, zero positions
     * give 0).
     */
    MEAN,
    /** A scalar: the sum of the elements (0 over zero elements). Ignored targets and masked positions add 0. */
    SUM,
    /**
     * No reduction: a tensor of the per-element values, shaped as the input for elementwise losses and as the leading
     * (position) shape for cross entropy and the distillation losses, with 0 at ignored targets and masked positions.
     */
    NONE
}
