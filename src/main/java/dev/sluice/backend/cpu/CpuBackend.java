package dev.sluice.backend.cpu;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.Epilogue;
import dev.sluice.backend.RandomKind;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.Storage;
import dev.sluice.backend.UnaryOp;
import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;

/**
 * The CPU backend. float32 work goes to the {@link Float32Kernels} chosen by {@link KernelDispatch} (Vector API when
 * available, plain Java otherwise); float64 and integer work runs plain Java loops that double as reference semantics.
 * Each kernel family lives in its own class; this one routes calls and owns allocation and copies.
 */
public final class CpuBackend implements Backend {
    /** The single CPU backend. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    /**
     * The float32 kernels in use (for diagnostics and benchmarks). Asked of {@link KernelDispatch} on every call rather
     * than kept in a field: in strict mode a missing vector module must fail the first op with its message, not the
     * initialisation of this class.
     */
    public Float32Kernels float32Kernels() { return KernelDispatch.float32(); }

    private static Float32Kernels f32() { return KernelDispatch.float32(); }

    static CpuStorage st(View v) { return (CpuStorage) v.storage(); }

    @Override public Device device() { return Device.CPU; }

    @Override
    public Storage allocate(DType dtype, int n) { return new CpuStorage(dtype, n); }

    @Override
    public Storage allocateForOverwrite(DType dtype, int n) { return new CpuStorage(dtype, n, false); }

    @Override
    public void recycle(Storage storage) { ((CpuStorage) storage).recycle(); }

    @Override
    public Storage fromArray(Object a) {
        CpuStorage s;
        switch (a) {
            case float[] x -> { s = new CpuStorage(DType.FLOAT32, x.length); System.arraycopy(x, 0, s.f32, 0, x.length); }
            case double[] x -> { s = new CpuStorage(DType.FLOAT64, x.length); System.arraycopy(x, 0, s.f64, 0, x.length); }
            case int[] x -> { s = new CpuStorage(DType.INT32, x.length); System.arraycopy(x, 0, s.i32, 0, x.length); }
            case long[] x -> { s = new CpuStorage(DType.INT64, x.length); System.arraycopy(x, 0, s.i64, 0, x.length); }
            case boolean[] x -> {
                s = new CpuStorage(DType.BOOL, x.length);
                for (int i = 0; i < x.length; i++) s.bool[i] = (byte) (x[i] ? 1 : 0);
            }
            default -> throw new IllegalArgumentException("fromArray: unsupported Java array type "
                    + a.getClass().getSimpleName() + " (expected float[], double[], int[], long[] or boolean[])");
        }
        return s;
    }

    @Override
    public Object toArray(View src) {
        CpuStorage dst = new CpuStorage(src.dtype(), src.numel());
        copy(src, View.contiguous(dst, src.shape()));
        return switch (src.dtype()) {
            case FLOAT32 -> dst.f32;
            case FLOAT64 -> dst.f64;
            case INT32 -> dst.i32;
            case INT64 -> dst.i64;
            case BOOL -> {
                boolean[] b = new boolean[dst.size()];
                for (int i = 0; i < b.length; i++) b[i] = dst.bool[i] != 0;
                yield b;
            }
        };
    }

    @Override
    public void copy(View src, View dst) { CpuCopy.copy(src, dst); }

    @Override
    public void fill(View dst, double value) { CpuCopy.fill(dst, value); }

    @Override
    public void unary(UnaryOp op, View x, View out) { CpuElementwise.unary(f32(), op, x, out); }

    @Override
    public void unaryBackward(UnaryOp op, View x, View y, View g, View out) {
        CpuElementwise.unaryBackward(f32(), op, x, y, g, out);
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) { CpuElementwise.binary(f32(), op, a, b, out); }

    @Override
    public void where(View cond, View a, View b, View out) { CpuElementwise.where(cond, a, b, out); }

    @Override
    public void reduce(ReduceOp op, View x, View out) { CpuReduce.reduce(f32(), op, x, out); }

    @Override
    public void argReduce(ReduceOp op, View x, int axis, View values, View indices) {
        CpuReduce.argReduce(op, x, axis, values, indices);
    }

    @Override
    public void matmul(View a, View b, View out, boolean accumulate, Epilogue epilogue) {
        CpuMatmul.matmul(f32(), a, b, out, accumulate, epilogue);
    }

    @Override
    public void matmulBias(View a, View b, View bias, View out, Epilogue epilogue) {
        if (!CpuMatmul.matmulBias(f32(), a, b, bias, out, epilogue)) Backend.super.matmulBias(a, b, bias, out, epilogue);
    }

    @Override
    public void softmax(View x, View out, boolean log) { CpuNorms.softmax(f32(), x, out, log); }

    @Override
    public void softmaxBackward(View y, View g, View out, boolean log) { CpuNorms.softmaxBackward(f32(), y, g, out, log); }

    @Override
    public boolean maskedSoftmax(View x, View mask, View out) { return CpuNorms.maskedSoftmax(f32(), x, mask, out); }

    @Override
    public boolean maskedSoftmaxBackward(View y, View g, View mask, View out) {
        return CpuNorms.maskedSoftmaxBackward(f32(), y, g, mask, out);
    }

    @Override
    public void layerNorm(View x, View gamma, View beta, double eps, View out, View mean, View rstd) {
        CpuNorms.layerNorm(f32(), x, gamma, beta, eps, out, mean, rstd);
    }

    @Override
    public void layerNormBackward(View g, View x, View mean, View rstd, View gamma, View dx, View dgamma, View dbeta) {
        CpuNorms.layerNormBackward(f32(), g, x, mean, rstd, gamma, dx, dgamma, dbeta);
    }

    @Override
    public void gather(View x, int dim, View index, View out) { CpuIndexing.gather(x, dim, index, out); }

    @Override
    public void scatterAdd(View dst, int dim, View index, View src) { CpuIndexing.scatterAdd(dst, dim, index, src); }

    @Override
    public void indexSelect(View x, int dim, View index, View out) { CpuIndexing.indexSelect(x, dim, index, out); }

    @Override
    public void indexAdd(View dst, int dim, View index, View src) { CpuIndexing.indexAdd(dst, dim, index, src); }

    @Override
    public void random(RandomKind kind, long seed, long offset, double a, double b, View out) {
        CpuRandom.fill(kind, seed, offset, a, b, out);
    }

    @Override
    public void adamw(View p, View g, View m, View v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, double bc1, double bc2) {
        CpuOptim.adamw(f32(), p, g, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }

    /** The Vector API kernel makes cross entropy one read of the logits and one write of the gradient. */
    @Override
    public boolean prefersFusedCrossEntropy() { return true; }

    @Override
    public void softmaxCrossEntropy(View logits, View target, View coef, double smoothing, View rowLoss, View grad) {
        if (logits.dtype() != DType.FLOAT32) {
            Backend.super.softmaxCrossEntropy(logits, target, coef, smoothing, rowLoss, grad);
            return;
        }
        CpuNorms.softmaxCrossEntropy(f32(), logits, target, coef, smoothing, rowLoss, grad);
    }
}
