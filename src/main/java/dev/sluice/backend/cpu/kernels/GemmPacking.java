package dev.sluice.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing of GEMM operand blocks into the contiguous strips the micro-kernels stream through. Packing reads any
 * strides, so row-major, transposed and broadcast operands all become the same layout; edge strips are zero-padded so
 * the micro-kernel computes full tiles (the padding contributes 0 and is never stored).
 *
 * <p>The layouts training hits most are copied with whole vectors: the rows of a row-major B (input and weight
 * gradients), the columns of a transposed A (the weight gradient xᵀ·g, where MR consecutive floats of a column are
 * one step of the strip), and a transposed B (the forward x·Wᵀ) through gathers. Copying them element by element, or with {@code System.arraycopy} per 64-byte run (a stub
 * call each), cost up to 15% of a weight-gradient product on AVX2.
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int MR = GemmMicroKernels.MR, NR = GemmMicroKernels.NR;
    /** Floats one step of a transposed-A strip copies with whole vectors: MR rounded up to vectors. */
    private static final int MR_COPY = (MR + V - 1) / V * V;
    /** Floats past the end of a packed A block that {@link #packA} may overwrite (the last step's vector copy). */
    static final int A_SLACK = MR_COPY - MR;

    private GemmPacking() {}

    /**
     * Packs the mc×kc block of A at {@code a[off + i*rs + p*cs]} into strips of MR rows:
     * {@code ap[(i/MR)*MR*kc + p*MR + i%MR]}. May write up to {@link #A_SLACK} floats past the block.
     */
    static void packA(float[] a, int off, int rs, int cs, int mc, int kc, float[] ap) {
        int dst = 0;
        for (int i0 = 0; i0 < mc; i0 += MR) {
            int rows = Math.min(MR, mc - i0);
            int base = off + i0 * rs;
            if (rs == 1 && rows == MR) {
                // transposed A: a step's MR rows are MR consecutive floats; copy them with vectors, the excess lanes
                // being overwritten by the next step (or landing in the slack after the block)
                int p = 0;
                for (; p < kc && base + p * cs + MR_COPY <= a.length; p++, dst += MR) {
                    for (int v = 0; v < MR_COPY; v += V) {
                        FloatVector.fromArray(S, a, base + p * cs + v).intoArray(ap, dst + v);
                    }
                }
                for (; p < kc; p++, dst += MR) {
                    for (int r = 0; r < MR; r++) ap[dst + r] = a[base + p * cs + r];
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = base + p * cs;
                for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r * rs];
                for (int r = rows; r < MR; r++) ap[dst + r] = 0f;
                dst += MR;
            }
        }
    }

    /**
     * Packs the kc×nc block of B at {@code b[off + p*rs + j*cs]} into strips of NR columns:
     * {@code bp[dst + (j/NR)*NR*kc + p*NR + j%NR]}.
     */
    static void packB(float[] b, int off, int rs, int cs, int kc, int nc, float[] bp, int dst) {
        int[] columns = null; // for a transposed B: offsets of a strip's NR columns, j·cs
        for (int j0 = 0; j0 < nc; j0 += NR) {
            int cols = Math.min(NR, nc - j0);
            int base = off + j0 * cs;
            if (cs == 1 && cols == NR) {
                // row-major B: each strip row is a contiguous run of two vectors
                for (int p = 0; p < kc; p++, dst += NR) {
                    int src = base + p * rs;
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + V).intoArray(bp, dst + V);
                }
                continue;
            }
            if (rs == 1 && cols == NR) {
                // transposed B (Bᵀ row-major, the x·Wᵀ layout of a forward pass): each step of the strip gathers one
                // float from each of the NR columns. Gathers measured twice as fast as reading each column's run and
                // scattering it down the strip element by element (0.22 vs 0.42 ns per float with AVX2 and AVX-512 on
                // Sapphire Rapids; gathers are slower on AMD before Zen 4, where the two should be about even)
                if (columns == null) {
                    columns = new int[NR];
                    for (int j = 0; j < NR; j++) columns[j] = j * cs;
                }
                for (int p = 0; p < kc; p++, dst += NR) {
                    FloatVector.fromArray(S, b, base + p, columns, 0).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, base + p, columns, V).intoArray(bp, dst + V);
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int src = base + p * rs;
                for (int j = 0; j < cols; j++) bp[dst + j] = b[src + j * cs];
                for (int j = cols; j < NR; j++) bp[dst + j] = 0f;
                dst += NR;
            }
        }
    }
}
