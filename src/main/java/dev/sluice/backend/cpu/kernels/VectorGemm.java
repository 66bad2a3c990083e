package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.cpu.CpuFeatures;
import dev.sluice.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, packed float32 GEMM on the Vector API (the GotoBLAS/BLIS scheme).
 *
 * <p>Loops, outermost first: columns of C in blocks of {@link #NC}; the shared dimension in blocks of kc floats
 * ({@link #depthBlock}: a constant, since it decides the bits; B's kc×nc block is packed into NR-wide strips, kept in
 * L2/L3); rows of C in blocks of mc ({@link #rowBlock}: sized from L2); then MR×NR tiles of C computed by a
 * register-blocked micro-kernel ({@link GemmMicroKernels}, whose tile is sized for the machine's vector registers).
 * A row-major A (unit column stride: the forward x·W and the input gradient g·Wᵀ) may be read in place, MR rows side
 * by side, since each row is already a contiguous run over k ({@link #readsAInPlace}); otherwise A is packed into
 * MR-tall strips first. Packing absorbs any strides of B (so transposed operands cost nothing extra) and zero-pads
 * edge strips, so the micro-kernel never branches on edges; tiles that are partial, or that add to C, go through a
 * small scratch tile.
 *
 * <p>Threads share each packed B block and split its tiles of C by rows and columns (see {@link SharedJob}); no
 * split is ever over k, so results do not depend on the thread count, and every C element is one in-order sum over
 * p within each k block whatever the tile shape.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Rows of a micro-tile, chosen per machine: see {@link GemmMicroKernels}. */
    static final int MR = GemmMicroKernels.MR;
    /** Columns of a micro-tile: two vectors. */
    static final int NR = GemmMicroKernels.NR;
    /**
     * Depth of a k block: every C element is summed in order over p within blocks of KC, and the blocks' partial sums
     * are added into C in order. The block depth therefore decides the result's bits, so it is a constant, the same on
     * every machine and thread count (seeded runs reproduce across machines of the same vector width): 256, whose B
     * strip (kc·NR floats, 16 KiB at 256 bits, 32 at 512) stays in L1.
     */
    static final int KC = 256;
    /**
     * Depth of a k block when C holds at least {@link #DEEP_C_FLOATS} floats. Every k block after the first reads and
     * writes all of C; once C is past L2 that pass comes from memory, and with blocks of 256 it took a third of a
     * 2048³ product on AVX2 (C of 16 MiB, seven times). With 1024 the B strips spill from L1 to L2, which costs less.
     * Measured on one Sapphire Rapids core with -XX:UseAVX=2 (256-bit vectors), 2048³: 55 GFLOP/s with 256, 73 with
     * 512, 80–84 with 1024; at 512 bits 100, 114 and 125.
     */
    static final int KC_DEEP = 1024;
    /** The size of C (2 MiB of floats) from which products use {@link #KC_DEEP}: a 1024² C and up. */
    static final long DEEP_C_FLOATS = 1L << 19;
    /**
     * Rows of an A block for k blocks of {@link #KC} (a multiple of MR, about 144): mc×kc floats, up to a quarter of
     * L2, the part of L2 A streams from; fewer rows for {@link #KC_DEEP} (see {@link #rowBlock}).
     */
    static final int MC = rowBlock(KC);
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
        /** The B block this thread shares with its team when it leads a multi-threaded product. */
        float[] shared = new float[0];
        final float[] tile = new float[MR * NR];

        void ensure(int aFloats, int bFloats) {
            aFloats += GemmPacking.A_SLACK;
            if (a.length < aFloats) a = new float[aFloats];
            if (b.length < bFloats) b = new float[bFloats];
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private VectorGemm() {}

    /** Width of the vectors the GEMM kernels use. */
    static int bits() { return S.vectorBitSize(); }

    /**
     * C (m×n, row stride cRs) = or += A (m×k) · B (k×n), with {@code relu} then C = max(C, 0) as the RELU op computes
     * it; see {@link Float32Kernels#gemm}. The ReLU is applied to each micro-tile of the last k block right after the
     * micro-kernel stored it, while it is in L1, so it costs no pass over C in memory.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int cRs, boolean accumulate, boolean relu) {
        gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, null, 0, c, cOff, cRs, accumulate, relu);
    }

    /**
     * As the gemm above, with {@code bias} (not null: C is replaced, never accumulated) C = A·B + bias[biasOff + j]
     * on every row, then the ReLU. The bias is added to each micro-tile of the first k block right after the
     * micro-kernel stored it, while it is in L1: no pass over C in memory to fill it with the bias first, and every
     * tile of C takes the kernel's direct store instead of a scratch tile added onto C. Same bits as filling C with
     * the bias rows and accumulating: bias + s₁ equals s₁ + bias exactly, and later k blocks add to it as before.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float[] bias, int biasOff, float[] c, int cOff, int cRs, boolean accumulate, boolean relu) {
        if (m <= 0 || n <= 0) return;
        if (bias != null && accumulate) {
            throw new IllegalArgumentException("gemm: a bias replaces C; it cannot be combined with accumulate");
        }
        if (bias != null && (k <= 0 || VectorGemv.applies(m, k, aCs, bRs))) {
            // a lone row (or nothing to sum): the bias rows first, then the product added onto them
            for (int i = 0; i < m; i++) System.arraycopy(bias, biasOff, c, cOff + i * cRs, n);
            accumulate = true;
            bias = null;
        }
        if (k <= 0) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * cRs;
                if (!accumulate) java.util.Arrays.fill(c, row, row + n, 0f);
                else if (relu) for (int j = row; j < row + n; j++) c[j] = relu(c[j]);
            }
            return;
        }
        if (VectorGemv.applies(m, k, aCs, bRs)) {
            VectorGemv.rowTimesTransposed(n, k, a, aOff, b, bOff, bCs, c, cOff, accumulate, relu);
            return;
        }
        long fmas = (long) m * n * k;
        int threads = fmas < PARALLEL_MIN_FMAS ? 1 : Parallel.threads();
        int kcBlock = depthBlock(m, n, k);
        boolean aInPlace = readsAInPlace(aCs, n);
        if (threads > 1) {
            new SharedJob(m, n, k, kcBlock, aInPlace, a, aOff, aRs, aCs, b, bOff, bRs, bCs, bias, biasOff, c, cOff, cRs,
                    accumulate, relu, threads).run();
        } else {
            blocked(0, m, 0, n, k, kcBlock, aInPlace, a, aOff, aRs, aCs, b, bOff, bRs, bCs, bias, biasOff, c, cOff, cRs,
                    accumulate, relu);
        }
    }

    /** The depth of the k blocks for an m×n×k product: {@link #KC}, or {@link #KC_DEEP} for a large C. */
    static int depthBlock(int m, int n, int k) {
        return (long) m * n >= DEEP_C_FLOATS && k > KC ? KC_DEEP : KC;
    }

    /**
     * Rows of an A block for k blocks of depth kc: as many as fill a quarter of L2 with mc×kc floats, at most 144 and
     * at least 4·MR, a multiple of MR. Any row split gives the same bits.
     */
    static int rowBlock(int kc) {
        long l2 = CpuFeatures.get().l2Bytes() > 0 ? CpuFeatures.get().l2Bytes() : 512 << 10;
        int rows = (int) Math.clamp(l2 / 4 / (4L * kc), 4L * MR, 144L);
        return rows / MR * MR;
    }

    /**
     * Whether the micro-kernels read A's rows in place rather than from packed strips: only a row-major A (unit column
     * stride) can be. With the 5-row tile (16 registers) in place was as fast or faster on every shape measured
     * (Sapphire Rapids, -XX:UseAVX=2) and saves the packing pass. The 8-row tile's eight row streams lost to packing
     * (same CPU, 512³ at 512 bits: 119 vs 132 GFLOP/s), except where an A block meets few B strips (n ≤ 4·NR: 2048×128×384, 125 vs 107), whose packing
     * is not paid back.
     */
    static boolean readsAInPlace(int aCs, int n) {
        return aCs == 1 && (MR <= 5 || n <= 4 * NR);
    }

    /** The scalar ReLU, identical to the RELU op's {@code x <= 0 ? 0 : x} (NaN stays NaN). */
    private static float relu(float x) { return x <= 0 ? 0f : x; }

    /** The blocked loop nest over rows [i0, i1) and columns [j0, j1) of C, on the calling thread. */
    private static void blocked(int i0, int i1, int j0, int j1, int k, int kcBlock, boolean aInPlace, float[] a,
                                int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs, float[] bias,
                                int biasOff, float[] c, int cOff, int cRs, boolean accumulate, boolean relu) {
        Buffers buf = BUFFERS.get();
        int mcBlock = rowBlock(kcBlock);
        int kcMax = Math.min(kcBlock, k), ncMax = Math.min(NC, roundUp(j1 - j0, NR));
        int mcMax = Math.min(mcBlock, roundUp(i1 - i0, MR));
        buf.ensure(mcMax * kcMax, kcMax * ncMax);
        float[] bp = buf.b;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += kcBlock) {
                int kc = Math.min(kcBlock, k - pc);
                boolean add = accumulate || pc > 0;
                GemmPacking.packB(b, bOff + pc * bRs + jc * bCs, bRs, bCs, kc, nc, bp, 0);
                for (int ic = i0; ic < i1; ic += mcBlock) {
                    int mc = Math.min(mcBlock, i1 - ic);
                    prepareA(aInPlace, a, aOff, aRs, aCs, ic, mc, pc, kc, buf.a);
                    macro(aInPlace, a, aOff, aRs, buf.a, bp, pc, kc, ic, mc, jc, 0, nc, pc == 0 ? bias : null, biasOff,
                            c, cOff, cRs, add, relu && pc + kc == k, buf.tile);
                }
            }
        }
    }

    /**
     * Makes rows [ic, ic+mc) × depth [pc, pc+kc) of A readable by the micro-kernels: an A read in place
     * ({@link #readsAInPlace}) needs only its last, partial MR strip (if any) packed, zero-padded, into {@code ap};
     * any other A is packed whole.
     */
    private static void prepareA(boolean inPlace, float[] a, int aOff, int aRs, int aCs, int ic, int mc, int pc, int kc,
                                 float[] ap) {
        if (inPlace) {
            int full = mc - mc % MR;
            if (full < mc) GemmPacking.packA(a, aOff + (ic + full) * aRs + pc, aRs, 1, mc - full, kc, ap);
        } else {
            GemmPacking.packA(a, aOff + ic * aRs + pc * aCs, aRs, aCs, mc, kc, ap);
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
        final boolean aInPlace;
        final int m, n, k, kcBlock, aOff, aRs, aCs, bOff, bRs, bCs, cOff, cRs;
        final float[] a, b, c, bias;
        final int biasOff;
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

        SharedJob(int m, int n, int k, int kcBlock, boolean aInPlace, float[] a, int aOff, int aRs, int aCs, float[] b,
                  int bOff, int bRs, int bCs, float[] bias, int biasOff, float[] c, int cOff, int cRs, boolean accumulate,
                  boolean relu, int threads) {
            this.m = m; this.n = n; this.k = k; this.kcBlock = kcBlock; this.aInPlace = aInPlace;
            this.a = a; this.aOff = aOff; this.aRs = aRs; this.aCs = aCs;
            this.b = b; this.bOff = bOff; this.bRs = bRs; this.bCs = bCs; this.c = c; this.cOff = cOff; this.cRs = cRs;
            this.bias = bias; this.biasOff = biasOff;
            this.accumulate = accumulate; this.relu = relu; this.threads = threads;
            colBlocks = (n + NC - 1) / NC;
            kBlocks = (k + kcBlock - 1) / kcBlock;
            // rows in pieces of at most rowBlock(kc), about eight per thread so that a thread that starts late or
            // shares its core still leaves the others little to wait for at each phase end; but not under 8·MR rows
            // (when m allows two pieces per thread), so each B strip loaded into L1 still serves several micro-tiles
            int even = roundUp((m + 2 * threads - 1) / (2 * threads), MR);
            mcItem = Math.min(rowBlock(kcBlock),
                    Math.max(roundUp((m + 8 * threads - 1) / (8 * threads), MR), Math.min(8 * MR, even)));
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
            int need = Math.min(kcBlock, k) * Math.min(NC, roundUp(n, NR));
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
                buf.ensure(mcItem * Math.min(kcBlock, k), 0);
                int phase = 0, packedBlock = -1, packedRows = -1;
                int total = phaseStart[phaseStart.length - 1];
                for (int item = next.getAndIncrement(); item < total; item = next.getAndIncrement()) {
                    while (phaseStart[phase + 1] <= item) phase++;
                    await(phaseStart[phase]);
                    int q = phase >> 1, jb = q / kBlocks, pc = (q % kBlocks) * kcBlock, jc = jb * NC;
                    int kc = Math.min(kcBlock, k - pc), nc = Math.min(NC, n - jc), local = item - phaseStart[phase];
                    if ((phase & 1) == 0) {
                        int s0 = local * packPer[jb], j0 = s0 * NR, cols = Math.min(packPer[jb] * NR, nc - j0);
                        GemmPacking.packB(b, bOff + pc * bRs + (jc + j0) * bCs, bRs, bCs, kc, cols, bp, j0 * kc);
                    } else {
                        int colPieces = (nc + colChunk[jb] - 1) / colChunk[jb];
                        int rc = local / colPieces, j0 = (local % colPieces) * colChunk[jb];
                        int ic = rc * mcItem, mc = Math.min(mcItem, m - ic);
                        if (packedBlock != q || packedRows != rc) {
                            prepareA(aInPlace, a, aOff, aRs, aCs, ic, mc, pc, kc, buf.a);
                            packedBlock = q;
                            packedRows = rc;
                        }
                        macro(aInPlace, a, aOff, aRs, buf.a, bp, pc, kc, ic, mc, jc + j0, j0,
                                Math.min(colChunk[jb], nc - j0), pc == 0 ? bias : null, biasOff, c, cOff, cRs,
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
     * The tiles of rows [ic, ic+mc) of C times columns [jr0, jr0 + ncw) of one packed B block (kc×nc at bp, C columns
     * start at jcCol - jr0): C (= or +=) A·B, then ReLU'd when {@code relu} (only for the last k block: earlier blocks
     * hold partial sums), with {@code bias} (not null only for the first k block) added to each stored tile. A's rows
     * are read in place when {@code inPlace} (the partial last strip from {@code ap}, where {@link #prepareA} packed
     * it), else from the packed block in {@code ap}.
     */
    private static void macro(boolean inPlace, float[] a, int aOff, int aRs, float[] ap, float[] bp, int pc, int kc,
                              int ic, int mc, int jcCol, int jr0, int ncw, float[] bias, int biasOff, float[] c, int cOff,
                              int cRs, boolean add, boolean relu, float[] tile) {
        for (int jr = 0; jr < ncw; jr += NR) {
            int nr = Math.min(NR, ncw - jr);
            int bIdx = (jr0 + jr) * kc; // strip (jr0+jr)/NR starts at that strip index · NR·kc
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cIdx = cOff + (ic + ir) * cRs + jcCol + jr;
                // the kernels only store: a full tile that replaces C goes straight to C, anything else via the tile
                boolean direct = !add && mr == MR && nr == NR;
                float[] out = direct ? c : tile;
                int outIdx = direct ? cIdx : 0, outRs = direct ? cRs : NR;
                if (inPlace && mr == MR) {
                    GemmMicroKernels.rows(kc, a, aOff + (ic + ir) * aRs + pc, aRs, bp, bIdx, out, outIdx, outRs);
                } else {
                    GemmMicroKernels.packed(kc, ap, inPlace ? 0 : ir * kc, bp, bIdx, out, outIdx, outRs);
                }
                if (!direct) storeTile(tile, c, cIdx, cRs, mr, nr, add);
                if (bias != null) biasTile(bias, biasOff + jcCol + jr, c, cIdx, cRs, mr, nr);
                if (relu) reluTile(c, cIdx, cRs, mr, nr);
            }
        }
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }

    /** Copies the valid mr×nr corner of a scratch tile (rows of NR) into C, or adds it to C. */
    private static void storeTile(float[] tile, float[] c, int cIdx, int cRs, int mr, int nr, boolean add) {
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * cRs, t = r * NR;
            if (!add) {
                System.arraycopy(tile, t, c, row, nr);
                continue;
            }
            int j = 0;
            for (; j + V <= nr; j += V) {
                FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, tile, t + j)).intoArray(c, row + j);
            }
            for (; j < nr; j++) c[row + j] += tile[t + j];
        }
    }

    /** Adds bias[bIdx + j] to column j of one just-stored mr×nr tile of C, still in L1: C = s + bias. */
    private static void biasTile(float[] bias, int bIdx, float[] c, int cIdx, int cRs, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * cRs, j = 0;
            for (; j + V <= nr; j += V) {
                FloatVector.fromArray(S, c, row + j).add(FloatVector.fromArray(S, bias, bIdx + j)).intoArray(c, row + j);
            }
            for (; j < nr; j++) c[row + j] += bias[bIdx + j];
        }
    }

    /**
     * ReLU over one just-stored mr×nr tile of C, still in L1: x <= 0 ? 0 : x by compare and blend, exactly as the RELU
     * op (keeps NaN; max would also keep −0). A separate small method rather than a step of the micro-kernel's store: a
     * larger store no longer inlines into the kernel, and its vector arguments are then boxed on every call.
     */
    private static void reluTile(float[] c, int cIdx, int cRs, int mr, int nr) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < mr; r++) {
            int row = cIdx + r * cRs, j = 0;
            for (; j + V <= nr; j += V) {
                FloatVector v = FloatVector.fromArray(S, c, row + j);
                v.blend(zero, v.compare(VectorOperators.LE, zero)).intoArray(c, row + j);
            }
            for (; j < nr; j++) c[row + j] = relu(c[row + j]);
        }
    }
}
