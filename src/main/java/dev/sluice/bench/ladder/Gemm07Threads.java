package dev.sluice.bench.ladder;

import dev.sluice.backend.cpu.Parallel;

import java.util.Arrays;

/**
 * Rung 7, threads: rung 6 with the row blocks of C shared out among threads. For each (column block, k block) the
 * calling thread packs B's block once; then every thread takes row blocks (MC rows of C), packs its own A block into
 * a buffer of its own and runs the tiles. Different threads write different rows of C, so they need no locks, and the
 * split is never over k, so every entry of C is summed in the same order whatever the thread count: the result does
 * not depend on it, bit for bit.
 *
 * <p>What it leaves on the table: packing B is done by one thread while the others wait, and each block ends with a
 * barrier (the fork-join of {@link Parallel#forRange}). With few row blocks (small M) some threads have nothing to do.
 */
public final class Gemm07Threads implements GemmRung {
    private static final int MR = Gemm06Packed.MR, NR = Gemm06Packed.NR;
    private static final int MC = Gemm06Packed.MC, KC = Gemm06Packed.KC, NC = Gemm06Packed.NC;
    /** Each thread's A block and scratch tile, reused from call to call. */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC * KC], new float[MR * NR]});

    @Override public String name() { return "07 threads"; }
    @Override public String idea() { return "rung 6 with row blocks of C shared out among threads"; }
    @Override public boolean threaded() { return true; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        float[] bp = new float[KC * Gemm06Packed.roundUp(Math.min(NC, n), NR)];
        int rowBlocks = (m + MC - 1) / MC;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                Gemm06Packed.packB(n, b, pc, kc, jc, nc, bp);
                int jcBlock = jc, pcBlock = pc;
                Parallel.forRange(rowBlocks, 1, (lo, hi) -> {
                    float[][] buf = BUFFERS.get();
                    for (int block = lo; block < hi; block++) {
                        int ic = block * MC, mc = Math.min(MC, m - ic);
                        Gemm06Packed.packA(k, a, ic, mc, pcBlock, kc, buf[0]);
                        Gemm06Packed.macro(n, buf[0], bp, c, ic, mc, jcBlock, nc, kc, buf[1]);
                    }
                });
            }
        }
    }
}
