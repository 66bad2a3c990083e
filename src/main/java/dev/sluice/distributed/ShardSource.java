package dev.sluice.distributed;

/**
 * The data of a data-parallel run, addressed by step: rank r's shard of the global batch of step s. Because a shard
 * is a function of the step, the step count is the data position: a run resumed from a checkpoint at step s reads
 * exactly the shards it would have read, with none skipped or repeated.
 * {@snippet :
 * ShardSource<Batch> data = (step, rank, worldSize) -> {
 *     Batch global = batches.get(step % batches.size());          // the same global batch on every rank
 *     ShardRange r = ShardRange.of(global.size(), rank, worldSize);
 *     return new Batch(global.inputs().narrow(0, r.from(), r.size()), global.targets().narrow(0, r.from(), r.size()));
 * };
 * }
 *
 * @param <S> the shard's type
 */
@FunctionalInterface
public interface ShardSource<S> {
    /**
     * Rank {@code rank}'s shard at {@code step}.
     *
     * @param step the step, from 0
     * @param rank the rank asking
     * @param worldSize the number of ranks
     * @return the shard; the shards of all ranks at one step together form that step's global batch
     */
    S shard(int step, int rank, int worldSize);
}
