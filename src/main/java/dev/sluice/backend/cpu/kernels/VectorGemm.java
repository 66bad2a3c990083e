package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, packed float32 GEMM on the Vector API (the GotoBLAS/BLIS scheme).
 *
 * <p>Loops, outermost first: columns of C in blocks of {@link #NC}; the shared dimension in blocks of {@link #KC}
 * (B's kc×nc block is packed into NR-wide strips, kept in L2/L3); rows of C in blocks of {@link #MC} (A's mc×kc
 * block is packed into MR-tall strips, kept in L2); then MR×NR tiles of C computed by a register-blocked
 * micro-kernel holding MR×2 vector accumulators. Packing absorbs any strides of A and B (so transposed operands cost
 * nothing extra) and zero-pads edge strips, so the micro-kernel never branches on edges; only the store of an edge
 * tile goes through a small scratch tile.
 *
 * <p>Threads split C into disjoint column (or row) ranges, each running the whole scheme with its own pack buffers,
 * so results do not depend on the thread count.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Rows of a micro-tile: 6 rows × 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast fit 16 registers. */
    static final int MR = 6;
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * V;
    /** Depth of a packed block: a kc×NR strip of B (32 KiB at 512 bits, 16 KiB at 256) is reused from L1/L2 across the MR strips of A. */
    static final int KC = 256;
    /** Rows of a packed A block (a multiple of MR): mc×kc floats ≈ 144 KiB, well inside L2. */
    static final int MC = 144;
    /** Columns of a packed B block (a multiple of NR). */
    static final int NC = 64 * NR;
    /**
     * Below this many multiply-adds a product runs on one thread: forking costs more than it saves, and CpuMatmul
     * already runs batches of products under 2²² flops in parallel over the batch.
     */
    private static final long PARALLEL_MIN_FMAS = 1L << 21;

    /**
     * Per-thread pack buffers and edge scratch, reused across calls (no allocation per call once warm). They grow to
     * the largest block this thread has packed, so threads that only ever see small products stay small.
     */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        void ensure(int aFloats, int bFloats) {
            if (a.length < aFloats) a = new float[aFloats];
            if (b.length < bFloats) b = new float[bFloats];
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private VectorGemm() {}

    /** C (m×n, row stride cRs) = or += A (m×k) · B (k×n); see {@link Float32Kernels#gemm}. */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int cRs, boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * cRs, cOff + i * cRs + n, 0f);
            return;
        }
        long fmas = (long) m * n * k;
        int threads = fmas < PARALLEL_MIN_FMAS ? 1 : Parallel.threads();
        int colTiles = (n + NR - 1) / NR, rowTiles = (m + MR - 1) / MR;
        if (threads > 1 && colTiles >= 2 * threads || threads > 1 && colTiles >= rowTiles && colTiles >= threads) {
            // split columns of C: each thread packs only its own part of B (A is re-packed per thread)
            Parallel.forRange(colTiles, 1, (lo, hi) -> blocked(0, m, lo * NR, Math.min(n, hi * NR), k,
                    a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate));
        } else if (threads > 1 && rowTiles >= threads) {
            Parallel.forRange(rowTiles, 1, (lo, hi) -> blocked(lo * MR, Math.min(m, hi * MR), 0, n, k,
                    a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate));
        } else {
            blocked(0, m, 0, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate);
        }
    }

    /** The blocked loop nest over rows [i0, i1) and columns [j0, j1) of C, on the calling thread. */
    private static void blocked(int i0, int i1, int j0, int j1, int k, float[] a, int aOff, int aRs, int aCs,
                                float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int cRs, boolean accumulate) {
        Buffers buf = BUFFERS.get();
        int kcMax = Math.min(KC, k), ncMax = Math.min(NC, roundUp(j1 - j0, NR)), mcMax = Math.min(MC, roundUp(i1 - i0, MR));
        buf.ensure(mcMax * kcMax, kcMax * ncMax);
        float[] ap = buf.a, bp = buf.b, tile = buf.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                GemmPacking.packB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, NR, bp);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    GemmPacking.packA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, MR, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bIdx = jr * kc; // strip jr/NR starts at (jr/NR)·NR·kc
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cIdx = cOff + (ic + ir) * cRs + jc + jr;
                            if (mr == MR && nr == NR) {
                                kernel(kc, ap, ir * kc, bp, bIdx, c, cIdx, cRs, add);
                            } else {
                                kernel(kc, ap, ir * kc, bp, bIdx, tile, 0, NR, false);
                                storeEdge(tile, c, cIdx, cRs, mr, nr, add);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }

    /** Copies the valid mr×nr corner of a scratch tile into C (or adds it). */
    private static void storeEdge(float[] tile, float[] c, int cIdx, int cRs, int mr, int nr, boolean add) {
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * cRs, t = r * NR;
            if (add) for (int j = 0; j < nr; j++) c[row + j] += tile[t + j];
            else System.arraycopy(tile, t, c, row, nr);
        }
    }

    /**
     * The micro-kernel: C[MR×NR] (= or +=) Σ_p Apanel[p][0..MR) ⊗ Bpanel[p][0..NR), from packed strips
     * ap[aIdx + p·MR + r] and bp[bIdx + p·NR + j]; 12 accumulators live in registers for the whole depth kc.
     */
    private static void kernel(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] c, int cIdx, int cRs, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++, aIdx += MR, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx);
            FloatVector b1 = FloatVector.fromArray(S, bp, bIdx + V);
            FloatVector x = FloatVector.broadcast(S, ap[aIdx]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[aIdx + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[aIdx + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[aIdx + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[aIdx + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[aIdx + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        store(c00, c01, c, cIdx, add);
        store(c10, c11, c, cIdx + cRs, add);
        store(c20, c21, c, cIdx + 2 * cRs, add);
        store(c30, c31, c, cIdx + 3 * cRs, add);
        store(c40, c41, c, cIdx + 4 * cRs, add);
        store(c50, c51, c, cIdx + 5 * cRs, add);
    }

    /** Writes (or adds) one row of a micro-tile: two vectors at c[idx .. idx + NR). */
    private static void store(FloatVector v0, FloatVector v1, float[] c, int idx, boolean add) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, idx));
            v1 = v1.add(FloatVector.fromArray(S, c, idx + V));
        }
        v0.intoArray(c, idx);
        v1.intoArray(c, idx + V);
    }
}
