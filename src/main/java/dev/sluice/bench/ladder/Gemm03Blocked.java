package dev.sluice.bench.ladder;

import java.util.Arrays;

/**
 * Rung 3, cache blocking: rung 2's i-p-j loop, run over one KC×NC block of B at a time. The block (128×512 floats,
 * 256 KiB) fits in L2, so after the first row of C has pulled it in, every further row reads it from L2 instead of
 * from L3 or memory; the NC floats of C's row that the p loop keeps updating stay in L1.
 *
 * <p>The work is the same as rung 2's, in blocks, and each entry of C is still summed p = 0..K-1 in order (the k
 * blocks run in sequence). The loop is still scalar (see rung 2), one multiply and one add per float of C, with a load
 * of B, a load and a store of C each; blocking removes the wait for memory, not that work.
 */
public final class Gemm03Blocked implements GemmRung {
    /** Depth of a block of B (rows). */
    static final int KC = 128;
    /** Width of a block of B (columns): KC·NC floats = 256 KiB, half of the smallest L2 in sight (AMD Zen 2). */
    static final int NC = 512;

    @Override public String name() { return "03 blocked"; }
    @Override public String idea() { return "rung 2 over 128×512 blocks of B, so B is re-read from L2, not memory"; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int jc = 0; jc < n; jc += NC) {
            int jEnd = Math.min(jc + NC, n);
            for (int pc = 0; pc < k; pc += KC) {
                int pEnd = Math.min(pc + KC, k);
                // the block B[pc:pEnd, jc:jEnd] is reused by every row i below
                for (int i = 0; i < m; i++) {
                    for (int p = pc; p < pEnd; p++) {
                        float aip = a[i * k + p];
                        for (int j = jc; j < jEnd; j++) {
                            c[i * n + j] += aip * b[p * n + j];
                        }
                    }
                }
            }
        }
    }
}
