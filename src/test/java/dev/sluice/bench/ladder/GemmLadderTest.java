package dev.sluice.bench.ladder;

import dev.sluice.backend.cpu.Parallel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every rung of the GEMM ladder against the float64 reference, on sizes that are not multiples of any tile or block
 * (1, 7, 17, 33, 129, ... and one past a block), with the error measured in units of float32's worst-case bound
 * γ_K·Σ|A·B| ({@link GemmReference#errorInBounds}).
 */
class GemmLadderTest {
    /** (m, n, k): edge sizes around the tiles (4 rows, 2 vectors), the blocks (128, 256, 512) and tiny ones. */
    static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 3}, {7, 1, 5}, {3, 3, 1}, {7, 17, 33}, {17, 33, 7}, {33, 129, 17}, {5, 65, 129},
            {129, 33, 257}, {130, 31, 300}, {4, 513, 9}, {9, 600, 130}, {65, 64, 64},
    };

    static float[] random(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    /** The largest error of {@code rung} in units of the float32 bound, over {@link #SHAPES}. */
    static double worstError(GemmRung rung, long seed) {
        var rnd = new SplittableRandom(seed);
        double worst = 0;
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n);
            float[] c = random(rnd, m * n); // garbage that the rung must overwrite, not add to
            rung.gemm(m, n, k, a, b, c);
            double e = GemmReference.errorInBounds(m, n, k, a, b, c);
            assertTrue(e <= 1.0, rung.name() + " at " + m + "×" + n + "×" + k + ": error " + e + " of the float32 bound");
            worst = Math.max(worst, e);
        }
        return worst;
    }

    @Test
    void everyRungMatchesTheFloat64ReferenceOnEdgeSizes() {
        List<String> report = new ArrayList<>();
        for (GemmRung rung : GemmLadder.rungs()) report.add(rung.name() + ": " + worstError(rung, 16));
        System.out.println("worst error in units of the float32 bound: " + report);
    }

    @Test
    void threadedRungsGiveTheSameBitsWithOneAndTwoThreads() {
        var rnd = new SplittableRandom(7);
        int m = 300, n = 77, k = 301; // several row blocks and two k blocks
        float[] a = random(rnd, m * k), b = random(rnd, k * n);
        for (GemmRung rung : GemmLadder.rungs()) {
            if (!rung.threaded()) continue;
            float[] one = new float[m * n], two = new float[m * n];
            try (var limit = Parallel.limitThreads(1)) {
                rung.gemm(m, n, k, a, b, one);
            }
            try (var limit = Parallel.limitThreads(2)) {
                rung.gemm(m, n, k, a, b, two);
            }
            assertArrayEquals(one, two, rung.name() + " depends on the thread count");
            assertTrue(GemmReference.errorInBounds(m, n, k, a, b, two) <= 1.0, rung.name());
        }
    }

    @Test
    void theCheckCatchesAWrongRung() {
        // drops the last term of every dot product: the kind of off-by-one an edge loop makes
        GemmRung wrong = new GemmRung() {
            @Override public String name() { return "wrong"; }
            @Override public String idea() { return "misses p = k-1"; }
            @Override public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
                new Gemm02LoopOrder().gemm(m, n, k - 1, dropLastColumn(m, k, a), b, c);
            }
        };
        assertThrows(AssertionError.class, () -> worstError(wrong, 16));
    }

    @Test
    void rungsAreNumberedInOrderAndEndAtTheProductionKernel() {
        List<GemmRung> rungs = GemmLadder.rungs();
        for (int r = 0; r < rungs.size(); r++) {
            assertTrue(rungs.get(r).name().startsWith(String.format("%02d ", r + 1)), rungs.get(r).name());
            assertFalse(rungs.get(r).idea().isBlank());
        }
        assertInstanceOf(Gemm08Production.class, rungs.getLast());
    }

    /** A (m×k) without its last column, as an m×(k−1) row-major matrix. */
    private static float[] dropLastColumn(int m, int k, float[] a) {
        float[] out = new float[m * (k - 1)];
        for (int i = 0; i < m; i++) System.arraycopy(a, i * k, out, i * (k - 1), k - 1);
        return out;
    }
}
