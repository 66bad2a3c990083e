package dev.sluice.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LocalAllReduceTest {
    /** Every rank ends with the bits of a sequential rank-order sum (which differ from the reverse order's here). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void sumsInRankOrderOnEveryRank(int n) {
        SplittableRandom rng = new SplittableRandom(n);
        float[][] inputs = new float[n][];
        for (int r = 0; r < n; r++) inputs[r] = Ranks.spread(rng, 1001);
        float[] expected = Ranks.rankOrderSum(inputs);
        if (n >= 3) {
            float[][] reversed = new float[n][];
            for (int r = 0; r < n; r++) reversed[r] = inputs[n - 1 - r];
            assertFalse(java.util.Arrays.equals(expected, Ranks.rankOrderSum(reversed)), "the data shows the order of additions");
        }
        List<LocalAllReduce> comms = LocalAllReduce.create(n);
        List<float[]> results = Ranks.values(n, r -> {
            float[] a = inputs[r].clone();
            comms.get(r).sumInPlace(a);
            comms.get(r).sumInPlace(new float[0]);          // empty arrays are fine too
            return a;
        });
        for (int r = 0; r < n; r++) assertArrayEquals(expected, results.get(r), "rank " + r);
    }

    @Test
    void repeatedCallsOfDifferentLengthsStayInStep() {
        List<LocalAllReduce> comms = LocalAllReduce.create(3);
        List<float[]> out = Ranks.values(3, r -> {
            float[] last = null;
            for (int len = 1; len < 40; len += 7) {
                float[] a = new float[len];
                java.util.Arrays.fill(a, r + 1);
                comms.get(r).sumInPlace(a);
                last = a;
            }
            return last;
        });
        for (float[] a : out) for (float v : a) assertEquals(6f, v);
    }

    @Test
    void broadcastCopiesTheRootsArray() {
        List<LocalAllReduce> comms = LocalAllReduce.create(3);
        List<float[]> out = Ranks.values(3, r -> {
            float[] a = {r, r * 10, r * 100};
            comms.get(r).broadcast(a, 2);
            return a;
        });
        for (float[] a : out) assertArrayEquals(new float[] {2, 20, 200}, a);
    }

    @Test
    void lengthMismatchFailsOnEveryRankNamingTheLengths() {
        List<LocalAllReduce> comms = LocalAllReduce.create(3);
        var outcomes = Ranks.run(3, r -> {
            comms.get(r).sumInPlace(new float[r == 1 ? 5 : 4]);
            return null;
        });
        for (var o : outcomes) {
            assertInstanceOf(CollectiveException.class, o.error());
            assertTrue(o.error().getMessage().contains("rank 0 called sumInPlace on 4 floats, rank 1 called sumInPlace on 5 floats"),
                    o.error().getMessage());
        }
        CollectiveException later = assertThrows(CollectiveException.class, () -> comms.get(0).sumInPlace(new float[4]));
        assertTrue(later.getMessage().contains("refused"), later.getMessage());
    }

    @Test
    void aRankThatNeverArrivesTimesOutTheOthers() {
        List<LocalAllReduce> comms = LocalAllReduce.create(3, Duration.ofMillis(300));
        long start = System.nanoTime();
        var outcomes = Ranks.run(3, r -> {
            if (r != 2) comms.get(r).sumInPlace(new float[8]);
            return null;
        });
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed within the timeout, not a hang");
        for (int r = 0; r < 2; r++) {
            assertInstanceOf(CollectiveException.class, outcomes.get(r).error());
            assertTrue(outcomes.get(r).error().getMessage().contains("for ranks [2], which never arrived"), outcomes.get(r).error().getMessage());
        }
    }

    @Test
    void aRankThatClosesReleasesTheWaitingRanksAtOnce() {
        List<LocalAllReduce> comms = LocalAllReduce.create(2, Duration.ofSeconds(30));
        long start = System.nanoTime();
        var outcomes = Ranks.run(2, r -> {
            if (r == 1) {
                Thread.sleep(100);
                comms.get(1).close();                 // e.g. its training loop threw
            } else {
                comms.get(0).broadcast(new float[3], 0);
            }
            return null;
        });
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "did not wait for the 30 s timeout");
        assertTrue(outcomes.get(0).error().getMessage().contains("rank 1 closed the collective"), outcomes.get(0).error().getMessage());
    }

    @Test
    void anInvalidRootFailsEveryRank() {
        List<LocalAllReduce> comms = LocalAllReduce.create(2, Duration.ofSeconds(30));
        var outcomes = Ranks.run(2, r -> {
            comms.get(r).broadcast(new float[3], r == 0 ? 5 : 0);
            return null;
        });
        for (var o : outcomes) {
            assertInstanceOf(CollectiveException.class, o.error());
            assertTrue(o.error().getMessage().contains("root 5"), o.error().getMessage());
        }
    }
}
