package dev.sluice.bench.ladder;

import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;

/**
 * Rung 8, the production kernel: the float32 GEMM every Sluice matmul runs on the CPU, called through the same
 * dispatch as {@code CpuMatmul} ({@link KernelDispatch#float32()}), not a copy of it. With the Vector API available it
 * is {@code VectorGemm} (package {@code dev.sluice.backend.cpu.kernels}): rung 7's scheme, plus a micro-tile sized
 * for the machine's register count (5×2 vectors with 16 registers, 8×2 with 32), A read in place when it is
 * row-major, B packed by all threads together into one shared block, a work queue instead of a fork-join per block,
 * deeper k blocks for large C, and a matrix-vector path. docs/06-gemm-ladder.md walks through each of these.
 */
public final class Gemm08Production implements GemmRung {
    @Override public String name() { return "08 production"; }
    @Override public String idea() {
        return "Sluice's own kernel (" + KernelDispatch.float32().name() + "): KernelDispatch.float32().gemm";
    }
    @Override public boolean threaded() { return true; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Float32Kernels kernels = KernelDispatch.float32();
        // row strides k and n, column strides 1 (row-major); C is overwritten (accumulate = false)
        kernels.gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false);
    }
}
