package dev.sluice.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A task that fails mid-training: in local[2,4] (a task may fail up to 4 times) rank 1 throws before step 13 of the
 * stage's first attempt; Spark kills rank 0, reruns the barrier stage, and the new attempt resumes from rank 0's
 * checkpoint at step 10 and ends with the same bits as a run that never failed — no step lost or done twice.
 */
class SparkFaultTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() { sc = Spark.context("local[2,4]"); }

    @AfterAll
    static void stop() { if (sc != null) sc.close(); }

    /** Throws once: on rank 1, before step 13, in the stage's first attempt. */
    static void failOnce(int step, int rank) {
        if (rank == 1 && step == 13 && BarrierTaskContext.get().stageAttemptNumber() == 0) {
            throw new IllegalStateException("injected failure: rank 1 before step 13, attempt 0");
        }
    }

    @Test
    void aFailedTaskRerunsTheStageFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
        var job = SparkDataParallelTest.JOB.withCheckpoint(dir.resolve("mlp.safetensors").toString(), 5);
        List<FashionMnistDataParallel.Result> straight = SparkDataParallelTest.inProcess(SparkDataParallelTest.JOB, 2);
        List<FashionMnistDataParallel.Result> resumed = SparkDataParallel.run(sc, 2, SparkDataParallel.Transport.RING,
                (comm, ctx) -> job.train(comm, SparkFaultTest::failOnce));
        for (int r = 0; r < 2; r++) {
            var got = resumed.get(r);
            assertEquals(10, got.firstStep(), "rank " + r + " resumed at the last checkpoint before the failure");
            assertEquals(20, got.stepsDone());
            assertEquals(10, got.losses().length, "rank " + r + " ran steps 10..19 once each");
            double[] tail = java.util.Arrays.copyOfRange(straight.get(r).losses(), 10, 20);
            assertArrayEquals(tail, got.losses(), 0.0, "rank " + r + ": the resumed steps' losses");
            SparkDataParallelTest.assertSameBits(straight.get(r).parameters(), got.parameters(), "rank " + r + " after the retry");
        }
    }
}
