package dev.sluice.distributed;

import dev.sluice.tensor.Tensor;

/**
 * One rank's loss on its shard, with the number of units it covers (examples, tokens, …), so that
 * {@link DistributedTrainer} can weight the ranks and train on exactly the gradient of the mean over the global batch.
 *
 * <p>The math: if rank r's loss is a mean L<sub>r</sub> over c<sub>r</sub> units, the global batch's mean loss is
 * L = Σ<sub>r</sub> c<sub>r</sub>·L<sub>r</sub> / C with C = Σ<sub>r</sub> c<sub>r</sub>, so
 * ∇L = Σ<sub>r</sub> c<sub>r</sub>·∇L<sub>r</sub> / C. Averaging the ranks' gradients instead (each weighted 1/N) is
 * only right when every shard holds as many units; with 10 examples on 4 ranks (3, 3, 2, 2) it over-weights the small
 * shards. A loss that is a sum over its units ({@link #sum}) enters with weight 1: ∇L = Σ ∇S<sub>r</sub> / C.
 * The unit need not be the example: a language model's response loss averages over response tokens, so its count is
 * the shard's token count.
 */
public final class ShardLoss {
    private static final ShardLoss EMPTY = new ShardLoss(null, 0, 0);

    private final Tensor loss;
    private final double count, gradientScale;

    private ShardLoss(Tensor loss, double count, double gradientScale) {
        this.loss = loss;
        this.count = count;
        this.gradientScale = gradientScale;
    }

    /**
     * A loss that is the mean over {@code count} units of this shard, e.g. {@code Losses.crossEntropy} over a shard of
     * {@code count} examples.
     *
     * @param loss a one-element tensor, differentiable with respect to the model's parameters
     * @param count the number of units averaged over, &gt; 0
     * @return the shard's loss
     * @throws IllegalArgumentException if the loss has more than one element or the count is not positive and finite
     */
    public static ShardLoss mean(Tensor loss, double count) {
        check("mean", loss, count);
        if (count == 0) throw new IllegalArgumentException("ShardLoss.mean: a mean over 0 units is undefined; use ShardLoss.empty()");
        return new ShardLoss(loss, count, count);
    }

    /**
     * A loss that is the sum over {@code count} units of this shard.
     *
     * @param loss a one-element tensor, differentiable with respect to the model's parameters
     * @param count the number of units summed over, ≥ 0
     * @return the shard's loss
     * @throws IllegalArgumentException if the loss has more than one element or the count is negative or not finite
     */
    public static ShardLoss sum(Tensor loss, double count) {
        check("sum", loss, count);
        return new ShardLoss(loss, count, 1);
    }

    /**
     * No data on this rank at this step (a global batch smaller than the number of ranks): the rank contributes no
     * gradient and no units, but still takes part in the step.
     *
     * @return the empty loss
     */
    public static ShardLoss empty() { return EMPTY; }

    private static void check(String kind, Tensor loss, double count) {
        if (loss == null || loss.numel() != 1) {
            throw new IllegalArgumentException("ShardLoss." + kind + ": the loss must be a one-element tensor, got "
                    + (loss == null ? "null" : java.util.Arrays.toString(loss.shape())));
        }
        if (!(count >= 0) || Double.isInfinite(count)) {
            throw new IllegalArgumentException("ShardLoss." + kind + ": count must be finite and >= 0, got " + count);
        }
    }

    /**
     * The loss tensor to back-propagate.
     *
     * @return the one-element loss, or null for {@link #empty()}
     */
    public Tensor loss() { return loss; }

    /**
     * The number of units this shard's loss covers.
     *
     * @return the count (0 for {@link #empty()})
     */
    public double count() { return count; }

    /** True for {@link #empty()}: nothing to back-propagate. */
    boolean isEmpty() { return loss == null; }

    /** The factor turning this loss's gradient into the gradient of the shard's sum over its units. */
    double gradientScale() { return gradientScale; }
}
