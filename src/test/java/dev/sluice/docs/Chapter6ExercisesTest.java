package dev.sluice.docs;

import dev.sluice.bench.ladder.GemmReference;
import dev.sluice.bench.ladder.GemmRung;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The exercises at the end of docs/06-gemm-ladder.md, with their solutions. A reader who writes their own version
 * replaces the solution's body and runs this test:
 * {@code mvn -q test -Dtest=Chapter6ExercisesTest -Dsurefire.failIfNoSpecifiedTests=false}. The solutions use only the
 * ladder's public types ({@link GemmRung}, {@link GemmReference}), so each is a complete rung on its own.
 */
class Chapter6ExercisesTest {
    /** (m, n, k) shapes that are not multiples of any tile or block, as in GemmLadderTest. */
    static final int[][] SHAPES = {{1, 1, 1}, {7, 17, 33}, {17, 33, 7}, {33, 129, 17}, {130, 31, 300}, {9, 600, 130}};

    /** The largest error of {@code rung} over {@link #SHAPES}, in units of the float32 bound (at most 1 if correct). */
    static double worstError(GemmRung rung, long seed) {
        var rnd = new SplittableRandom(seed);
        double worst = 0;
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);
            rung.gemm(m, n, k, a, b, c);
            worst = Math.max(worst, GemmReference.errorInBounds(m, n, k, a, b, c));
        }
        return worst;
    }

    static float[] random(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    // ---- Exercise 1: the loop order p-i-j ---------------------------------------------------------------------------

    /**
     * Exercise 1's solution: rung 2 with the p loop outermost. The inner loop is still contiguous (rows of B and C),
     * each row of B is read exactly once in total, but all of C is read and written once per p.
     */
    static final class PijOrder implements GemmRung {
        @Override public String name() { return "exercise 1: p-i-j"; }
        @Override public String idea() { return "p outermost: B read once, C swept K times"; }

        // A is (M,K) row-major, B is (K,N), C is (M,N)
        @Override
        public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
            Arrays.fill(c, 0, m * n, 0f);
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) {
                    float aip = a[i * k + p];
                    for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
                }
            }
        }
    }

    @Test
    void exercise1LoopOrderPij() {
        assertTrue(worstError(new PijOrder(), 1) <= 1.0);
    }

    // ---- Exercise 2: a 2-row × 3-vector register tile -----------------------------------------------------------------

    /**
     * Exercise 2's solution: rung 5 with a 2×3-vector tile (6 accumulators, 3 B vectors and 2 broadcasts: 11
     * registers). Each B vector loaded serves only 2 FMAs (rung 5's: 4), and each step does 6 FMAs on 5 loads.
     */
    static final class Tile2x3 implements GemmRung {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int V = S.length(), MR = 2, NR = 3 * V;
        /** Rung 3's block of B: KC rows × NC columns. */
        private static final int KC = 128, NC = 512;

        @Override public String name() { return "exercise 2: 2×3 tile"; }
        @Override public String idea() { return "rung 5 with a 2-row × 3-vector register tile"; }

        // A is (M,K) row-major, B is (K,N), C is (M,N)
        @Override
        public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
            Arrays.fill(c, 0, m * n, 0f);
            int mFull = m - m % MR;
            for (int jc = 0; jc < n; jc += NC) {
                int jEnd = Math.min(jc + NC, n), jFull = jc + (jEnd - jc) / NR * NR;
                for (int pc = 0; pc < k; pc += KC) {
                    int pEnd = Math.min(pc + KC, k);
                    for (int i = 0; i < mFull; i += MR) {
                        for (int j = jc; j < jFull; j += NR) tile(n, k, a, b, c, i, j, pc, pEnd);
                    }
                    edge(n, k, a, b, c, 0, mFull, pc, pEnd, jFull, jEnd); // right of the last full tile
                    edge(n, k, a, b, c, mFull, m, pc, pEnd, jc, jEnd);    // below the last full tile
                }
            }
        }

        /** C[i0:i1, j0:j1] += A[i0:i1, p0:p1] · B[p0:p1, j0:j1], plain i-p-j (the edges are small). */
        private static void edge(int n, int k, float[] a, float[] b, float[] c, int i0, int i1, int p0, int p1, int j0,
                                 int j1) {
            for (int i = i0; i < i1; i++) {
                for (int p = p0; p < p1; p++) {
                    for (int j = j0; j < j1; j++) c[i * n + j] = Math.fma(a[i * k + p], b[p * n + j], c[i * n + j]);
                }
            }
        }

        private static void tile(int n, int k, float[] a, float[] b, float[] c, int i, int j, int p0, int p1) {
            int r0 = i * n + j, r1 = r0 + n;
            FloatVector c00 = FloatVector.fromArray(S, c, r0), c01 = FloatVector.fromArray(S, c, r0 + V);
            FloatVector c02 = FloatVector.fromArray(S, c, r0 + 2 * V);
            FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V);
            FloatVector c12 = FloatVector.fromArray(S, c, r1 + 2 * V);
            for (int p = p0; p < p1; p++) {
                int row = p * n + j;
                FloatVector b0 = FloatVector.fromArray(S, b, row), b1 = FloatVector.fromArray(S, b, row + V);
                FloatVector b2 = FloatVector.fromArray(S, b, row + 2 * V);
                FloatVector x0 = FloatVector.broadcast(S, a[i * k + p]);
                c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02);
                FloatVector x1 = FloatVector.broadcast(S, a[(i + 1) * k + p]);
                c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12);
            }
            c00.intoArray(c, r0); c01.intoArray(c, r0 + V); c02.intoArray(c, r0 + 2 * V);
            c10.intoArray(c, r1); c11.intoArray(c, r1 + V); c12.intoArray(c, r1 + 2 * V);
        }
    }

    @Test
    void exercise2TwoByThreeTile() {
        assertTrue(worstError(new Tile2x3(), 2) <= 1.0);
    }

    // ---- Exercise 3: flops per float loaded by a register tile --------------------------------------------------------

    /**
     * Exercise 3's solution: one step p of an mr-row × nv-vector tile with v lanes per vector loads mr floats of A and
     * nv·v floats of B and does mr·nv·v multiply-adds (2 flops each): flops per float loaded.
     */
    static double flopsPerFloatLoaded(int mr, int nv, int v) {
        return 2.0 * mr * nv * v / (mr + nv * v);
    }

    @Test
    void exercise3ArithmeticIntensityOfATile() {
        // rung 4's loop (one row, one vector, but it also loads and stores C: 2v + 1 floats moved for 2v flops) is
        // under 1; the tiles climb with their size
        assertEquals(2.0 * 4 * 32 / (4 + 32), flopsPerFloatLoaded(4, 2, 16), 1e-12); // rung 5 at 512 bits: 7.1
        assertEquals(2.0 * 5 * 16 / (5 + 16), flopsPerFloatLoaded(5, 2, 8), 1e-12);  // production at 256 bits: 7.6
        assertEquals(2.0 * 8 * 32 / (8 + 32), flopsPerFloatLoaded(8, 2, 16), 1e-12); // production at 512 bits: 12.8
        assertTrue(flopsPerFloatLoaded(8, 2, 16) > flopsPerFloatLoaded(4, 2, 16));
        assertTrue(flopsPerFloatLoaded(4, 2, 16) > flopsPerFloatLoaded(2, 3, 16), "exercise 2's tile reuses less");
    }
}
