package dev.sluice.bench.ladder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Rung 6, packing (the GotoBLAS/BLIS scheme): before the tiles run, copy the KC×NC block of B into strips of NR
 * columns, each strip's KC rows one after another, and an MC×KC block of A into strips of MR rows, stored column by
 * column. The micro-kernel then reads both operands as two plain sequential streams: B's step p is the NR floats right
 * after step p−1's (one or two whole cache lines, no page hops), A's step p the MR floats after step p−1's.
 *
 * <p>The copies cost O(MC·KC + KC·NC) per block against O(MC·NC·KC) multiply-adds, so they pay for themselves many
 * times over. Packing also zero-pads the last strips to full width, so every tile is a full MR×NR tile: no edge loop,
 * only a scratch tile for the C entries that are outside the matrix. And since the strides inside the micro-kernel are
 * now the constants MR and NR, C2 can prove the array accesses in bounds and drop the checks. The blocks nest as in
 * BLIS: columns of C in blocks of NC, then k in blocks of KC (B's block packed, kept in L2), then rows in blocks of MC
 * (A's block packed, kept in L2, its MR-strip in L1), then the tiles.
 */
public final class Gemm06Packed implements GemmRung {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    static final int MR = Gemm05RegisterTile.MR, NR = Gemm05RegisterTile.NR;
    /** Depth of a k block: a packed B strip (KC·NR floats, 16 KiB at 256 bits) stays in L1. */
    static final int KC = 256;
    /** Rows of an A block (a multiple of MR): MC·KC floats = 128 KiB, in L2. */
    static final int MC = 128;
    /** Columns of a B block (a multiple of NR at every width): KC·NC floats = 512 KiB, in L2 or L3. */
    static final int NC = 512;

    @Override public String name() { return "06 packed"; }
    @Override public String idea() { return "copy A and B blocks into contiguous, zero-padded strips the tile streams"; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        float[] bp = new float[KC * roundUp(Math.min(NC, n), NR)];
        float[] ap = new float[roundUp(Math.min(MC, m), MR) * KC];
        float[] tile = new float[MR * NR];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(n, b, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(k, a, ic, mc, pc, kc, ap);
                    macro(n, ap, bp, c, ic, mc, jc, nc, kc, tile);
                }
            }
        }
    }

    /**
     * Packs B[pc:pc+kc, jc:jc+nc] (B is (K,N) row-major) into strips of NR columns:
     * bp[(j/NR)·kc·NR + p·NR + j%NR] = B[pc+p][jc+j], the columns past nc of the last strip set to 0.
     */
    static void packB(int n, float[] b, int pc, int kc, int jc, int nc, float[] bp) {
        int dst = 0;
        for (int j0 = 0; j0 < nc; j0 += NR) {
            int cols = Math.min(NR, nc - j0);
            for (int p = 0; p < kc; p++, dst += NR) {
                int src = (pc + p) * n + jc + j0;
                System.arraycopy(b, src, bp, dst, cols);
                Arrays.fill(bp, dst + cols, dst + NR, 0f);
            }
        }
    }

    /**
     * Packs A[ic:ic+mc, pc:pc+kc] (A is (M,K) row-major) into strips of MR rows, column by column:
     * ap[(i/MR)·kc·MR + p·MR + i%MR] = A[ic+i][pc+p], the rows past mc of the last strip set to 0.
     */
    static void packA(int k, float[] a, int ic, int mc, int pc, int kc, float[] ap) {
        int dst = 0;
        for (int i0 = 0; i0 < mc; i0 += MR) {
            int rows = Math.min(MR, mc - i0);
            for (int p = 0; p < kc; p++, dst += MR) {
                for (int r = 0; r < rows; r++) ap[dst + r] = a[(ic + i0 + r) * k + pc + p];
                for (int r = rows; r < MR; r++) ap[dst + r] = 0f;
            }
        }
    }

    /**
     * C[ic:ic+mc, jc:jc+nc] += (packed A block) · (packed B block), tile by tile (C is (M,N) row-major). Tiles that
     * stick out of C are computed whole into {@code tile} and only their valid part is added to C.
     */
    static void macro(int n, float[] ap, float[] bp, float[] c, int ic, int mc, int jc, int nc, int kc, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cIdx = (ic + ir) * n + jc + jr;
                if (mr == MR && nr == NR) {
                    kernel(kc, ap, ir * kc, bp, jr * kc, c, cIdx, n);
                } else {
                    Arrays.fill(tile, 0f);
                    kernel(kc, ap, ir * kc, bp, jr * kc, tile, 0, NR);
                    for (int r = 0; r < mr; r++) {
                        for (int j = 0; j < nr; j++) c[cIdx + r * n + j] += tile[r * NR + j];
                    }
                }
            }
        }
    }

    /**
     * out[4×NR] (rows cRs apart) += Σ_p ap[aIdx + p·MR + r] · bp[bIdx + p·NR + j]: the register tile of rung 5, reading
     * packed strips with the constant strides MR and NR.
     */
    static void kernel(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] out, int cIdx, int cRs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, bp, bIdx + V);
            FloatVector x0 = FloatVector.broadcast(S, ap[aIdx]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[aIdx + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[aIdx + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[aIdx + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
        }
        addRow(out, cIdx, c00, c01);
        addRow(out, cIdx + cRs, c10, c11);
        addRow(out, cIdx + 2 * cRs, c20, c21);
        addRow(out, cIdx + 3 * cRs, c30, c31);
    }

    /** out[idx : idx+NR] += the two vectors (lo, hi). */
    private static void addRow(float[] out, int idx, FloatVector lo, FloatVector hi) {
        FloatVector.fromArray(S, out, idx).add(lo).intoArray(out, idx);
        FloatVector.fromArray(S, out, idx + V).add(hi).intoArray(out, idx + V);
    }

    static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }
}
