package dev.sluice.spark;

import dev.sluice.distributed.LocalAllReduce;
import dev.sluice.io.FashionMnist;
import dev.sluice.spark.SparkDataParallel.Transport;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Fashion-MNIST MLP trained on a local[2] barrier stage of 2 tasks, over allGather and over the TCP ring: after
 * 20 AdamW steps every rank's parameters equal, bit for bit, those of the same 2 ranks run as threads with the
 * in-process LocalAllReduce.
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
        assertTrue(reference.get(0).losses()[19] < reference.get(0).losses()[0], "the model learns: " + java.util.Arrays.toString(reference.get(0).losses()));
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
}
