package dev.sluice.backend;

import dev.sluice.backend.cpu.CpuBackend;
import dev.sluice.backend.cpu.kernels.KernelDispatch;
import dev.sluice.internal.Trace;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;

/**
 * A backend that runs another's kernels and reports each to the op trace: which kernel set ran it (the float32
 * {@code vector-512}/{@code vector-256}/{@code scalar} kernels, plain Java loops for other dtypes, or {@code cuda}) and
 * how long it took. The op layer hands this wrapper out only while the trace is on (see {@code Ops.backend}); with the
 * trace off nothing here is ever created.
 *
 * <p>Times are wall time of the call on the calling thread. CUDA kernels are asynchronous: their time here is the
 * launch, unless something in the call waits for the device.
 */
public final class TracingBackend implements Backend {
    private final Backend inner;

    private TracingBackend(Backend inner) { this.inner = inner; }

    /**
     * {@code backend} wrapped (unless it already is).
     *
     * @param backend the backend whose kernels should be reported
     * @return a backend that runs the same kernels and reports them to the trace
     */
    public static Backend of(Backend backend) {
        return backend instanceof TracingBackend ? backend : new TracingBackend(backend);
    }

    /** The kernel set that runs {@code dtype} work on this backend, e.g. "vector-512", "scalar-float64", "cuda". */
    private String family(DType dtype) {
        if (!(inner instanceof CpuBackend)) return inner.device().kind() == Device.Kind.CUDA ? "cuda" : inner.device().toString();
        if (dtype == DType.FLOAT32) return KernelDispatch.float32().name();
        return "scalar-" + dtype;
    }

    private void run(String kernel, DType dtype, Runnable body) {
        long t0 = System.nanoTime();
        body.run();
        Trace.kernel(family(dtype) + " " + kernel, System.nanoTime() - t0);
    }

    @Override public Device device() { return inner.device(); }
    @Override public Storage allocate(DType dtype, int n) { return inner.allocate(dtype, n); }
    @Override public void recycle(Storage storage) { inner.recycle(storage); }
    @Override public Storage fromArray(Object javaArray) { return inner.fromArray(javaArray); }

    @Override
    public Object toArray(View src) {
        long t0 = System.nanoTime();
        Object a = inner.toArray(src);
        Trace.kernel(family(src.dtype()) + " to_host", System.nanoTime() - t0);
        return a;
    }

    @Override public void copy(View src, View dst) { run("copy", dst.dtype(), () -> inner.copy(src, dst)); }
    @Override public void fill(View dst, double value) { run("fill", dst.dtype(), () -> inner.fill(dst, value)); }
    @Override public void unary(UnaryOp op, View x, View out) { run(op.name().toLowerCase(java.util.Locale.ROOT), out.dtype(), () -> inner.unary(op, x, out)); }

    @Override
    public void unaryBackward(UnaryOp op, View x, View y, View g, View out) {
        run(op.name().toLowerCase(java.util.Locale.ROOT) + "_backward", out.dtype(), () -> inner.unaryBackward(op, x, y, g, out));
    }

    @Override public void binary(BinaryOp op, View a, View b, View out) { run(op.opName(), a.dtype(), () -> inner.binary(op, a, b, out)); }
    @Override public void where(View cond, View a, View b, View out) { run("where", out.dtype(), () -> inner.where(cond, a, b, out)); }
    @Override public void reduce(ReduceOp op, View x, View out) { run("reduce_" + op.opName(), x.dtype(), () -> inner.reduce(op, x, out)); }

    @Override
    public void argReduce(ReduceOp op, View x, int axis, View values, View indices) {
        run("arg" + op.opName(), x.dtype(), () -> inner.argReduce(op, x, axis, values, indices));
    }

    @Override
    public void matmul(View a, View b, View out, boolean accumulate, Epilogue epilogue) {
        String name = epilogue == Epilogue.NONE ? "matmul" : "matmul+" + epilogue.name().toLowerCase(java.util.Locale.ROOT);
        run(name, out.dtype(), () -> inner.matmul(a, b, out, accumulate, epilogue));
    }

    @Override
    public void matmulBias(View a, View b, View bias, View out, Epilogue epilogue) {
        String name = epilogue == Epilogue.NONE ? "matmul+bias" : "matmul+bias+" + epilogue.name().toLowerCase(java.util.Locale.ROOT);
        run(name, out.dtype(), () -> inner.matmulBias(a, b, bias, out, epilogue));
    }

    @Override public void softmax(View x, View out, boolean log) { run(log ? "log_softmax" : "softmax", out.dtype(), () -> inner.softmax(x, out, log)); }

    @Override
    public boolean maskedSoftmax(View x, View mask, View out) {
        long t0 = System.nanoTime();
        boolean done = inner.maskedSoftmax(x, mask, out);
        if (done) Trace.kernel(family(out.dtype()) + " masked_softmax", System.nanoTime() - t0); // else no kernel ran
        return done;
    }

    @Override
    public boolean maskedSoftmaxBackward(View y, View g, View mask, View out) {
        long t0 = System.nanoTime();
        boolean done = inner.maskedSoftmaxBackward(y, g, mask, out);
        if (done) Trace.kernel(family(out.dtype()) + " masked_softmax_backward", System.nanoTime() - t0);
        return done;
    }

    @Override
    public void softmaxBackward(View y, View g, View out, boolean log) {
        run(log ? "log_softmax_backward" : "softmax_backward", out.dtype(), () -> inner.softmaxBackward(y, g, out, log));
    }

    @Override
    public void layerNorm(View x, View gamma, View beta, double eps, View out, View mean, View rstd) {
        run("layer_norm", out.dtype(), () -> inner.layerNorm(x, gamma, beta, eps, out, mean, rstd));
    }

    @Override
    public void layerNormBackward(View g, View x, View mean, View rstd, View gamma, View dx, View dgamma, View dbeta) {
        run("layer_norm_backward", dx.dtype(), () -> inner.layerNormBackward(g, x, mean, rstd, gamma, dx, dgamma, dbeta));
    }

    @Override public void gather(View x, int dim, View index, View out) { run("gather", out.dtype(), () -> inner.gather(x, dim, index, out)); }
    @Override public void scatterAdd(View dst, int dim, View index, View src) { run("scatter_add", dst.dtype(), () -> inner.scatterAdd(dst, dim, index, src)); }
    @Override public void indexSelect(View x, int dim, View index, View out) { run("index_select", out.dtype(), () -> inner.indexSelect(x, dim, index, out)); }
    @Override public void indexAdd(View dst, int dim, View index, View src) { run("index_add", dst.dtype(), () -> inner.indexAdd(dst, dim, index, src)); }

    @Override
    public void random(RandomKind kind, long seed, long offset, double a, double b, View out) {
        run("random_" + kind.name().toLowerCase(java.util.Locale.ROOT), out.dtype(), () -> inner.random(kind, seed, offset, a, b, out));
    }

    @Override
    public void adamw(View p, View g, View m, View v, double lr, double beta1, double beta2, double eps, double weightDecay,
                      double bc1, double bc2) {
        run("adamw", p.dtype(), () -> inner.adamw(p, g, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2));
    }

    @Override public boolean prefersFusedKernels() { return inner.prefersFusedKernels(); }
    @Override public boolean prefersFusedCrossEntropy() { return inner.prefersFusedCrossEntropy(); }

    @Override
    public void softmaxCrossEntropy(View logits, View target, View coef, double smoothing, View rowLoss, View grad) {
        run("softmax_cross_entropy", logits.dtype(), () -> inner.softmaxCrossEntropy(logits, target, coef, smoothing, rowLoss, grad));
    }

    @Override
    public void distill(int kind, View student, View teacher, double tau, View coef, View rowLoss, View grad) {
        run("distill", student.dtype(), () -> inner.distill(kind, student, teacher, tau, coef, rowLoss, grad));
    }

    @Override
    public void shrinkPerturb(View p, double shrink, double noise, RandomKind kind, long seed, long offset, double a, double b) {
        run("shrink_perturb", p.dtype(), () -> inner.shrinkPerturb(p, shrink, noise, kind, seed, offset, a, b));
    }
}
