package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
 * <p>Threads share each packed B block and split its tiles of C by rows and columns (see {@link SharedJob}); no
 * split is ever over k, so results do not depend on the thread count. Small products (attention heads) skip packing A
 * (see {@link #small}).
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
     * Products up to this many multiply-adds (with k ≤ KC) skip packing A and blocking: at this size (attention heads,
     * 64×64×32) packing costs as much as the arithmetic, so the micro-kernel reads A in place through its strides.
     */
    static final long SMALL_MAX_FMAS = 1L << 18;

    /**
     * Per-thread pack buffers and edge scratch, reused across calls (no allocation per call once warm). They grow to
     * the largest block this thread has packed, so threads that only ever see small products stay small.
     */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        /** The B block this thread shares with its team when it leads a multi-threaded product. */
        float[] shared = new float[0];
        final float[] tile = new float[MR * NR];
        /** A zero-padded copy of the last, partial MR-row strip of A for the unpacked small path. */
        final float[] aEdge = new float[MR * KC];

        void ensure(int aFloats, int bFloats) {
            if (a.length < aFloats) a = new float[aFloats];
            if (b.length < bFloats) b = new float[bFloats];
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private VectorGemm() {}

    /**
     * C (m×n, row stride cRs) = or += A (m×k) · B (k×n), with {@code relu} then C = max(C, 0) as the RELU op computes
     * it; see {@link Float32Kernels#gemm}. The ReLU is applied to each micro-tile of the last k block right after the
     * micro-kernel stored it, while it is in L1, so it costs no pass over C in memory.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int cRs, boolean accumulate, boolean relu) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * cRs;
                if (!accumulate) java.util.Arrays.fill(c, row, row + n, 0f);
                else if (relu) for (int j = row; j < row + n; j++) c[j] = relu(c[j]);
            }
            return;
        }
        long fmas = (long) m * n * k;
        if (fmas <= SMALL_MAX_FMAS && k <= KC) {
            small(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate, relu);
            return;
        }
        int threads = fmas < PARALLEL_MIN_FMAS ? 1 : Parallel.threads();
        if (threads > 1) {
            new SharedJob(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate, relu, threads).run();
        } else {
            blocked(0, m, 0, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate, relu);
        }
    }

    /** The scalar ReLU, identical to the RELU op's {@code x > 0 ? x : 0}. */
    private static float relu(float x) { return x > 0 ? x : 0f; }

    /** The blocked loop nest over rows [i0, i1) and columns [j0, j1) of C, on the calling thread. */
    private static void blocked(int i0, int i1, int j0, int j1, int k, float[] a, int aOff, int aRs, int aCs,
                                float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int cRs, boolean accumulate,
                                boolean relu) {
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
                    macro(ap, bp, kc, ic, mc, jc, 0, nc, c, cOff, cRs, add, relu && pc + kc == k, tile);
                }
            }
        }
    }

    /**
     * The small-product path (m·n·k ≤ {@link #SMALL_MAX_FMAS}, k ≤ KC), single-threaded: no K blocking, A read in
     * place through its strides (only a partial last MR strip is copied, zero-padded), B used in place when its rows
     * are contiguous and n is a multiple of NR, otherwise packed whole (k × roundUp(n, NR)). Each C element is still
     * one in-order sum over p = 0..k-1, as on the blocked path with k ≤ KC.
     */
    private static void small(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                              int bCs, float[] c, int cOff, int cRs, boolean accumulate, boolean relu) {
        Buffers buf = BUFFERS.get();
        float[] bq;
        int bBase, bStrip, bRow; // element (p, j) of strip s at bq[bBase + s·bStrip + p·bRow + j]
        if (bCs == 1 && n % NR == 0) {
            bq = b; bBase = bOff; bStrip = NR; bRow = bRs;
        } else {
            int np = roundUp(n, NR);
            buf.ensure(0, k * np);
            bq = buf.b; bBase = 0; bStrip = NR * k; bRow = NR;
            GemmPacking.packB(b, bOff, bRs, bCs, k, n, NR, bq);
        }
        float[] tile = buf.tile, aEdge = buf.aEdge;
        int mFull = m - m % MR;
        if (mFull < m) {
            // the last rows: copy them zero-padded, so the kernel needs no row edge case (and never reads past A)
            int rows = m - mFull;
            for (int p = 0; p < k; p++) {
                for (int r = 0; r < rows; r++) aEdge[p * MR + r] = a[aOff + (mFull + r) * aRs + p * aCs];
                for (int r = rows; r < MR; r++) aEdge[p * MR + r] = 0f;
            }
        }
        for (int j = 0; j < n; j += NR) {
            int nr = Math.min(NR, n - j), bIdx = bBase + (j / NR) * bStrip;
            for (int i = 0; i < m; i += MR) {
                int mr = Math.min(MR, m - i), cIdx = cOff + i * cRs + j;
                float[] aa = mr == MR ? a : aEdge;
                int aIdx = mr == MR ? aOff + i * aRs : 0, rs = mr == MR ? aRs : 1, cs = mr == MR ? aCs : MR;
                if (mr == MR && nr == NR) {
                    stridedKernel(k, aa, aIdx, rs, cs, bq, bIdx, bRow, c, cIdx, cRs, accumulate);
                } else {
                    stridedKernel(k, aa, aIdx, rs, cs, bq, bIdx, bRow, tile, 0, NR, false);
                    storeEdge(tile, c, cIdx, cRs, mr, nr, accumulate);
                }
                if (relu) reluTile(c, cIdx, cRs, mr, nr);
            }
        }
    }

    /**
     * One multi-threaded product. Every thread of the team works through the same sequence of (jc, pc) blocks; for
     * each block the team first packs B's kc×nc block into ONE shared buffer (each thread claims a few NR strips), then
     * computes the block's tiles (each thread claims (rows × columns) pieces of C and packs only its own A rows).
     * Sharing B halves the packing work and the cache footprint compared with each thread packing its own copy.
     *
     * <p>Work items are claimed from a single counter in that order, and an item only waits (spinning) until all items
     * of the previous phase are done. Since a thread claims items in order, everything it waits for has already been
     * claimed by a running thread: a team member whose task starts late (or never, when the pool is busy) only means
     * the others do more items, never a deadlock. Splitting is over rows and columns of C only; every C element is
     * summed over p in the same order (the pc blocks in sequence, p within a block) whatever the thread count.
     */
    private static final class SharedJob {
        final int m, n, k, aOff, aRs, aCs, bOff, bRs, bCs, cOff, cRs;
        final float[] a, b, c;
        final boolean accumulate, relu;
        final int threads, colBlocks, kBlocks, mcItem, rowChunks;
        /** phaseStart[φ] = index of the first item of phase φ; phase 2q packs block q, phase 2q+1 computes it. */
        final int[] phaseStart;
        final int[] packPer, colChunk; // per block: strips per pack item, columns per compute item
        final float[] bp;
        final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean failed;
        volatile Throwable failure;

        SharedJob(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                  float[] c, int cOff, int cRs, boolean accumulate, boolean relu, int threads) {
            this.m = m; this.n = n; this.k = k; this.a = a; this.aOff = aOff; this.aRs = aRs; this.aCs = aCs;
            this.b = b; this.bOff = bOff; this.bRs = bRs; this.bCs = bCs; this.c = c; this.cOff = cOff; this.cRs = cRs;
            this.accumulate = accumulate; this.relu = relu; this.threads = threads;
            colBlocks = (n + NC - 1) / NC;
            kBlocks = (k + KC - 1) / KC;
            // rows in pieces of at most MC, about eight per thread so that a thread that starts late or shares its
            // core still leaves the others little to wait for at each phase end; but not under 8·MR rows (when m
            // allows two pieces per thread), so each B strip loaded into L1 still serves several micro-tiles
            int even = roundUp((m + 2 * threads - 1) / (2 * threads), MR);
            mcItem = Math.min(MC, Math.max(roundUp((m + 8 * threads - 1) / (8 * threads), MR), Math.min(8 * MR, even)));
            rowChunks = (m + mcItem - 1) / mcItem;
            int blocks = colBlocks * kBlocks;
            phaseStart = new int[2 * blocks + 1];
            packPer = new int[colBlocks];
            colChunk = new int[colBlocks];
            for (int jb = 0; jb < colBlocks; jb++) {
                int nc = Math.min(NC, n - jb * NC), strips = (nc + NR - 1) / NR;
                packPer[jb] = Math.max(1, (strips + 2 * threads - 1) / (2 * threads));
                // too few row pieces (small m): split the block's columns too, in whole NR strips
                int colPieces = Math.min(strips, Math.max(1, (4 * threads + rowChunks - 1) / rowChunks));
                colChunk[jb] = (strips + colPieces - 1) / colPieces * NR;
            }
            int items = 0;
            for (int q = 0; q < blocks; q++) {
                int jb = q / kBlocks, nc = Math.min(NC, n - jb * NC), strips = (nc + NR - 1) / NR;
                phaseStart[2 * q] = items;
                items += (strips + packPer[jb] - 1) / packPer[jb];
                phaseStart[2 * q + 1] = items;
                items += rowChunks * ((nc + colChunk[jb] - 1) / colChunk[jb]);
            }
            phaseStart[2 * blocks] = items;
            Buffers lead = BUFFERS.get();
            int need = Math.min(KC, k) * Math.min(NC, roundUp(n, NR));
            if (lead.shared.length < need) lead.shared = new float[need];
            bp = lead.shared;
        }

        /**
         * The caller works through the items with whatever helpers have started; it waits only for items claimed by
         * others, never for a helper to wake up (a late helper finds no items and returns).
         */
        void run() {
            Parallel.startHelpers(threads - 1, this::help);
            work();
            await(phaseStart[phaseStart.length - 1]);
        }

        private void help() {
            try {
                work();
            } catch (Throwable t) {
                // recorded in work(); the caller rethrows it
            }
        }

        private void work() {
            try {
                Buffers buf = BUFFERS.get();
                buf.ensure(mcItem * Math.min(KC, k), 0);
                int phase = 0, packedBlock = -1, packedRows = -1;
                int total = phaseStart[phaseStart.length - 1];
                for (int item = next.getAndIncrement(); item < total; item = next.getAndIncrement()) {
                    while (phaseStart[phase + 1] <= item) phase++;
                    await(phaseStart[phase]);
                    int q = phase >> 1, jb = q / kBlocks, pc = (q % kBlocks) * KC, jc = jb * NC;
                    int kc = Math.min(KC, k - pc), nc = Math.min(NC, n - jc), local = item - phaseStart[phase];
                    if ((phase & 1) == 0) {
                        int s0 = local * packPer[jb], j0 = s0 * NR, cols = Math.min(packPer[jb] * NR, nc - j0);
                        GemmPacking.packB(b, bOff + pc * bRs + (jc + j0) * bCs, bRs, bCs, kc, cols, NR, bp, j0 * kc);
                    } else {
                        int colPieces = (nc + colChunk[jb] - 1) / colChunk[jb];
                        int rc = local / colPieces, j0 = (local % colPieces) * colChunk[jb];
                        int ic = rc * mcItem, mc = Math.min(mcItem, m - ic);
                        if (packedBlock != q || packedRows != rc) {
                            GemmPacking.packA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, MR, buf.a);
                            packedBlock = q;
                            packedRows = rc;
                        }
                        macro(buf.a, bp, kc, ic, mc, jc + j0, j0, Math.min(colChunk[jb], nc - j0), c, cOff, cRs,
                                accumulate || pc > 0, relu && pc + kc == k, buf.tile);
                    }
                    done.incrementAndGet();
                }
            } catch (Throwable t) {
                if (failure == null) failure = t;
                failed = true;
                throw t;
            }
        }

        /** Spins until the items before {@code target} are all done (they are all claimed by running threads). */
        private void await(int target) {
            for (int spins = 0; done.get() < target; spins++) {
                if (failed) throw new IllegalStateException("gemm: another thread of the team failed", failure);
                if (spins < 2000) Thread.onSpinWait();
                else Thread.yield();
            }
        }
    }

    /**
     * The tiles of one packed A block (mc×kc at ap, rows ic.. of C) times columns [jr0, jr0 + ncw) of one packed B block
     * (kc×nc at bp, C columns start at jcCol - jr0): C[ic.., jcCol..] (= or +=) A·B, then ReLU'd when {@code relu}
     * (only for the last k block: earlier blocks hold partial sums).
     */
    private static void macro(float[] ap, float[] bp, int kc, int ic, int mc, int jcCol, int jr0, int ncw,
                              float[] c, int cOff, int cRs, boolean add, boolean relu, float[] tile) {
        for (int jr = 0; jr < ncw; jr += NR) {
            int nr = Math.min(NR, ncw - jr);
            int bIdx = (jr0 + jr) * kc; // strip (jr0+jr)/NR starts at that strip index · NR·kc
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cIdx = cOff + (ic + ir) * cRs + jcCol + jr;
                if (mr == MR && nr == NR) {
                    kernel(kc, ap, ir * kc, bp, bIdx, c, cIdx, cRs, add);
                } else {
                    kernel(kc, ap, ir * kc, bp, bIdx, tile, 0, NR, false);
                    storeEdge(tile, c, cIdx, cRs, mr, nr, add);
                }
                if (relu) reluTile(c, cIdx, cRs, mr, nr);
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
     * ReLU over one just-stored mr×nr tile of C, still in L1: x > 0 ? x : 0 by compare and blend, exactly as the RELU
     * op (max would keep NaN and −0). A separate small method rather than a step of the micro-kernel's store: a
     * larger store no longer inlines into the kernel, and its vector arguments are then boxed on every call.
     */
    private static void reluTile(float[] c, int cIdx, int cRs, int mr, int nr) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * cRs, j = 0;
            for (; j + V <= nr; j += V) {
                FloatVector v = FloatVector.fromArray(S, c, row + j);
                zero.blend(v, v.compare(VectorOperators.GT, zero)).intoArray(c, row + j);
            }
            for (; j < nr; j++) c[row + j] = relu(c[row + j]);
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

    /**
     * The micro-kernel reading A in place: C[MR×NR] (= or +=) Σ_p A[r][p] · B[p][0..NR) for p < kc, with
     * A[r][p] = a[aIdx + r·aRs + p·aCs] (any layout) and B[p][j] = b[bIdx + p·bRs + j] (contiguous rows).
     */
    private static void stridedKernel(int kc, float[] a, int aIdx, int aRs, int aCs, float[] b, int bIdx, int bRs,
                                      float[] c, int cIdx, int cRs, boolean add) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        int a0 = aIdx, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, a4 = a3 + aRs, a5 = a4 + aRs;
        for (int p = 0; p < kc; p++) {
            int bi = bIdx + p * bRs, ai = p * aCs;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + ai]);
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
