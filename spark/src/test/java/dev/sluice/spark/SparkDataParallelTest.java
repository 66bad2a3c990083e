package dev.sluice.spark;

import dev.sluice.distributed.LocalAllReduce;
import dev.sluice.io.FashionMnist;
import dev.sluice.spark.SparkDataParallel.Transport;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Fashion-MNIST MLP trained on a local[2] barrier stage of 2 tasks, over allGather and over the TCP ring: after
 * 20 AdamW steps every rank's parameters equal, bit for bit, those of the same 2 ranks run as threads with the
 * in-process LocalAllReduce; a mismatched rank is refused; a failed task's stage resumes from the checkpoint.
 */
class SparkDataParallelTest {
    static final FashionMnistDataParallel JOB = new FashionMnistDataParallel(FashionMnist.defaultDirectory().toString(), 4096,
            new int[] {64}, 64, 20, 1e-3, 1e-4, 0, null, 0);
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() { sc = Spark.context("local[2]"); }

    @AfterAll
    static void stop() { if (sc != null) sc.close(); }

    /** The reference: the same job on {@code n} threads of this JVM, with LocalAllReduce. */
    static List<FashionMnistDataParallel.Result> inProcess(FashionMnistDataParallel job, int n) throws Exception {
        List<LocalAllReduce> comms = LocalAllReduce.create(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<FashionMnistDataParallel.Result>> fs = new ArrayList<>();
            for (LocalAllReduce c : comms) fs.add(pool.submit(() -> job.train(c)));
            List<FashionMnistDataParallel.Result> out = new ArrayList<>();
            for (var f : fs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": parameter count");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": parameter " + i + " is " + actual[i] + ", the reference " + expected[i]);
            }
        }
    }

    @Test
    void sparkTrainingEqualsTheInProcessReferenceBitForBit() throws Exception {
        long t0 = System.nanoTime();
        List<FashionMnistDataParallel.Result> reference = inProcess(JOB, 2);
        System.out.printf("in-process reference: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(20, reference.get(0).losses().length);
        assertTrue(reference.get(0).losses()[19] < reference.get(0).losses()[0], "the model learns: " + Arrays.toString(reference.get(0).losses()));
        for (Transport t : Transport.values()) {
            long t1 = System.nanoTime();
            List<FashionMnistDataParallel.Result> spark = SparkDataParallel.run(sc, 2, t, (comm, ctx) -> JOB.train(comm));
            System.out.printf("%s on Spark: %.1f s%n", t, (System.nanoTime() - t1) / 1e9);
            assertEquals(2, spark.size());
            for (int r = 0; r < 2; r++) {
                assertEquals(r, spark.get(r).rank());
                assertEquals(0, spark.get(r).firstStep());
                assertEquals(20, spark.get(r).stepsDone());
                assertArrayEquals(reference.get(r).losses(), spark.get(r).losses(), 0.0, t + " rank " + r + " losses");
                assertSameBits(reference.get(r).parameters(), spark.get(r).parameters(), t + " rank " + r);
            }
        }
    }

    /** A task whose model differs (another hidden width) is refused on every rank before any step, naming the difference. */
    @Test
    void aRankWithAnotherModelIsRefusedBeforeTraining() {
        FashionMnistDataParallel other = new FashionMnistDataParallel(JOB.dataDir(), JOB.trainLimit(), new int[] {32}, JOB.globalBatch(),
                JOB.steps(), JOB.lr(), JOB.weightDecay(), JOB.seed(), null, 0);
        var e = assertThrows(org.apache.spark.SparkException.class, () -> SparkDataParallel.run(sc, 2, Transport.RING,
                (comm, ctx) -> (comm.rank() == 1 ? other : JOB).train(comm)));
        String text = SparkAllReduceTest.messages(e);
        assertTrue(text.contains("DistributedTrainer setup differs between ranks, so no rank starts: rank 1 differs at line 3: "
                + "rank 0 has 'parameter fc0.weight [64, 784] float32', rank 1 has 'parameter fc0.weight [32, 784] float32'"), text);
        // a barrier stage is retried as a whole however the tasks failed, so even this deterministic refusal runs
        // spark.stage.maxConsecutiveAttempts (4) times, each failing at the handshake
        assertTrue(text.contains("has failed the maximum allowable number of times: 4"), text);
    }

    /** Throws once: on rank 1, before step 13, in the stage's first attempt. */
    static void failOnce(int step, int rank) {
        if (rank == 1 && step == 13 && BarrierTaskContext.get().stageAttemptNumber() == 0) {
            throw new IllegalStateException("injected failure: rank 1 before step 13, attempt 0");
        }
    }

    /**
     * A task that fails mid-training: rank 1 throws before step 13 of the stage's first attempt; Spark kills rank 0,
     * reruns the barrier stage, and the new attempt resumes from rank 0's checkpoint at step 10 and ends with the same
     * bits as a run that never failed — no step lost or done twice. (LocalClusterTest kills an executor JVM instead.)
     */
    @Test
    void aFailedTaskRerunsTheStageFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
        var job = JOB.withCheckpoint(dir.resolve("mlp.safetensors").toString(), 5);
        List<FashionMnistDataParallel.Result> straight = inProcess(JOB, 2);
        List<FashionMnistDataParallel.Result> resumed = SparkDataParallel.run(sc, 2, Transport.RING,
                (comm, ctx) -> job.train(comm, SparkDataParallelTest::failOnce));
        for (int r = 0; r < 2; r++) {
            var got = resumed.get(r);
            assertEquals(10, got.firstStep(), "rank " + r + " resumed at the last checkpoint before the failure");
            assertEquals(20, got.stepsDone());
            assertEquals(10, got.losses().length, "rank " + r + " ran steps 10..19 once each");
            assertArrayEquals(Arrays.copyOfRange(straight.get(r).losses(), 10, 20), got.losses(), 0.0, "rank " + r + ": the resumed steps' losses");
            assertSameBits(straight.get(r).parameters(), got.parameters(), "rank " + r + " after the retry");
        }
    }
}
