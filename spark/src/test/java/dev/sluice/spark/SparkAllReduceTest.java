package dev.sluice.spark;

import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** SparkAllReduce in local[3] barrier stages of 2 and 3 tasks: rank-order sums bit for bit on every rank, broadcast, and clear errors. */
class SparkAllReduceTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() { sc = Spark.context("local[3]"); }

    @AfterAll
    static void stop() { if (sc != null) sc.close(); }

    /** Values of mixed magnitude, so that adding in another order would round differently. */
    static float[] values(int rank, int n) {
        SplittableRandom rng = new SplittableRandom(1000 + rank);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
        return a;
    }

    @Test
    void sumsInRankOrderOnEveryRankBitForBit() {
        int n = 1000, chunk = 300;   // four rounds, the last one short
        List<float[]> results = SparkBarrier.run(sc, List.of(0, 1), (Integer i, org.apache.spark.BarrierTaskContext ctx) -> {
            SparkAllReduce all = SparkAllReduce.of(ctx, chunk);
            assertEquals(i, all.rank());
            assertEquals(2, all.worldSize());
            float[] a = values(all.rank(), n);
            all.sumInPlace(a);
            return a;
        });
        float[] expected = values(0, n);
        float[] r1 = values(1, n);
        int orderMatters = 0;
        for (int i = 0; i < n; i++) {
            if (Float.floatToRawIntBits(expected[i] + r1[i]) != Float.floatToRawIntBits(r1[i] + expected[i])) orderMatters++;
            expected[i] += r1[i];
        }
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(results.get(r)[i]), "rank " + r + " element " + i);
            }
        }
        assertEquals(0, orderMatters, "two-term float addition is commutative; the three-rank test checks the order");
    }

    @Test
    void threeRanksAddInRankOrderNotAnyOther() {
        // column 0 in rank order: (1e8 - 1e8) + 1 = 1; adding rank 2 to rank 1 first loses the 1
        float[][] in = {{1e8f, 1f, 3f}, {-1e8f, 1e8f, 5f}, {1f, -1e8f, 7f}};
        List<float[]> results = SparkBarrier.run(sc, List.of(0, 1, 2), (Integer i, org.apache.spark.BarrierTaskContext ctx) -> {
            SparkAllReduce all = SparkAllReduce.current();
            float[] a = in[all.rank()].clone();
            all.sumInPlace(a);
            return a;
        });
        float[] expected = {1f, 0f, 15f};   // column 1: (1 + 1e8) rounds to 1e8, then - 1e8
        for (float[] r : results) assertArrayEquals(expected, r);
        assertNotEquals(expected[0], in[0][0] + (in[1][0] + in[2][0]), "the data makes the order visible");
    }

    @Test
    void theRingBetweenThreeTasksAddsInRankOrderToo() {
        float[][] in = {{1e8f, 1f, 3f}, {-1e8f, 1e8f, 5f}, {1f, -1e8f, 7f}};
        List<float[]> results = SparkBarrier.run(sc, List.of(0, 1, 2), (Integer i, org.apache.spark.BarrierTaskContext ctx) -> {
            try (var ring = SparkRing.connect(ctx)) {
                float[] a = in[ring.rank()].clone();
                ring.sumInPlace(a);
                return a;
            }
        });
        for (float[] r : results) assertArrayEquals(new float[] {1f, 0f, 15f}, r);
    }

    @Test
    void executorAddressesGiveTheirHost() {
        assertEquals("localhost", SparkRing.host("localhost:33193"));
        assertEquals("10.0.0.7", SparkRing.host("10.0.0.7:4040"));
        assertEquals("fe80::1", SparkRing.host("[fe80::1]:4040"));
        assertEquals("worker-3", SparkRing.host("worker-3"));
    }

    @Test
    void broadcastGivesEveryRankTheRootsArray() {
        List<float[]> results = SparkBarrier.run(sc, List.of(0, 1), (Integer i, org.apache.spark.BarrierTaskContext ctx) -> {
            SparkAllReduce all = SparkAllReduce.of(ctx, 7);
            float[] a = values(all.rank(), 50);
            all.broadcast(a, 1);
            return a;
        });
        assertArrayEquals(values(1, 50), results.get(0));
        assertArrayEquals(values(1, 50), results.get(1));
    }

    @Test
    void differentLengthsFailOnEveryRankNamingBoth() {
        SparkException e = assertThrows(SparkException.class, () -> SparkBarrier.run(sc, List.of(0, 1),
                (Integer i, org.apache.spark.BarrierTaskContext ctx) -> {
                    SparkAllReduce all = SparkAllReduce.current();
                    all.sumInPlace(new float[10 + all.rank()]);
                    return 0;
                }));
        String text = messages(e);
        assertTrue(text.contains("rank 0 sum of 10 floats; rank 1 sum of 11 floats"), text);
    }

    @Test
    void differentOperationsFailInsteadOfHanging() {
        SparkException e = assertThrows(SparkException.class, () -> SparkBarrier.run(sc, List.of(0, 1),
                (Integer i, org.apache.spark.BarrierTaskContext ctx) -> {
                    SparkAllReduce all = SparkAllReduce.current();
                    if (all.rank() == 0) all.sumInPlace(new float[4]);
                    else all.broadcast(new float[4], 0);
                    return 0;
                }));
        String text = messages(e);
        assertTrue(text.contains("rank 0 sum of 4 floats; rank 1 broadcast from 0 of 4 floats"), text);
    }

    static String messages(Throwable e) {
        List<String> all = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) all.add(String.valueOf(t.getMessage()));
        return String.join(" / ", all);
    }
}
