package dev.sluice.backend.cuda;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.Epilogue;
import dev.sluice.backend.RandomKind;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.Storage;
import dev.sluice.backend.UnaryOp;
import dev.sluice.backend.View;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;

import java.util.HashMap;
import java.util.Map;

/**
 * The CUDA backend: every primitive is one of Sluice's kernels in sluice.fatbin (native/*.cu), matrix products go to
 * cuBLAS (bound through FFM) or, without it, to the own tiled GEMM kernel. All work of a device runs on its one
 * stream; host copies synchronise. Created lazily per device by {@link #forDevice}; never touched on CPU-only runs.
 *
 * <p>Dtypes: float32 and float64 everywhere (float64 products use the own GEMM kernel, not cuBLAS); integer and bool
 * tensors in copies, fills, comparisons, where, reductions and index_select. Other combinations fail naming the op.
 */
public final class CudaBackend implements Backend {
    private static final Map<Integer, CudaBackend> BACKENDS = new HashMap<>();

    private final Device device;
    private final CudaContext ctx;
    private final CudaLauncher k;
    private final CudaMatmul matmul;

    private CudaBackend(int ordinal) {
        device = Device.cuda(ordinal);
        ctx = new CudaContext(ordinal);
        k = new CudaLauncher(ctx);
        matmul = new CudaMatmul(ctx, k);
    }

    /** The backend of GPU {@code ordinal}, or an UnsupportedOperationException starting "GPU unavailable:". */
    public static synchronized CudaBackend forDevice(int ordinal) {
        String reason = CudaAvailability.unavailableReason();
        if (reason != null) {
            throw new UnsupportedOperationException("GPU unavailable: device cuda:" + ordinal + " requested, but " + reason);
        }
        int count = CudaAvailability.deviceCount();
        if (ordinal >= count) {
            throw new UnsupportedOperationException("GPU unavailable: device cuda:" + ordinal + " requested, but only "
                    + count + " CUDA device" + (count == 1 ? " is" : "s are") + " present");
        }
        return BACKENDS.computeIfAbsent(ordinal, CudaBackend::new);
    }

    CudaContext context() { return ctx; }

    /** Device, compute capability, memory and the GEMM in use, for `sluice info` and benchmarks. */
    public String describe() { return ctx.describe(); }

    /** Waits for all work enqueued on this device (for timing). */
    public void synchronize() { ctx.synchronize(); }

    /** Whether matrix products go to cuBLAS (else the own GEMM kernel); {@code useCublas(false)} forces the kernel. */
    public boolean usesCublas() { return matmul.usesCublas(); }

    public void useCublas(boolean on) { matmul.useCublas(on); }

    static CudaStorage st(View v) { return (CudaStorage) v.storage(); }

    /** Device address of a view's first element. */
    static long addr(View v) { return st(v).address(v.offset()); }

    @Override
    public Device device() { return device; }

    @Override
    public Storage allocate(DType dtype, int n) {
        ctx.makeCurrent();
        long bytes = Math.max(1L, n) * dtype.itemSize();
        long address = ctx.allocator().allocate(bytes);
        ctx.driver().memsetZero(address, bytes);
        return new CudaStorage(this, dtype, n, address);
    }

    @Override
    public void recycle(Storage storage) { ((CudaStorage) storage).recycle(); }

    @Override
    public Storage fromArray(Object a) {
        ctx.makeCurrent();
        DType dtype;
        Object src;
        int n;
        switch (a) {
            case float[] x -> { dtype = DType.FLOAT32; src = x; n = x.length; }
            case double[] x -> { dtype = DType.FLOAT64; src = x; n = x.length; }
            case int[] x -> { dtype = DType.INT32; src = x; n = x.length; }
            case long[] x -> { dtype = DType.INT64; src = x; n = x.length; }
            case boolean[] x -> {
                byte[] b = new byte[x.length];
                for (int i = 0; i < b.length; i++) b[i] = (byte) (x[i] ? 1 : 0);
                dtype = DType.BOOL; src = b; n = x.length;
            }
            default -> throw new IllegalArgumentException("fromArray: unsupported Java array type " + a.getClass().getSimpleName());
        }
        CudaStorage s = (CudaStorage) allocate(dtype, n);
        if (n > 0) ctx.driver().copyHostToDevice(s.address(), src, (long) n * dtype.itemSize());
        return s;
    }

    @Override
    public Object toArray(View src) {
        ctx.makeCurrent();
        View d = dense(src);
        int n = d.numel();
        long bytes = (long) n * d.dtype().itemSize();
        Object out = switch (d.dtype()) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            default -> new byte[n];
        };
        if (n > 0) ctx.driver().copyDeviceToHost(out, addr(d), bytes);
        if (out instanceof byte[] b) {
            boolean[] r = new boolean[n];
            for (int i = 0; i < n; i++) r[i] = b[i] != 0;
            return r;
        }
        return out;
    }

    /** The view itself when contiguous, else a contiguous copy on this device. */
    View dense(View v) {
        if (v.isContiguous()) return v;
        View c = View.contiguous(allocate(v.dtype(), v.numel()), v.shape());
        copy(v, c);
        return c;
    }

    private static int code(DType t) { return t.ordinal(); }

    private static String unsupported(String op, DType t) {
        return op + ": " + t + " is not supported on cuda";
    }

    @Override
    public void copy(View src, View dst) {
        int n = dst.numel();
        if (n == 0) return;
        int[][] l = CudaLayout.coalesced(CudaLayout.of(src), CudaLayout.of(dst));
        k.launch(Kernels.COPY, LaunchConfig.elementwise(n), st(src).address(), code(src.dtype()), l[0],
                st(dst).address(), code(dst.dtype()), l[1], n);
    }

    @Override
    public void fill(View dst, double value) {
        int n = dst.numel();
        if (n == 0) return;
        k.launch(Kernels.FILL, LaunchConfig.elementwise(n), st(dst).address(), code(dst.dtype()),
                CudaLayout.coalesced(CudaLayout.of(dst))[0], value, n);
    }

    @Override
    public void unary(UnaryOp op, View x, View out) {
        int n = out.numel();
        if (n == 0) return;
        String kernel = switch (x.dtype()) {
            case FLOAT32 -> Kernels.UNARY_F32;
            case FLOAT64 -> Kernels.UNARY_F64;
            default -> throw new IllegalArgumentException(unsupported(op.opName(), x.dtype()));
        };
        int[][] l = CudaLayout.coalesced(CudaLayout.over(x, out.shape()), CudaLayout.of(out));
        k.launch(kernel, LaunchConfig.elementwise(n), op.ordinal(), st(x).address(), l[0], st(out).address(), l[1], n);
    }

    @Override
    public void unaryBackward(UnaryOp op, View x, View y, View g, View out) {
        int n = out.numel();
        if (n == 0) return;
        String kernel = switch (x.dtype()) {
            case FLOAT32 -> Kernels.UNARY_BACKWARD_F32;
            case FLOAT64 -> Kernels.UNARY_BACKWARD_F64;
            default -> throw new IllegalArgumentException(unsupported(op.opName() + " backward", x.dtype()));
        };
        int[] shape = out.shape();
        View yy = y != null ? y : x;  // the kernels read y only for ops whose derivative uses it
        int[][] l = CudaLayout.coalesced(CudaLayout.over(x, shape), CudaLayout.over(yy, shape), CudaLayout.over(g, shape),
                CudaLayout.of(out));
        k.launch(kernel, LaunchConfig.elementwise(n), op.ordinal(), st(x).address(), l[0], st(yy).address(), l[1],
                st(g).address(), l[2], st(out).address(), l[3], n);
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        int n = out.numel();
        if (n == 0) return;
        int[] shape = out.shape();
        int[][] l = CudaLayout.coalesced(CudaLayout.over(a, shape), CudaLayout.over(b, shape), CudaLayout.of(out));
        if (a.dtype() == DType.FLOAT32 && (out.dtype() == DType.FLOAT32 || out.dtype() == DType.BOOL)) {
            k.launch(Kernels.BINARY_F32, LaunchConfig.elementwise(n), op.ordinal(), st(a).address(), l[0],
                    st(b).address(), l[1], st(out).address(), out.dtype() == DType.BOOL ? 1 : 0, l[2], n);
        } else {
            k.launch(Kernels.BINARY_ANY, LaunchConfig.elementwise(n), op.ordinal(), st(a).address(), l[0],
                    st(b).address(), l[1], code(a.dtype()), st(out).address(), code(out.dtype()), l[2], n);
        }
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        int n = out.numel();
        if (n == 0) return;
        int[] shape = out.shape();
        int[][] l = CudaLayout.coalesced(CudaLayout.over(cond, shape), CudaLayout.over(a, shape), CudaLayout.over(b, shape),
                CudaLayout.of(out));
        k.launch(Kernels.WHERE, LaunchConfig.elementwise(n), st(cond).address(), l[0], st(a).address(), l[1],
                st(b).address(), l[2], st(out).address(), l[3], out.dtype().itemSize(), n);
    }

    @Override
    public void reduce(ReduceOp op, View x, View out) {
        int nOut = out.numel(), nRed = CudaLayout.reducedCount(x, out);
        if (nOut == 0) return;
        if (nRed == 0) {
            fill(out, op.identity);
            return;
        }
        LaunchConfig cfg = LaunchConfig.perRow(nOut, nRed);
        if (x.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32) {
            k.launch(Kernels.REDUCE_F32, cfg, op.ordinal(), st(x).address(), CudaLayout.kept(x, out),
                    CudaLayout.reduced(x, out), nRed, st(out).address(), CudaLayout.of(out), nOut);
        } else {
            k.launch(Kernels.REDUCE_ANY, cfg, op.ordinal(), st(x).address(), code(x.dtype()), CudaLayout.kept(x, out),
                    CudaLayout.reduced(x, out), nRed, st(out).address(), code(out.dtype()), CudaLayout.of(out), nOut);
        }
    }

    @Override
    public void argReduce(ReduceOp op, View x, int axis, View values, View indices) {
        int nOut = values.numel();
        if (nOut == 0) return;
        k.launch(Kernels.ARGREDUCE, LaunchConfig.elementwise(nOut), op.ordinal(), st(x).address(), code(x.dtype()),
                CudaLayout.of(values.shape(), x.strides(), x.offset()), x.shape()[axis], x.strides()[axis],
                st(values).address(), CudaLayout.of(values), st(indices).address(), CudaLayout.of(indices), nOut);
    }

    @Override
    public void matmul(View a, View b, View out, boolean accumulate, Epilogue epilogue) {
        Kernels.forDtype(Kernels.GEMM_F32, Kernels.GEMM_F64, out.dtype(), "matmul");   // checks the dtype
        matmul.matmul(a, b, out, accumulate, epilogue);
        if (epilogue == Epilogue.RELU && matmul.lastUsedCublas()) unary(UnaryOp.RELU, out, out);
    }

    private static int cols(View v) { return v.rank() == 0 ? 1 : v.shape()[v.rank() - 1]; }

    /** A kernel's scalar parameter in the operands' precision (the f32 kernels take float, the f64 ones double). */
    private static Object scalar(View like, double x) { return like.dtype() == DType.FLOAT64 ? (Object) x : (Object) (float) x; }

    @Override
    public void softmax(View x, View out, boolean log) {
        String kernel = Kernels.forDtype(Kernels.SOFTMAX_F32, Kernels.SOFTMAX_F64, x.dtype(), "softmax");
        int c = cols(x), rows = c == 0 ? 0 : x.numel() / c;
        if (rows == 0) return;
        View xd = dense(x);
        k.launch(kernel, LaunchConfig.perRow(rows, c), addr(xd), addr(out), rows, c, log ? 1 : 0);
    }

    @Override
    public void softmaxBackward(View y, View g, View out, boolean log) {
        String kernel = Kernels.forDtype(Kernels.SOFTMAX_BACKWARD_F32, Kernels.SOFTMAX_BACKWARD_F64, y.dtype(), "softmax backward");
        int c = cols(y), rows = c == 0 ? 0 : y.numel() / c;
        if (rows == 0) return;
        k.launch(kernel, LaunchConfig.perRow(rows, c), addr(dense(y)), addr(dense(g)), addr(out),
                rows, c, log ? 1 : 0);
    }

    @Override
    public void layerNorm(View x, View gamma, View beta, double eps, View out, View mean, View rstd) {
        String kernel = Kernels.forDtype(Kernels.LAYERNORM_F32, Kernels.LAYERNORM_F64, x.dtype(), "layer_norm");
        int c = cols(x), rows = c == 0 ? 0 : x.numel() / c;
        if (rows == 0) return;
        k.launch(kernel, LaunchConfig.perRow(rows, c), addr(dense(x)),
                gamma == null ? 0L : addr(dense(gamma)), beta == null ? 0L : addr(dense(beta)), scalar(x, eps),
                addr(out), addr(mean), addr(rstd), rows, c);
    }

    @Override
    public void layerNormBackward(View g, View x, View mean, View rstd, View gamma, View dx, View dgamma, View dbeta) {
        String kernel = Kernels.forDtype(Kernels.LAYERNORM_BACKWARD_F32, Kernels.LAYERNORM_BACKWARD_F64, x.dtype(), "layer_norm backward");
        boolean f64 = x.dtype() == DType.FLOAT64;
        int c = cols(x), rows = c == 0 ? 0 : x.numel() / c;
        if (rows == 0) return;
        View gd = dense(g), xd = dense(x), md = dense(mean), rd = dense(rstd);
        long gammaAddr = gamma == null ? 0L : addr(dense(gamma));
        k.launch(kernel, LaunchConfig.perRow(rows, c), addr(gd), addr(xd), addr(md), addr(rd),
                gammaAddr, addr(dx), rows, c);
        if (dgamma != null || dbeta != null) {
            for (View p : new View[] {dgamma, dbeta}) {
                if (p != null && !p.isContiguous()) throw new IllegalStateException("layer_norm backward: dgamma/dbeta must be contiguous");
            }
            k.launch(f64 ? Kernels.LAYERNORM_BACKWARD_PARAMS_F64 : Kernels.LAYERNORM_BACKWARD_PARAMS_F32, LaunchConfig.elementwise(c), addr(gd), addr(xd), addr(md),
                    addr(rd), dgamma == null ? 0L : addr(dgamma), dbeta == null ? 0L : addr(dbeta), rows, c);
        }
    }

    /** Index tensors as int64 (int32 indices are widened on the device). */
    private View int64(View index) {
        if (index.dtype() == DType.INT64) return index;
        View w = View.contiguous(allocate(DType.INT64, index.numel()), index.shape());
        copy(index, w);
        return w;
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        String kernel = Kernels.forDtype(Kernels.GATHER_F32, Kernels.GATHER_F64, x.dtype(), "gather");
        int n = out.numel();
        if (n == 0) return;
        View idx = int64(index);
        k.launch(kernel, LaunchConfig.elementwise(n), st(x).address(), CudaLayout.of(x), dim,
                st(idx).address(), CudaLayout.of(idx), st(out).address(), CudaLayout.of(out), n);
    }

    @Override
    public void scatterAdd(View dst, int dim, View index, View src) {
        String kernel = Kernels.forDtype(Kernels.SCATTER_ADD_F32, Kernels.SCATTER_ADD_F64, dst.dtype(), "scatter_add");
        int n = src.numel();
        if (n == 0) return;
        View idx = int64(index);
        k.launch(kernel, LaunchConfig.elementwise(n), st(dst).address(), CudaLayout.of(dst), dim,
                st(idx).address(), CudaLayout.of(idx), st(src).address(), CudaLayout.of(src), n);
    }

    @Override
    public void indexSelect(View x, int dim, View index, View out) {
        int size = x.dtype().itemSize();
        if (size != 4 && size != 8) throw new IllegalArgumentException(unsupported("index_select", x.dtype()));
        int n = out.numel();
        if (n == 0) return;
        View idx = int64(index);
        k.launch(Kernels.INDEX_SELECT, LaunchConfig.elementwise(n), st(x).address(), CudaLayout.of(x), dim,
                addr(idx), idx.rank() == 0 ? 1 : idx.strides()[0], st(out).address(), CudaLayout.of(out), size, n);
    }

    @Override
    public void indexAdd(View dst, int dim, View index, View src) {
        String kernel = Kernels.forDtype(Kernels.INDEX_ADD_F32, Kernels.INDEX_ADD_F64, dst.dtype(), "index_add");
        int n = src.numel();
        if (n == 0) return;
        View idx = int64(index);
        k.launch(kernel, LaunchConfig.elementwise(n), st(dst).address(), CudaLayout.of(dst), dim,
                addr(idx), idx.rank() == 0 ? 1 : idx.strides()[0], st(src).address(), CudaLayout.of(src), n);
    }

    @Override
    public void random(RandomKind kind, long seed, long offset, double a, double b, View out) {
        if (!out.isContiguous()) throw new IllegalStateException("random: output must be contiguous");
        int n = out.numel();
        if (n == 0) return;
        String kernel = switch (out.dtype()) {
            case FLOAT32 -> Kernels.RANDOM_F32;
            case FLOAT64 -> Kernels.RANDOM_F64;
            default -> throw new IllegalArgumentException("random: output must be float32 or float64, got " + out.dtype());
        };
        k.launch(kernel, LaunchConfig.elementwise(n), addr(out), n, kind.ordinal(), seed, offset, a, b);
    }

    @Override
    public void adamw(View p, View g, View m, View v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, double bc1, double bc2) {
        String kernel = Kernels.forDtype(Kernels.ADAMW_F32, Kernels.ADAMW_F64, p.dtype(), "adamw");
        for (View x : new View[] {p, m, v}) {
            if (!x.isContiguous()) throw new IllegalStateException("adamw: parameter and moments must be contiguous");
        }
        int n = p.numel();
        if (n == 0) return;
        k.launch(kernel, LaunchConfig.elementwise(n), addr(p), addr(dense(g)), addr(m), addr(v), n, scalar(p, lr),
                scalar(p, beta1), scalar(p, beta2), scalar(p, eps), scalar(p, weightDecay), scalar(p, bc1), scalar(p, bc2));
    }

    @Override
    public boolean prefersFusedKernels() { return true; }

    @Override
    public void softmaxCrossEntropy(View logits, View target, View coef, double smoothing, View rowLoss, View grad) {
        String kernel = Kernels.forDtype(Kernels.SOFTMAX_XENT_F32, Kernels.SOFTMAX_XENT_F64, logits.dtype(), "softmax_cross_entropy");
        int rows = rowLoss.numel(), c = rows == 0 ? 0 : logits.numel() / rows;
        if (rows == 0) return;
        if (!rowLoss.isContiguous() || (grad != null && !grad.isContiguous())) {
            throw new IllegalStateException("softmax_cross_entropy: outputs must be contiguous");
        }
        k.launch(kernel, LaunchConfig.perRow(rows, c), addr(dense(logits)), addr(int64(dense(target))),
                addr(dense(coef)), scalar(logits, smoothing), addr(rowLoss), grad == null ? 0L : addr(grad), rows, c);
    }

    @Override
    public void distill(int kind, View student, View teacher, double tau, View coef, View rowLoss, View grad) {
        if (teacher.dtype() != student.dtype()) {
            throw new IllegalArgumentException("distill: student " + student.dtype() + " and teacher " + teacher.dtype() + " differ");
        }
        String kernel = Kernels.forDtype(Kernels.DISTILL_F32, Kernels.DISTILL_F64, student.dtype(), "distill");
        int rows = rowLoss.numel(), v = rows == 0 ? 0 : student.numel() / rows;
        if (rows == 0) return;
        if (!rowLoss.isContiguous() || (grad != null && !grad.isContiguous())) {
            throw new IllegalStateException("distill: outputs must be contiguous");
        }
        k.launch(kernel, LaunchConfig.perRow(rows, v), kind, addr(dense(student)), addr(dense(teacher)),
                scalar(student, 1 / tau), addr(dense(coef)), addr(rowLoss), grad == null ? 0L : addr(grad), rows, v);
    }

    @Override
    public void shrinkPerturb(View p, double shrink, double noise, RandomKind kind, long seed, long offset, double a, double b) {
        if (!p.dtype().isFloating() || !p.isContiguous()) {
            Backend.super.shrinkPerturb(p, shrink, noise, kind, seed, offset, a, b);
            return;
        }
        int n = p.numel();
        if (n == 0) return;
        k.launch(Kernels.forDtype(Kernels.SHRINK_PERTURB_F32, Kernels.SHRINK_PERTURB_F64, p.dtype(), "shrink_perturb"),
                LaunchConfig.elementwise(n), addr(p), n, scalar(p, shrink), scalar(p, noise), kind.ordinal(), seed, offset,
                scalar(p, a), scalar(p, b));
    }
}
