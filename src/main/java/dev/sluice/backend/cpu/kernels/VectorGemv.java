package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One row times a transposed matrix, c (1×n) = or += a (1×k) · Bᵀ with B stored as n rows of k contiguous floats: the
 * forward of a linear layer for a single token ({@code x·Wᵀ}, W [out, in] row-major), which is what a language model
 * does for every generated token with a KV cache.
 *
 * <p>Why not the GEMM: with one row of A every element of B is used once, so the GEMM's packing of B — for this layout
 * one gather per element — costs more than the product itself (a SmolLM-135M-shaped model generated 6.4 tokens/s on
 * 2 Sapphire Rapids cores at 512 bits, PyTorch about 30 in the same run; with this path 26.6 vs 31.3, and 27.7 vs
 * 33.6 at 256 bits with PyTorch held to AVX2: `sluice bench lm`). Here each output is a dot product of two contiguous runs, streamed once
 * from memory: four rows of B at a time share each load of a, with one accumulator each.
 *
 * <p>Bits: the k lanes are summed as a tree at the end, so the result differs in the last bits from the GEMM's in-order
 * sum over k (and from the scalar reference), within the agreement tests' tolerance. It does not depend on the thread
 * count: each output is computed by one thread, in a fixed order.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Outputs per parallel chunk: a chunk streams at least this many floats of B (1 MiB) to pay for the hand-off. */
    private static final long MIN_FLOATS_PER_CHUNK = 1L << 18;

    private VectorGemv() {}

    /** Whether {@link #rowTimesTransposed} computes an m×n×k product with these strides (one row; B's k contiguous). */
    static boolean applies(int m, int k, int aCs, int bRs) {
        return m == 1 && aCs == 1 && bRs == 1 && k >= 2 * V;
    }

    // rowTimesTransposed: a[k] (contiguous from aOff), B rows j at bOff + j·bCs (k contiguous floats each) -> c[n] at cOff
    static void rowTimesTransposed(int n, int k, float[] a, int aOff, float[] b, int bOff, int bCs, float[] c, int cOff,
                                   boolean accumulate, boolean relu) {
        int grain = (int) Math.max(4, MIN_FLOATS_PER_CHUNK / k);
        Parallel.forRange((n + 3) / 4, (grain + 3) / 4, (lo, hi) -> {
            int jEnd = Math.min(n, 4 * hi);
            int j = 4 * lo;
            for (; j + 4 <= jEnd; j += 4) four(j, k, a, aOff, b, bOff, bCs, c, cOff, accumulate, relu);
            for (; j < jEnd; j++) finish(c, cOff + j, dot(k, a, aOff, b, bOff + j * bCs), accumulate, relu);
        });
    }

    /** Outputs j..j+3: one pass over a, four rows of B, four accumulators. */
    private static void four(int j, int k, float[] a, int aOff, float[] b, int bOff, int bCs, float[] c, int cOff,
                             boolean accumulate, boolean relu) {
        int r0 = bOff + j * bCs, r1 = r0 + bCs, r2 = r1 + bCs, r3 = r2 + bCs;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int bound = S.loopBound(k), p = 0;
        for (; p < bound; p += V) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + p);
            s0 = x.fma(FloatVector.fromArray(S, b, r0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, r1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, r2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, r3 + p), s3);
        }
        // lanes summed in RowOps' fixed order: reduceLanes(ADD) may add in any order, and interpreted and compiled
        // code did differ, so the same product gave different bits before and after the JIT compiled this method
        float t0 = RowOps.sumLanes(s0), t1 = RowOps.sumLanes(s1), t2 = RowOps.sumLanes(s2), t3 = RowOps.sumLanes(s3);
        for (; p < k; p++) {
            float x = a[aOff + p];
            t0 = Math.fma(x, b[r0 + p], t0);
            t1 = Math.fma(x, b[r1 + p], t1);
            t2 = Math.fma(x, b[r2 + p], t2);
            t3 = Math.fma(x, b[r3 + p], t3);
        }
        finish(c, cOff + j, t0, accumulate, relu);
        finish(c, cOff + j + 1, t1, accumulate, relu);
        finish(c, cOff + j + 2, t2, accumulate, relu);
        finish(c, cOff + j + 3, t3, accumulate, relu);
    }

    private static float dot(int k, float[] a, int aOff, float[] b, int row) {
        FloatVector s = FloatVector.zero(S);
        int bound = S.loopBound(k), p = 0;
        for (; p < bound; p += V) s = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, row + p), s);
        float t = RowOps.sumLanes(s);
        for (; p < k; p++) t = Math.fma(a[aOff + p], b[row + p], t);
        return t;
    }

    /** c = sum (or c + sum), then the ReLU as the RELU op computes it (NaN passes). */
    private static void finish(float[] c, int at, float sum, boolean accumulate, boolean relu) {
        float v = accumulate ? c[at] + sum : sum;
        c[at] = relu ? (v <= 0 ? 0f : v) : v;
    }
}
