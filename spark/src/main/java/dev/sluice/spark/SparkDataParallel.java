package dev.sluice.spark;

import dev.sluice.distributed.AllReduce;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Data-parallel training on Spark: one barrier stage of N tasks, all started together, each given its rank and an
 * {@link AllReduce} over the stage, running a {@link Job} (typically a {@link dev.sluice.distributed.DistributedTrainer}
 * on the rank's shard). If a task fails, Spark fails the stage and runs all N tasks again (up to
 * {@code spark.task.maxFailures}): a job that checkpoints resumes at its last checkpoint, see
 * {@link FashionMnistDataParallel}.
 */
public final class SparkDataParallel {
    /** How the tasks sum their gradients. */
    public enum Transport {
        /** {@link SparkAllReduce}: through the driver with {@code allGather}; nothing but Spark's own RPC. */
        ALL_GATHER,
        /** The core's {@code RingAllReduce} over TCP between the tasks, addresses exchanged by {@code allGather} ({@link SparkRing}). */
        RING
    }

    /** One rank's work; serialized to the executors, so it captures only serializable values. */
    @FunctionalInterface
    public interface Job<R> extends Serializable {
        R run(AllReduce comm, BarrierTaskContext context) throws Exception;
    }

    private SparkDataParallel() {}

    /** Runs {@code job} on {@code workers} barrier tasks; returns each rank's result, rank 0 first. */
    public static <R extends Serializable> List<R> run(JavaSparkContext sc, int workers, Transport transport, Job<R> job) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < workers; r++) ranks.add(r);
        return SparkBarrier.run(sc, ranks, (Integer rank, BarrierTaskContext context) -> {
            try (AllReduce comm = transport == Transport.RING ? SparkRing.connect(context) : SparkAllReduce.current()) {
                return job.run(comm, context);
            }
        });
    }
}
