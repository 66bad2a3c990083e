package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.cpu.CpuFeatures;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernels: C[MR×NR] = A[MR×kc]·B[kc×NR] with the whole tile of C held in 2·MR vector
 * accumulators for the full depth kc. NR is always two vectors; MR (the rows) is chosen once per JVM from the number
 * of vector registers the JIT can allocate ({@link CpuFeatures#vectorRegisters}): 8 rows with 32 registers (AVX-512,
 * AArch64), 5 rows with 16 (AVX2, AVX).
 *
 * <p><b>Why the rows follow the register count</b> (read off the code C2 emits, {@code -XX:CompileCommand=print}):
 * C2 schedules all MR broadcast loads of A in a step of the p loop ahead of that step's FMAs, so a step keeps
 * 2·MR accumulators + MR broadcasts + 2 B vectors live: 3·MR + 2 registers. The former 6×2 tile needs 20; with 16
 * registers C2 kept one accumulator on the stack, and the {@code vmovdqu ymm,[rsp]; vfmadd231ps; vmovdqu [rsp],ymm}
 * round trip on every step (store-forwarding latency on the accumulator's chain) held the kernel to 66% of the FMA
 * roof. A 4-row tile fits (14 registers) but leaves only 8 accumulator chains, too few to hide an FMA latency of
 * 5 cycles on two pipes (Zen 2). So the 16-register tile has 5 rows and splits each step in two with a branch that
 * never runs ({@code first != first}, true only for NaN): loads below a branch are not scheduled above it, so at most
 * 3 broadcasts are live and the step needs 10 + 2 + 3 = 15 registers. Measured on one core with
 * {@code -XX:UseAVX=2} (Sapphire Rapids, 256-bit FMA roof 112 GFLOP/s), A from L2 and B from L1: 6×2 ≈ 74, 4×2 ≈ 100,
 * 5×2 split ≈ 103 GFLOP/s; at 128 bits 56 (the roof). With 32 registers, 8 rows need 26 and ran at 93% of the
 * 512-bit roof (210 of 226 GFLOP/s; the 6×2 tile 172). The branch counts into {@link #fenceHits}, a side effect
 * that keeps C2 from deleting it; with NaN in A the kernel takes it and stays correct (the sums are unchanged).
 *
 * <p>The kernels only store (never load C): a caller that adds to C, or needs a partial tile, passes a scratch tile.
 * That keeps each kernel small enough for C2 to inline every vector operation: with loads and adds of C in it, the
 * 8-row kernel passed C2's inlining node budget ({@code NodeCountInliningCutoff}), its last stores were left as calls
 * and their vector arguments were boxed, at 16 GFLOP/s.
 *
 * <p>Each tile has two forms: {@code packed} reads A from strips laid out by {@link GemmPacking}, {@code rows} reads
 * a row-major A in place (MR rows side by side, each a contiguous run over p). B always comes packed. Both forms use
 * only constant strides in p, so the JIT removes every bounds check from the loop, and both sum each element in the
 * same order (p = 0..kc-1), so the two give identical bits.
 */
final class GemmMicroKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    /** Rows of a tile: see the class comment. */
    static final int MR = rowsFor(CpuFeatures.get().vectorRegisters(S.vectorBitSize()));
    /** Columns of a tile: two vectors. */
    static final int NR = 2 * V;

    /** Times the never-taken scheduling branch ran (only for NaN in A); exists so that C2 keeps the branch. */
    static int fenceHits;

    private GemmMicroKernels() {}

    /** The tile rows for {@code registers} vector registers (see the class comment). */
    static int rowsFor(int registers) {
        return registers >= 32 ? 8 : 5;
    }

    /** C[MR×NR] (rows at cRs) = Σ_p ap[aIdx + p·MR + r] · bp[bIdx + p·NR + j], from packed strips. */
    static void packed(int kc, float[] ap, int aIdx, float[] bp, int bIdx, float[] c, int cIdx, int cRs) {
        if (MR == 8) packed8(kc, ap, aIdx, bp, bIdx, c, cIdx, cRs);
        else packed5(kc, ap, aIdx, bp, bIdx, c, cIdx, cRs);
    }

    /** C[MR×NR] (rows at cRs) = Σ_p a[aIdx + r·aRs + p] · bp[bIdx + p·NR + j]: A's rows read in place. */
    static void rows(int kc, float[] a, int aIdx, int aRs, float[] bp, int bIdx, float[] c, int cIdx, int cRs) {
        if (MR == 8) rows8(kc, a, aIdx, aRs, bp, bIdx, c, cIdx, cRs);
        else rows5(kc, a, aIdx, aRs, bp, bIdx, c, cIdx, cRs);
    }

    /** 5×2 tile, A and B from packed strips. */
    private static void packed5(int kc, float[] a, int aIdx, float[] bp, int bIdx, float[] c, int cIdx, int cRs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
        for (int p = 0; p < kc; p++, aIdx += 5, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx), b1 = FloatVector.fromArray(S, bp, bIdx + V);
            float first = a[aIdx];
            FloatVector x0 = FloatVector.broadcast(S, first);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[aIdx + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            if (first != first) fenceHits++; // scheduling fence: see the class comment
            FloatVector x2 = FloatVector.broadcast(S, a[aIdx + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[aIdx + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[aIdx + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + V);
        c10.intoArray(c, cIdx + cRs); c11.intoArray(c, cIdx + cRs + V);
        c20.intoArray(c, cIdx + 2 * cRs); c21.intoArray(c, cIdx + 2 * cRs + V);
        c30.intoArray(c, cIdx + 3 * cRs); c31.intoArray(c, cIdx + 3 * cRs + V);
        c40.intoArray(c, cIdx + 4 * cRs); c41.intoArray(c, cIdx + 4 * cRs + V);
    }

    /** 5×2 tile, A read in place (A[r][p] = a[aIdx + r·aRs + p]), B from a packed strip. */
    private static void rows5(int kc, float[] a, int aIdx, int aRs, float[] bp, int bIdx, float[] c, int cIdx, int cRs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
        int a0 = aIdx, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, a4 = a3 + aRs;
        for (int p = 0; p < kc; p++, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx), b1 = FloatVector.fromArray(S, bp, bIdx + V);
            float first = a[a0 + p];
            FloatVector x0 = FloatVector.broadcast(S, first);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            if (first != first) fenceHits++; // scheduling fence: see the class comment
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + V);
        c10.intoArray(c, cIdx + cRs); c11.intoArray(c, cIdx + cRs + V);
        c20.intoArray(c, cIdx + 2 * cRs); c21.intoArray(c, cIdx + 2 * cRs + V);
        c30.intoArray(c, cIdx + 3 * cRs); c31.intoArray(c, cIdx + 3 * cRs + V);
        c40.intoArray(c, cIdx + 4 * cRs); c41.intoArray(c, cIdx + 4 * cRs + V);
    }

    /** 8×2 tile, A and B from packed strips. */
    private static void packed8(int kc, float[] a, int aIdx, float[] bp, int bIdx, float[] c, int cIdx, int cRs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, aIdx += 8, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx), b1 = FloatVector.fromArray(S, bp, bIdx + V);
            FloatVector x0 = FloatVector.broadcast(S, a[aIdx]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[aIdx + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[aIdx + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[aIdx + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[aIdx + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[aIdx + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[aIdx + 6]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[aIdx + 7]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + V);
        c10.intoArray(c, cIdx + cRs); c11.intoArray(c, cIdx + cRs + V);
        c20.intoArray(c, cIdx + 2 * cRs); c21.intoArray(c, cIdx + 2 * cRs + V);
        c30.intoArray(c, cIdx + 3 * cRs); c31.intoArray(c, cIdx + 3 * cRs + V);
        c40.intoArray(c, cIdx + 4 * cRs); c41.intoArray(c, cIdx + 4 * cRs + V);
        c50.intoArray(c, cIdx + 5 * cRs); c51.intoArray(c, cIdx + 5 * cRs + V);
        c60.intoArray(c, cIdx + 6 * cRs); c61.intoArray(c, cIdx + 6 * cRs + V);
        c70.intoArray(c, cIdx + 7 * cRs); c71.intoArray(c, cIdx + 7 * cRs + V);
    }

    /** 8×2 tile, A read in place (A[r][p] = a[aIdx + r·aRs + p]), B from a packed strip. */
    private static void rows8(int kc, float[] a, int aIdx, int aRs, float[] bp, int bIdx, float[] c, int cIdx, int cRs) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a0 = aIdx, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, a4 = a3 + aRs, a5 = a4 + aRs, a6 = a5 + aRs, a7 = a6 + aRs;
        for (int p = 0; p < kc; p++, bIdx += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bIdx), b1 = FloatVector.fromArray(S, bp, bIdx + V);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + V);
        c10.intoArray(c, cIdx + cRs); c11.intoArray(c, cIdx + cRs + V);
        c20.intoArray(c, cIdx + 2 * cRs); c21.intoArray(c, cIdx + 2 * cRs + V);
        c30.intoArray(c, cIdx + 3 * cRs); c31.intoArray(c, cIdx + 3 * cRs + V);
        c40.intoArray(c, cIdx + 4 * cRs); c41.intoArray(c, cIdx + 4 * cRs + V);
        c50.intoArray(c, cIdx + 5 * cRs); c51.intoArray(c, cIdx + 5 * cRs + V);
        c60.intoArray(c, cIdx + 6 * cRs); c61.intoArray(c, cIdx + 6 * cRs + V);
        c70.intoArray(c, cIdx + 7 * cRs); c71.intoArray(c, cIdx + 7 * cRs + V);
    }
}
