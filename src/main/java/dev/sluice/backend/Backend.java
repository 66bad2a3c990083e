package dev.sluice.backend;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;

/**
 * Everything a device must provide: an allocator, host transfers and the kernels. The op layer ({@code dev.sluice.ops})
 * reaches memory only through this interface, so a new device is a new implementation of it.
 *
 * <p>Conventions for all kernels: shapes are already checked and broadcast by the op layer (broadcast operands arrive as
 * views with stride 0); output views are freshly allocated contiguous tensors unless a method says otherwise; all
 * operands live on this backend. A "row" is the last dimension.
 */
public interface Backend {
    Device device();

    /** A zero-filled storage of n elements. */
    Storage allocate(DType dtype, int n);

    /**
     * A storage of n elements whose contents are unspecified, for an output that the caller's kernel writes in full
     * before anything reads it (a product, an elementwise result). On the CPU a recycled array then skips its
     * zero-fill, a whole extra pass over memory for each large output. The default zero-fills, as {@link #allocate}.
     */
    default Storage allocateForOverwrite(DType dtype, int n) { return allocate(dtype, n); }

    /**
     * Declares that no view of {@code storage} will ever be read or written again, so that its memory may serve a later
     * {@link #allocate}. Only a caller that can prove exclusive ownership may call this (the autograd engine does, for
     * gradients only it can reach; see {@code autograd.GradOwnership}). The default keeps the memory (no reuse).
     */
    default void recycle(Storage storage) {}

    /** A storage holding a copy of a Java array: float[], double[], int[], long[] or boolean[]. */
    Storage fromArray(Object javaArray);

    /** Copies the elements of a view, in row-major order, into a new Java array of the view's dtype. */
    Object toArray(View src);

    /** dst[i] = (dst dtype) src[i]; same shape; dst may be any view (this is also the in-place write path). */
    void copy(View src, View dst);

    /** dst[i] = value, cast to dst's dtype; dst may be any view. */
    void fill(View dst, double value);

    /** out = op(x), elementwise; x and out float32 or float64 of one dtype. */
    void unary(UnaryOp op, View x, View out);

    /** out = g · op'(x) (y = op(x) is passed too, as some derivatives are cheaper from it). */
    void unaryBackward(UnaryOp op, View x, View y, View g, View out);

    /** out = op(a, b), elementwise over out's shape; a and b share a dtype; out is that dtype, or bool for comparisons. */
    void binary(BinaryOp op, View a, View b, View out);

    /** out = cond ? a : b, elementwise; cond is bool, a, b and out share a dtype. */
    void where(View cond, View a, View b, View out);

    /**
     * Reduces x into out, which has x's rank; a dimension is reduced where out's size is 1 and x's is not (keepdim
     * layout).
     */
    void reduce(ReduceOp op, View x, View out);

    /**
     * Max or min along one axis with the index of the first extremum: values and indices (int64) have x's shape with
     * size 1 along {@code axis}. NaN counts as the extremum, as PyTorch.
     */
    void argReduce(ReduceOp op, View x, int axis, View values, View indices);

    /** out[..., m, n] = a[..., m, k] · b[..., k, n]; batch dims of a and b already broadcast to out's (stride 0 allowed). */
    default void matmul(View a, View b, View out) { matmul(a, b, out, false); }

    /**
     * As {@link #matmul(View, View, View)}, but with {@code accumulate} adds the product to what {@code out} holds
     * (out += a·b): a linear layer initialises out with its bias and saves a separate pass over the output.
     */
    default void matmul(View a, View b, View out, boolean accumulate) { matmul(a, b, out, accumulate, Epilogue.NONE); }

    /**
     * As {@link #matmul(View, View, View, boolean)}, then applies {@code epilogue} to every output element once its
     * sum is complete (a linear layer's activation without a second pass over the output).
     */
    void matmul(View a, View b, View out, boolean accumulate, Epilogue epilogue);

    /**
     * out[m, n] = a[m, k]·b[k, n] + bias[n] (the bias added to every row), then {@code epilogue}: a linear layer.
     * Same bits as copying the bias into every row of out and accumulating the product onto it, which is what this
     * default does; a backend may add the bias to each output tile while it is in cache instead (no separate pass).
     */
    default void matmulBias(View a, View b, View bias, View out, Epilogue epilogue) {
        int[] shape = out.shape();
        View rows = new View(bias.storage(), shape.clone(), new int[] {0, bias.strides()[0]}, bias.offset());
        copy(rows, out);
        matmul(a, b, out, true, epilogue);
    }

    /** Softmax (or log-softmax) over the last dimension, numerically stable. */
    void softmax(View x, View out, boolean log);

    /** Backward of {@link #softmax} from its output y and the upstream gradient g. */
    void softmaxBackward(View y, View g, View out, boolean log);

    /**
     * Softmax over the last dimension with the positions where the bool {@code mask} (broadcast to x's shape: stride 0
     * allowed) is true taken as −∞: out = softmax(where(mask, −∞, x)), with exactly that composite's bits, in one
     * pass and without the masked copy. Returns false, having done nothing, when this backend has no fused kernel for
     * these operands; the op then runs the composite.
     */
    default boolean maskedSoftmax(View x, View mask, View out) { return false; }

    /**
     * Backward of {@link #maskedSoftmax} from its output y and the upstream gradient g: out = mask ? +0 :
     * y·(g − Σ g·y), the bits of softmax's backward followed by the masked fill's. Returns false, having done nothing,
     * when this backend has no fused kernel for these operands.
     */
    default boolean maskedSoftmaxBackward(View y, View g, View mask, View out) { return false; }

    /**
     * Layer norm over the last dimension (biased variance); gamma and beta (shape [C]) may be null. mean and rstd have
     * one value per row (shape = x's leading dims).
     */
    void layerNorm(View x, View gamma, View beta, double eps, View out, View mean, View rstd);

    /** Backward of {@link #layerNorm}: writes dx; accumulates into dgamma and dbeta when they are non-null. */
    void layerNormBackward(View g, View x, View mean, View rstd, View gamma, View dx, View dgamma, View dbeta);

    /** out[..i..] = x[..index[..i..] at dim..]: torch.gather; index int64 with out's shape. */
    void gather(View x, int dim, View index, View out);

    /** dst[..index[..i..] at dim..] += src[..i..]: torch.scatter_add_ (in place on dst, any view). */
    void scatterAdd(View dst, int dim, View index, View src);

    /** out = x restricted to the entries {@code index} (1-D int64) along dim: torch.index_select. */
    void indexSelect(View x, int dim, View index, View out);

    /** dst[.., index[j], ..] += src[.., j, ..] along dim (in place on dst): the backward of index_select. */
    void indexAdd(View dst, int dim, View index, View src);

    /**
     * Fills a contiguous float view from the Philox4x32-10 stream with key {@code seed}, starting at counter
     * {@code offset}; element i depends only on (seed, offset, i), never on threads or device.
     */
    void random(RandomKind kind, long seed, long offset, double a, double b, View out);

    /** One fused AdamW step in place on p, m, v (contiguous, same shape) from gradient g; see {@code optim.AdamW}. */
    void adamw(View p, View g, View m, View v, double lr, double beta1, double beta2, double eps, double weightDecay,
               double bc1, double bc2);

    /**
     * Whether the op layer should use the fused row kernels below for cross entropy, distillation and parameter noise
     * (the CUDA backend); otherwise it composes them from the primitives above (the CPU backend, whose numbers and
     * speed were measured that way). {@code -Dsluice.fused=true} makes any backend take the fused path.
     */
    default boolean prefersFusedKernels() { return false; }

    /**
     * Whether cross entropy should use {@link #softmaxCrossEntropy} (defaults to {@link #prefersFusedKernels()}): a
     * backend may have a fast fused cross-entropy kernel without fused distillation or noise kernels.
     */
    default boolean prefersFusedCrossEntropy() { return prefersFusedKernels(); }

    /**
     * Fused softmax cross entropy over contiguous rows: logits [N, C], target int64 [N] in [0, C), coef [N];
     * rowLoss[i] = −(1−ε)·logp[i, t_i] − (ε/C)·Σ_c logp[i, c] and, when grad is non-null,
     * grad[i, c] = coef[i]·(p[i, c] − ε/C − (1−ε)·[c = t_i]). Default: {@link FusedReference} through host arrays.
     */
    default void softmaxCrossEntropy(View logits, View target, View coef, double smoothing, View rowLoss, View grad) {
        int rows = rowLoss.numel(), c = rows == 0 ? 0 : logits.numel() / rows;
        double[] loss = new double[rows], g = grad == null ? null : new double[rows * c];
        FusedReference.softmaxCrossEntropy(FusedReference.doubles(toArray(logits)), FusedReference.longs(toArray(target)),
                FusedReference.doubles(toArray(coef)), smoothing, rows, c, loss, g);
        FusedReference.store(this, loss, rowLoss);
        if (grad != null) FusedReference.store(this, g, grad);
    }

    /**
     * Fused distillation rows (kind: {@link FusedReference#FORWARD_KL}, REVERSE_KL or SOFT_CE) at temperature tau:
     * student, teacher [R, V]; coef [R]; rowLoss[r] the row's divergence (unscaled); grad (nullable) its gradient with
     * respect to z = s/tau times coef[r]: forward KL and soft CE p_S − p_T, reverse KL p_S·(log p_S − log p_T − loss).
     */
    default void distill(int kind, View student, View teacher, double tau, View coef, View rowLoss, View grad) {
        int rows = rowLoss.numel(), v = rows == 0 ? 0 : student.numel() / rows;
        double[] loss = new double[rows], g = grad == null ? null : new double[rows * v];
        FusedReference.distill(kind, FusedReference.doubles(toArray(student)), FusedReference.doubles(toArray(teacher)), tau,
                FusedReference.doubles(toArray(coef)), rows, v, loss, g);
        FusedReference.store(this, loss, rowLoss);
        if (grad != null) FusedReference.store(this, g, grad);
    }

    /**
     * UNDO's noise step in place: p ← shrink·p + noise·(a + b·Z), Z the standard draw of {@code kind} (U[0,1) or
     * N(0,1)) from the Philox stream at (seed, offset) — the numbers {@link #random} gives with (0, 1). Default: a
     * temporary draw and the arithmetic in double through host arrays.
     */
    default void shrinkPerturb(View p, double shrink, double noise, RandomKind kind, long seed, long offset, double a, double b) {
        View z = View.contiguous(allocate(p.dtype(), p.numel()), p.shape());
        random(kind, seed, offset, 0, 1, z);
        double[] zs = FusedReference.doubles(toArray(z)), ps = FusedReference.doubles(toArray(p));
        for (int i = 0; i < ps.length; i++) {
            double nv = p.dtype() == dev.sluice.tensor.DType.FLOAT32 ? (float) ((float) zs[i] * (float) b + (float) a) : zs[i] * b + a;
            ps[i] = shrink * ps[i] + noise * nv;
        }
        FusedReference.store(this, ps, p);
    }
}
