package dev.sluice.backend.cpu.kernels;

/**
 * Packing of GEMM operand blocks into the contiguous strips the micro-kernel streams through. Packing reads any
 * strides, so row-major, transposed and broadcast operands all become the same layout; edge strips are zero-padded so
 * the micro-kernel computes full tiles (the padding contributes 0 and is never stored).
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs the mc×kc block of A at {@code a[off + i*rs + p*cs]} into strips of mr rows:
     * {@code ap[(i/mr)*mr*kc + p*mr + i%mr]}.
     */
    static void packA(float[] a, int off, int rs, int cs, int mc, int kc, int mr, float[] ap) {
        int dst = 0;
        for (int i0 = 0; i0 < mc; i0 += mr) {
            int rows = Math.min(mr, mc - i0);
            int base = off + i0 * rs;
            if (rows == mr && cs == 1) {
                // row-major A: each strip row is contiguous, read it row by row (sequential loads)
                for (int r = 0; r < mr; r++) {
                    int src = base + r * rs;
                    for (int p = 0; p < kc; p++) ap[dst + p * mr + r] = a[src + p];
                }
                dst += mr * kc;
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = base + p * cs;
                for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r * rs];
                for (int r = rows; r < mr; r++) ap[dst + r] = 0f;
                dst += mr;
            }
        }
    }

    /**
     * Packs the kc×nc block of B at {@code b[off + p*rs + j*cs]} into strips of nr columns:
     * {@code bp[(j/nr)*nr*kc + p*nr + j%nr]}.
     */
    static void packB(float[] b, int off, int rs, int cs, int kc, int nc, int nr, float[] bp) {
        packB(b, off, rs, cs, kc, nc, nr, bp, 0);
    }

    /** As {@link #packB(float[], int, int, int, int, int, int, float[])}, writing from {@code bp[dst]} on. */
    static void packB(float[] b, int off, int rs, int cs, int kc, int nc, int nr, float[] bp, int dst) {
        for (int j0 = 0; j0 < nc; j0 += nr) {
            int cols = Math.min(nr, nc - j0);
            int base = off + j0 * cs;
            if (cs == 1 && cols == nr) {
                // row-major B: each strip row is a contiguous run
                for (int p = 0; p < kc; p++, dst += nr) System.arraycopy(b, base + p * rs, bp, dst, nr);
                continue;
            }
            if (rs == 1 && cols == nr) {
                // transposed B (Bᵀ row-major, the x·Wᵀ layout): read each column's run of kc floats sequentially and
                // scatter it down the strip (the strip, nr·kc floats, stays in L1), instead of gathering nr rows per p
                for (int j = 0; j < nr; j++) {
                    int src = base + j * cs, d = dst + j;
                    for (int p = 0; p < kc; p++) bp[d + p * nr] = b[src + p];
                }
                dst += nr * kc;
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = base + p * rs;
                for (int j = 0; j < cols; j++) bp[dst + j] = b[src + j * cs];
                for (int j = cols; j < nr; j++) bp[dst + j] = 0f;
                dst += nr;
            }
        }
    }
}
