package dev.sluice.backend.cuda;

import dev.sluice.backend.Epilogue;
import dev.sluice.backend.View;

import java.util.Arrays;

/**
 * Batched row-major products on the GPU: cuBLAS when it loaded (one sgemm, or one strided-batched call when every
 * operand's batch offsets step evenly, else one call per batch index), otherwise Sluice's tiled sl_gemm_f32 kernel,
 * which takes any operand strides and broadcast batch dims directly. float64 products always take sl_gemm_f64.
 */
final class CudaMatmul {
    private final CudaContext ctx;
    private final CudaLauncher k;
    private boolean useCublas;
    private boolean lastUsedCublas;

    CudaMatmul(CudaContext ctx, CudaLauncher k) {
        this.ctx = ctx;
        this.k = k;
        this.useCublas = ctx.cublas() != null;
    }

    boolean usesCublas() { return useCublas; }

    void useCublas(boolean on) {
        if (on && ctx.cublas() == null) throw new IllegalStateException("cuBLAS is not loaded: " + ctx.cublasProblem());
        useCublas = on;
    }

    /** Whether the last product went to cuBLAS (then a ReLU epilogue is a separate pass). */
    boolean lastUsedCublas() { return lastUsedCublas; }

    void matmul(View a, View b, View out, boolean accumulate, Epilogue epilogue) {
        int r = out.rank();
        int m = out.shape()[r - 2], n = out.shape()[r - 1], kk = a.shape()[r - 1];
        int cRs = out.strides()[r - 2];
        if (out.strides()[r - 1] != 1 && n > 1) throw new IllegalStateException("matmul: output must be row-contiguous");
        int[] batchShape = Arrays.copyOf(out.shape(), r - 2);
        int batches = View.numel(batchShape);
        lastUsedCublas = false;
        if (batches == 0 || m == 0 || n == 0) return;
        boolean f64 = out.dtype() == dev.sluice.tensor.DType.FLOAT64;   // cuBLAS is bound for float32 only
        if (!f64 && useCublas && cublas(a, b, out, m, n, kk, cRs, batchShape, batches, accumulate)) {
            lastUsedCublas = true;
            return;
        }
        if (batches > LaunchConfig.MAX_GRID_YZ) {
            throw new IllegalArgumentException("matmul: " + batches + " batch products exceed the GEMM kernel's grid limit");
        }
        k.launch(f64 ? Kernels.GEMM_F64 : Kernels.GEMM_F32, LaunchConfig.gemm(m, n, batches), m, n, kk,
                CudaBackend.st(a).address(), CudaLayout.batch(a, batchShape), a.strides()[r - 2], a.strides()[r - 1],
                CudaBackend.st(b).address(), CudaLayout.batch(b, batchShape), b.strides()[r - 2], b.strides()[r - 1],
                CudaBackend.st(out).address(), CudaLayout.batch(out, batchShape), cRs,
                accumulate ? 1 : 0, epilogue == Epilogue.RELU ? 1 : 0);
    }

    /** Batch offsets of an operand in elements. */
    private static int[] offsets(View v, int[] batchShape, int batches) {
        int[] layout = CudaLayout.batch(v, batchShape);
        int[] off = new int[batches];
        for (int q = 0; q < batches; q++) off[q] = CudaLayout.at(layout, q);
        return off;
    }

    /** The common step of evenly spaced offsets, or -1. */
    static long evenStep(int[] off) {
        if (off.length < 2) return 0;
        long step = (long) off[1] - off[0];
        for (int q = 2; q < off.length; q++) if ((long) off[q] - off[q - 1] != step) return -1;
        return step;
    }

    private boolean cublas(View a, View b, View out, int m, int n, int kk, int cRs, int[] batchShape, int batches,
                           boolean accumulate) {
        int r = out.rank();
        View aa = a, bb = b;
        GemmMapping g = GemmMapping.rowMajor(m, n, kk, a.strides()[r - 2], a.strides()[r - 1], b.strides()[r - 2], b.strides()[r - 1], cRs);
        if (g == null) return false;  // an operand without a unit stride: the own kernel reads any strides
        Cublas cublas = ctx.cublas();
        long handle = ctx.cublasHandle();
        float beta = accumulate ? 1f : 0f;
        int item = 4;
        int[] aOff = offsets(aa, batchShape, batches), bOff = offsets(bb, batchShape, batches), cOff = offsets(out, batchShape, batches);
        long aBase = CudaBackend.st(aa).address(), bBase = CudaBackend.st(bb).address(), cBase = CudaBackend.st(out).address();
        ctx.makeCurrent();
        if (batches == 1) {
            cublas.sgemm(handle, ctx.mathMode, g, 1f, bBase + (long) bOff[0] * item, aBase + (long) aOff[0] * item, beta,
                    cBase + (long) cOff[0] * item);
            return true;
        }
        long sa = evenStep(aOff), sb = evenStep(bOff), sc = evenStep(cOff);
        if (sa >= 0 && sb >= 0 && sc > 0 && ctx.mathMode != Cublas.MathMode.BF16) {
            cublas.sgemmStridedBatched(handle, g, 1f, bBase + (long) bOff[0] * item, sb, aBase + (long) aOff[0] * item, sa,
                    beta, cBase + (long) cOff[0] * item, sc, batches);
            return true;
        }
        for (int q = 0; q < batches; q++) {
            cublas.sgemm(handle, ctx.mathMode, g, 1f, bBase + (long) bOff[q] * item, aBase + (long) aOff[q] * item, beta,
                    cBase + (long) cOff[q] * item);
        }
        return true;
    }
}
