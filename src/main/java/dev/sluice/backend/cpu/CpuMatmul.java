package dev.sluice.backend.cpu;

import dev.sluice.backend.Epilogue;
import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.tensor.DType;

/**
 * Batched matrix products: out[b] = a[b]·b[b] for every batch index. Transposed operands arrive as strides and go
 * straight to the GEMM kernel. Many small products (attention heads) run in parallel over the batch; large ones let
 * the GEMM kernel parallelise internally.
 */
final class CpuMatmul {
    private CpuMatmul() {}

    static void matmul(Float32Kernels k, View a, View b, View out, boolean accumulate, Epilogue epilogue) {
        int r = out.rank();
        int m = out.shape()[r - 2], n = out.shape()[r - 1], kk = a.shape()[r - 1];
        int aRs = a.strides()[r - 2], aCs = a.strides()[r - 1];
        int bRs = b.strides()[r - 2], bCs = b.strides()[r - 1];
        int cRs = out.strides()[r - 2];
        if (out.strides()[r - 1] != 1 && n > 1) throw new IllegalStateException("matmul: output must be row-contiguous");
        int[] batchShape = java.util.Arrays.copyOf(out.shape(), r - 2);
        int batches = View.numel(batchShape);
        int[] aOff = Strided.rowOffsets(a, batchShape), bOff = Strided.rowOffsets(b, batchShape), cOff = Strided.rowOffsets(out, batchShape);
        CpuStorage as = CpuBackend.st(a), bs = CpuBackend.st(b), cs = CpuBackend.st(out);
        if (out.dtype() == DType.FLOAT32) {
            long flopsPerBatch = 2L * m * n * kk;
            boolean parallelOverBatch = batches >= Parallel.threads() && flopsPerBatch < (1 << 22);
            if (parallelOverBatch) {
                // claimed in small chunks (about eight per thread): a helper that wakes late costs little, since the
                // caller keeps taking products instead of waiting for the helper's fixed half
                Parallel.forClaimed(batches, Math.max(1, batches / (8 * Parallel.threads())), (lo, hi) -> {
                    for (int q = lo; q < hi; q++) {
                        k.gemm(m, n, kk, as.f32, aOff[q], aRs, aCs, bs.f32, bOff[q], bRs, bCs, cs.f32, cOff[q], cRs, accumulate, epilogue);
                    }
                });
            } else {
                for (int q = 0; q < batches; q++) {
                    k.gemm(m, n, kk, as.f32, aOff[q], aRs, aCs, bs.f32, bOff[q], bRs, bCs, cs.f32, cOff[q], cRs, accumulate, epilogue);
                }
            }
            return;
        }
        if (out.dtype() != DType.FLOAT64) throw new IllegalArgumentException("matmul: unsupported dtype " + out.dtype());
        Parallel.forRange(batches * m, Math.max(1, 4096 / Math.max(1, n * kk)), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int q = row / m, i = row % m;
                int cBase = cOff[q] + i * cRs;
                if (!accumulate) for (int j = 0; j < n; j++) cs.f64[cBase + j] = 0;
                for (int p = 0; p < kk; p++) {
                    double av = as.f64[aOff[q] + i * aRs + p * aCs];
                    int bBase = bOff[q] + p * bRs;
                    for (int j = 0; j < n; j++) cs.f64[cBase + j] += av * bs.f64[bBase + j * bCs];
                }
                if (epilogue == Epilogue.RELU) {
                    for (int j = 0; j < n; j++) cs.f64[cBase + j] = cs.f64[cBase + j] <= 0 ? 0 : cs.f64[cBase + j];
                }
            }
        });
    }

    /**
     * out[m, n] = a·b + bias[n] on every row, then the epilogue, for a float32 2-D product with a row-contiguous
     * output and a contiguous bias; the bias is added to each output tile in cache by the kernel
     * ({@link Float32Kernels#gemmBias}). Returns false (and does nothing) for anything else, which the caller then
     * computes as a bias copy plus an accumulating product (the same bits).
     */
    static boolean matmulBias(Float32Kernels k, View a, View b, View bias, View out, Epilogue epilogue) {
        if (out.dtype() != DType.FLOAT32 || out.rank() != 2 || bias.rank() != 1 || bias.strides()[0] != 1) return false;
        int m = out.shape()[0], n = out.shape()[1], kk = a.shape()[1];
        if (out.strides()[1] != 1 && n > 1) return false;
        k.gemmBias(m, n, kk, CpuBackend.st(a).f32, a.offset(), a.strides()[0], a.strides()[1], CpuBackend.st(b).f32,
                b.offset(), b.strides()[0], b.strides()[1], CpuBackend.st(bias).f32, bias.offset(), CpuBackend.st(out).f32,
                out.offset(), out.strides()[0], epilogue);
        return true;
    }
}
