package dev.sluice.bench.ladder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Rung 5, register tiling: a 4-row × 2-vector tile of C (4×16 floats at 256 bits, 4×32 at 512) is held in eight
 * vector registers for a whole block of k. Each step p loads two vectors of B's row p and broadcasts four floats of
 * A's column p, and does eight FMAs with them: C is loaded and stored once per block instead of once per
 * multiply-add, and each B vector loaded serves four FMAs.
 *
 * <p>Eight accumulators are also eight independent dependency chains. An FMA takes about 4–5 cycles and a core can
 * start two per cycle, so it needs 8–10 FMAs in flight to stay busy; rung 4's loop had one chain per vector of C and
 * spent its time on loads and stores anyway. The tile needs 8 accumulators + 2 B vectors + up to 4 broadcasts = 14
 * registers, within the 16 of AVX2 (AVX-512 has 32, which the production kernel uses for an 8-row tile).
 *
 * <p>A and B are still read where they lie: the tile reads four rows of A, and B's row p, then row p+1 (n floats
 * further on), so every step lands on new cache lines of B. Edges that do not fill a tile go through rung 4's loop.
 */
public final class Gemm05RegisterTile implements GemmRung {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Rows of the register tile. */
    static final int MR = 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * V;

    @Override public String name() { return "05 register tile"; }
    @Override public String idea() { return "4×2-vector tile of C kept in 8 registers over a k block (FMA chains)"; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        int mFull = m - m % MR;
        for (int jc = 0; jc < n; jc += Gemm03Blocked.NC) {
            int jEnd = Math.min(jc + Gemm03Blocked.NC, n);
            int jFull = jc + (jEnd - jc) / NR * NR;
            for (int pc = 0; pc < k; pc += Gemm03Blocked.KC) {
                int pEnd = Math.min(pc + Gemm03Blocked.KC, k);
                for (int i = 0; i < mFull; i += MR) {
                    for (int j = jc; j < jFull; j += NR) tile(n, k, a, b, c, i, j, pc, pEnd);
                }
                // edges: the columns right of the last full tile, then the rows below the last full tile
                Gemm04Vectorized.update(n, k, a, b, c, 0, mFull, pc, pEnd, jFull, jEnd);
                Gemm04Vectorized.update(n, k, a, b, c, mFull, m, pc, pEnd, jc, jEnd);
            }
        }
    }

    /**
     * C[i:i+4, j:j+NR] += A[i:i+4, p0:p1] · B[p0:p1, j:j+NR], the tile's 8 vectors held in registers over p (A is
     * (M,K), B is (K,N), C is (M,N), all row-major).
     */
    private static void tile(int n, int k, float[] a, float[] b, float[] c, int i, int j, int p0, int p1) {
        int r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
        FloatVector c00 = FloatVector.fromArray(S, c, r0), c01 = FloatVector.fromArray(S, c, r0 + V);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + V);
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (int p = p0; p < p1; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * n + j);
            FloatVector b1 = FloatVector.fromArray(S, b, p * n + j + V);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
    }
}
