package dev.sluice.distributed;

import dev.sluice.nn.Module;

/**
 * What one training step computes on one rank: the loss of the model on the rank's shard. Whatever a method needs
 * besides the model travels in the shard (per-example routing masks or labels, prompts and responses) or in the
 * function's closure (a frozen teacher for distillation, a router), so one {@link DistributedTrainer} serves every
 * method. The function runs in grad mode; the trainer calls {@code backward()} on the returned loss.
 * {@snippet :
 * StepLoss<MLP, Batch> loss = (model, shard) ->
 *         ShardLoss.mean(Losses.crossEntropy(model.forward(shard.inputs()), shard.targets()), shard.size());
 * }
 *
 * @param <M> the model's type
 * @param <S> the shard's type
 */
@FunctionalInterface
public interface StepLoss<M extends Module, S> {
    /**
     * The loss of {@code model} on {@code shard}.
     *
     * @param model this rank's replica
     * @param shard this rank's part of the step's global batch
     * @return the loss with the number of units it covers, or {@link ShardLoss#empty()} for an empty shard
     */
    ShardLoss compute(M model, S shard);
}
