package dev.sluice.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Spark barrier stage from Java: one task per input, all launched together (or none), each handed its input
 * and its {@link BarrierTaskContext}; returns the outputs in rank order. Spark's barrier API is Scala-only
 * ({@code RDD.barrier().mapPartitions} takes a Scala function and a {@code ClassTag}); this is the bridge.
 *
 * <p>If any task fails, Spark kills every task of the stage and runs the whole stage again, up to
 * {@code spark.stage.maxConsecutiveAttempts} (4) attempts — also in {@code local[N]}, whose
 * {@code spark.task.maxFailures} of 1 does not apply to a barrier stage's retries (measured), and also for a failure
 * that will repeat (a setup mismatch fails all 4). A task can tell a retry by
 * {@link BarrierTaskContext#stageAttemptNumber()}. Spark never retries a barrier <em>result</em> stage (it may have
 * handed out some partitions' results already: "Could not recover from a failed barrier ResultStage"), so the
 * outputs leave the barrier stage through a one-partition shuffle: the barrier stage is a shuffle-map stage, which
 * Spark does retry.
 */
public final class SparkBarrier {
    /** The body of one barrier task; inputs, outputs and the task itself travel to executors by Java serialization. */
    @FunctionalInterface
    public interface Task<I, O> extends Serializable {
        O run(I input, BarrierTaskContext context) throws Exception;
    }

    private SparkBarrier() {}

    /** Runs {@code task} once per element of {@code inputs} in one barrier stage; the i-th output is rank i's. */
    public static <I extends Serializable, O extends Serializable> List<O> run(JavaSparkContext sc, List<I> inputs, Task<I, O> task) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("a barrier stage needs at least one task");
        JavaRDD<I> rdd = sc.parallelize(inputs, inputs.size());
        ClassTag<Ranked<O>> tag = ClassTag$.MODULE$.apply(Ranked.class);
        RDD<Ranked<O>> out = rdd.rdd().barrier().mapPartitions(new PartitionBody<>(task), false, tag);
        List<Ranked<O>> ranked = new ArrayList<>(new JavaRDD<>(out, tag).repartition(1).collect());
        ranked.sort(java.util.Comparator.comparingInt(Ranked::rank));
        List<O> outputs = new ArrayList<>(ranked.size());
        for (Ranked<O> r : ranked) outputs.add(r.value());
        return outputs;
    }

    /** An output with the rank that made it (the shuffle does not keep the order). */
    record Ranked<O>(int rank, O value) implements Serializable {}

    /** The partition function: a partition holds exactly one input (one task per input). */
    private static final class PartitionBody<I, O> extends AbstractFunction1<Iterator<I>, Iterator<Ranked<O>>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Task<I, O> task;

        PartitionBody(Task<I, O> task) { this.task = task; }

        @Override
        public Iterator<Ranked<O>> apply(Iterator<I> partition) {
            BarrierTaskContext context = BarrierTaskContext.get();
            List<Ranked<O>> outputs = new ArrayList<>(1);
            while (partition.hasNext()) {
                I input = partition.next();
                try {
                    outputs.add(new Ranked<>(context.partitionId(), task.run(input, context)));
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new RuntimeException("barrier task " + context.partitionId() + " failed: " + e, e);
                }
            }
            return CollectionConverters.asScala(outputs.iterator());
        }
    }
}
