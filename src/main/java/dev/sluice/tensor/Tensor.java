package dev.sluice.tensor;

import dev.sluice.autograd.Engine;
import dev.sluice.autograd.GradHook;
import dev.sluice.autograd.GradMode;
import dev.sluice.autograd.Graph;
import dev.sluice.autograd.HookHandle;
import dev.sluice.autograd.Node;
import dev.sluice.backend.View;
import dev.sluice.internal.Internals;
import dev.sluice.ops.Creation;
import dev.sluice.ops.Elementwise;
import dev.sluice.ops.Indexing;
import dev.sluice.ops.LinearAlgebra;
import dev.sluice.ops.NeuralOps;
import dev.sluice.ops.Reductions;
import dev.sluice.ops.Routing;
import dev.sluice.ops.Shapes;

import java.util.Arrays;
import java.util.function.Function;

/**
 * An n-dimensional array with reverse-mode automatic differentiation, in the style of PyTorch.
 *
 * <p>A tensor is a view (shape, strides, offset) onto a storage on some device; movement ops such as
 * {@link #transpose}, {@link #narrow} and {@link #expand} return new views without copying. Ops follow NumPy
 * broadcasting. When an input {@link #requiresGrad() requires grad} and grad mode is on, ops record the graph, and
 * {@link #backward()} accumulates gradients into the leaves' {@link #grad()}.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(3, 2).requiresGrad(true);
 * Tensor loss = Tensor.ones(4, 3).matmul(w).relu().sum();
 * loss.backward();            // w.grad() now holds d loss / d w
 * }</pre>
 *
 * Methods whose names end in an underscore ({@code add_}, {@code fill_}, ...) modify the tensor in place, as in
 * PyTorch; they bump the storage's version so that autograd detects changes to tensors it saved.
 */
public final class Tensor {
    static {
        Internals.install(new Internals.Bridge() {
            @Override public Tensor wrap(View view, boolean requiresGrad, Node gradFn) {
                Tensor t = new Tensor(view);
                t.requiresGrad = requiresGrad || gradFn != null;
                t.gradFn = gradFn;
                return t;
            }
            @Override public View view(Tensor t) { return t.view; }
            @Override public void setGradFn(Tensor t, Node gradFn) {
                t.gradFn = gradFn;
                t.requiresGrad = true;
            }
            @Override public Node accumulator(Tensor leaf, Function<Tensor, Node> factory) {
                synchronized (leaf) {
                    if (leaf.accumulator == null) leaf.accumulator = factory.apply(leaf);
                    return leaf.accumulator;
                }
            }
        });
    }

    private final View view;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;
    private Node accumulator;
    private HookHandle retainGradHook;

    private Tensor(View view) {
        this.view = view;
    }

    // ------------------------------------------------------------------ creation

    /** A float32 tensor holding a copy of {@code data} with the given shape (row-major). */
    public static Tensor of(float[] data, int... shape) { return Creation.fromArray(data, shape); }

    /** A float64 tensor holding a copy of {@code data}. */
    public static Tensor of(double[] data, int... shape) { return Creation.fromArray(data, shape); }

    /** An int32 tensor holding a copy of {@code data}. */
    public static Tensor of(int[] data, int... shape) { return Creation.fromArray(data, shape); }

    /** An int64 tensor holding a copy of {@code data}. */
    public static Tensor of(long[] data, int... shape) { return Creation.fromArray(data, shape); }

    /** A bool tensor holding a copy of {@code data}. */
    public static Tensor of(boolean[] data, int... shape) { return Creation.fromArray(data, shape); }

    /** A 1-D float32 tensor. */
    public static Tensor vector(float... data) { return of(data, data.length); }

    /** A float32 matrix from rows of equal length. */
    public static Tensor matrix(float[][] rows) { return Creation.fromRows(rows); }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(double value) { return Creation.full(value, DType.FLOAT32, Device.CPU); }

    /** A 0-dimensional tensor of the given dtype. */
    public static Tensor scalar(double value, DType dtype) { return Creation.full(value, dtype, Device.CPU); }

    public static Tensor zeros(int... shape) { return Creation.full(0, DType.FLOAT32, Device.CPU, shape); }

    public static Tensor zeros(DType dtype, int... shape) { return Creation.full(0, dtype, Device.CPU, shape); }

    public static Tensor ones(int... shape) { return Creation.full(1, DType.FLOAT32, Device.CPU, shape); }

    public static Tensor ones(DType dtype, int... shape) { return Creation.full(1, dtype, Device.CPU, shape); }

    /** A float32 tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) { return Creation.full(value, DType.FLOAT32, Device.CPU, shape); }

    public static Tensor full(double value, DType dtype, int... shape) { return Creation.full(value, dtype, Device.CPU, shape); }

    /** Zeros with t's shape, dtype and device. */
    public static Tensor zerosLike(Tensor t) { return Creation.full(0, t.dtype(), t.device(), t.shape()); }

    /** Ones with t's shape, dtype and device. */
    public static Tensor onesLike(Tensor t) { return Creation.full(1, t.dtype(), t.device(), t.shape()); }

    /** Filled with value, with t's shape, dtype and device. */
    public static Tensor fullLike(Tensor t, double value) { return Creation.full(value, t.dtype(), t.device(), t.shape()); }

    /** int64 [0, 1, ..., end-1]. */
    public static Tensor arange(long end) { return Creation.arange(0, end, 1, DType.INT64); }

    /** [start, start+step, ...) below end, with the given dtype. */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        return Creation.arange(start, end, step, dtype);
    }

    /** {@code steps} float32 values evenly spaced from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps) { return Creation.linspace(start, end, steps, DType.FLOAT32); }

    /** The n×n float32 identity matrix. */
    public static Tensor eye(int n) { return Creation.eye(n, n, DType.FLOAT32); }

    /** Uniform [0, 1) float32 from the global generator. */
    public static Tensor rand(int... shape) { return Creation.rand(Generator.global(), DType.FLOAT32, shape); }

    /** Uniform [0, 1) from the given generator. */
    public static Tensor rand(Generator gen, DType dtype, int... shape) { return Creation.rand(gen, dtype, shape); }

    /** Standard normal float32 from the global generator. */
    public static Tensor randn(int... shape) { return Creation.randn(Generator.global(), DType.FLOAT32, shape); }

    /** Standard normal from the given generator. */
    public static Tensor randn(Generator gen, DType dtype, int... shape) { return Creation.randn(gen, dtype, shape); }

    /** Uniform integers in [low, high) as int64. */
    public static Tensor randint(Generator gen, long low, long high, int... shape) { return Creation.randint(gen, low, high, shape); }

    /** Uniform integers in [low, high) as int64 from the global generator. */
    public static Tensor randint(long low, long high, int... shape) { return Creation.randint(Generator.global(), low, high, shape); }

    // ------------------------------------------------------------------ properties

    /** A copy of the shape. */
    public int[] shape() { return view.shape().clone(); }

    /** Size along a dimension (negative counts from the end). */
    public int size(int dim) { return view.shape()[Shapes.normalizeDim(dim, view.rank(), "size")]; }

    /** Number of dimensions. */
    public int dim() { return view.rank(); }

    public int numel() { return view.numel(); }

    public DType dtype() { return view.dtype(); }

    public Device device() { return view.storage().backend().device(); }

    /** A copy of the strides (in elements). */
    public int[] strides() { return view.strides().clone(); }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() { return view.isContiguous(); }

    /** True when both tensors view the same storage. */
    public boolean sharesStorageWith(Tensor other) { return view.storage() == other.view.storage(); }

    // ------------------------------------------------------------------ autograd

    /** Whether gradients flow to (or through) this tensor. */
    public boolean requiresGrad() { return requiresGrad; }

    /**
     * Marks a leaf tensor as requiring grad (or not) and returns it. Only floating-point leaves can require grad;
     * the flag of a non-leaf follows its inputs and cannot be changed (use {@link #detach()}).
     */
    public Tensor requiresGrad(boolean flag) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: can only change the flag of a leaf tensor; this one was produced by '"
                    + gradFn.name() + "' (use detach() to get a leaf)");
        }
        if (flag && !dtype().isFloating()) {
            throw new IllegalArgumentException("requiresGrad: only floating-point tensors can require gradients, got " + dtype());
        }
        this.requiresGrad = flag;
        return this;
    }

    /** True for tensors created by the user (not by a recorded op). */
    public boolean isLeaf() { return gradFn == null; }

    /** The node that produced this tensor, or null for leaves. */
    public Node gradFn() { return gradFn; }

    /** The accumulated gradient of a leaf (or of a non-leaf after {@link #retainGrad()}), or null. */
    public Tensor grad() { return grad; }

    /** Replaces the accumulated gradient (null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape(), shape())) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Arrays.toString(g.shape())
                    + " does not match tensor shape " + Arrays.toString(shape()));
        }
        this.grad = g;
    }

    /** Clears the accumulated gradient (sets it to null, as PyTorch's {@code set_to_none=True}). */
    public void zeroGrad() { this.grad = null; }

    /** Back-propagates from a scalar: fills {@code grad()} of every leaf it depends on. */
    public void backward() { Engine.backward(this, null, false); }

    /** Back-propagates with an explicit gradient of this tensor's shape. */
    public void backward(Tensor gradient) { Engine.backward(this, gradient, false); }

    /** Back-propagates; with {@code retainGraph} the graph can be walked again. */
    public void backward(Tensor gradient, boolean retainGraph) { Engine.backward(this, gradient, retainGraph); }

    /**
     * Registers a hook called with this tensor's gradient during backward; it may return a replacement (same shape) or
     * null to keep the gradient. For leaves the hook sees the gradient before it is accumulated.
     */
    public HookHandle registerHook(GradHook hook) { return Graph.registerHook(this, hook); }

    /** Makes backward also store this non-leaf tensor's gradient in {@link #grad()}. */
    public Tensor retainGrad() {
        if (gradFn == null) return this; // leaves keep their gradient anyway
        if (retainGradHook == null) {
            retainGradHook = registerHook(g -> {
                grad = grad == null ? g.clone() : grad.add(g);
                return null;
            });
        }
        return this;
    }

    /** A tensor sharing this one's data but with no history (does not require grad). */
    public Tensor detach() { return new Tensor(view); }

    /**
     * Gradient routing: this tensor's value unchanged, with the gradient flowing back through it multiplied by
     * {@code mask} (broadcast to this shape; real-valued, may be negative). See {@link Routing#route}.
     */
    public Tensor route(Tensor mask) { return Routing.route(this, mask); }

    // ------------------------------------------------------------------ conversion

    /** A copy with another dtype (or this tensor if it already has it). Differentiable between float dtypes. */
    public Tensor to(DType dtype) { return Elementwise.cast(this, dtype); }

    /** This tensor on another device (or itself if already there). */
    public Tensor to(Device device) { return Creation.toDevice(this, device); }

    /** A contiguous copy (differentiable). */
    @Override
    public Tensor clone() { return Shapes.cloneTensor(this); }

    /** This tensor if contiguous, else a contiguous copy (differentiable). */
    public Tensor contiguous() { return isContiguous() ? this : clone(); }

    public float[] toFloatArray() { return (float[]) Creation.toArray(this, DType.FLOAT32); }

    public double[] toDoubleArray() { return (double[]) Creation.toArray(this, DType.FLOAT64); }

    public int[] toIntArray() { return (int[]) Creation.toArray(this, DType.INT32); }

    public long[] toLongArray() { return (long[]) Creation.toArray(this, DType.INT64); }

    public boolean[] toBooleanArray() { return (boolean[]) Creation.toArray(this, DType.BOOL); }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: only one-element tensors can be converted to a number, got shape " + Arrays.toString(shape()));
        }
        return toDoubleArray()[0];
    }

    // ------------------------------------------------------------------ shape and movement (views where possible)

    /** Same data with a new shape (one dim may be -1); a view when the layout allows, else a copy. */
    public Tensor reshape(int... shape) { return Shapes.reshape(this, shape); }

    /** Same data with a new shape; fails when the layout does not allow a view. */
    public Tensor view(int... shape) { return Shapes.view(this, shape); }

    /** Reorders dimensions (a view). */
    public Tensor permute(int... dims) { return Shapes.permute(this, dims); }

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int dim0, int dim1) { return Shapes.transpose(this, dim0, dim1); }

    /** Transpose of a matrix (a view); for batches use {@link #transpose(int, int)}. */
    public Tensor t() {
        if (dim() != 2) throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + Arrays.toString(shape()));
        return transpose(0, 1);
    }

    /** Elements [start, start+length) along dim (a view). */
    public Tensor narrow(int dim, int start, int length) { return Shapes.narrow(this, dim, start, length); }

    /** Elements start, start+step, ... below end along dim (a view); negative start/end count from the end. */
    public Tensor slice(int dim, int start, int end, int step) { return Shapes.slice(this, dim, start, end, step); }

    /** The sub-tensor at {@code index} along dim, with that dimension removed (a view). */
    public Tensor select(int dim, int index) { return Shapes.select(this, dim, index); }

    /** Broadcasts size-1 dimensions to a larger shape (a view; -1 keeps a size). */
    public Tensor expand(int... shape) { return Shapes.expand(this, shape); }

    /** Removes all size-1 dimensions. */
    public Tensor squeeze() { return Shapes.squeezeAll(this); }

    /** Removes dimension dim if its size is 1. */
    public Tensor squeeze(int dim) { return Shapes.squeeze(this, dim); }

    /** Inserts a size-1 dimension at dim. */
    public Tensor unsqueeze(int dim) { return Shapes.unsqueeze(this, dim); }

    /** Flattens to 1-D. */
    public Tensor flatten() { return flatten(0, -1); }

    /** Flattens dimensions startDim..endDim (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) { return Shapes.flatten(this, startDim, endDim); }

    /** Concatenates along an existing dimension. */
    public static Tensor cat(int dim, Tensor... tensors) { return Shapes.cat(dim, tensors); }

    /** Stacks along a new dimension. */
    public static Tensor stack(int dim, Tensor... tensors) { return Shapes.stack(dim, tensors); }

    /** Splits into views of {@code size} along dim (the last may be smaller). */
    public Tensor[] split(int size, int dim) { return Shapes.split(this, size, dim); }

    /** Splits into {@code chunks} views of (nearly) equal size along dim. */
    public Tensor[] chunk(int chunks, int dim) { return Shapes.chunk(this, chunks, dim); }

    // ------------------------------------------------------------------ elementwise arithmetic

    public Tensor add(Tensor other) { return Elementwise.add(this, other); }

    public Tensor add(double value) { return Elementwise.add(this, Elementwise.scalarLike(this, value)); }

    public Tensor sub(Tensor other) { return Elementwise.sub(this, other); }

    public Tensor sub(double value) { return Elementwise.sub(this, Elementwise.scalarLike(this, value)); }

    public Tensor mul(Tensor other) { return Elementwise.mul(this, other); }

    public Tensor mul(double value) { return Elementwise.mul(this, Elementwise.scalarLike(this, value)); }

    public Tensor div(Tensor other) { return Elementwise.div(this, other); }

    public Tensor div(double value) { return Elementwise.div(this, Elementwise.scalarLike(this, value)); }

    public Tensor pow(Tensor exponent) { return Elementwise.pow(this, exponent); }

    public Tensor pow(double exponent) { return Elementwise.powScalar(this, exponent); }

    /** Elementwise maximum of two tensors (NaN-propagating); gradient split evenly on ties. */
    public Tensor maximum(Tensor other) { return Elementwise.maximum(this, other); }

    /** Elementwise minimum of two tensors (NaN-propagating); gradient split evenly on ties. */
    public Tensor minimum(Tensor other) { return Elementwise.minimum(this, other); }

    /** Clamps into [min, max]; pass NaN for an open side. Gradient 1 inside the range, 0 outside. */
    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }

    public Tensor neg() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.NEG); }

    public Tensor exp() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.EXP); }

    public Tensor log() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.LOG); }

    public Tensor sqrt() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SQRT); }

    public Tensor rsqrt() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.RSQRT); }

    public Tensor abs() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.ABS); }

    public Tensor square() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SQUARE); }

    public Tensor reciprocal() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.RECIPROCAL); }

    public Tensor relu() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.RELU); }

    /** Exact GELU, x·Φ(x). */
    public Tensor gelu() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.GELU); }

    /** GELU with the tanh approximation (as GPT-2). */
    public Tensor geluTanh() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.GELU_TANH); }

    public Tensor silu() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SILU); }

    public Tensor sigmoid() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SIGMOID); }

    public Tensor tanh() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.TANH); }

    // ------------------------------------------------------------------ comparisons and selection (not differentiable)

    public Tensor eq(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.EQ); }

    public Tensor eq(double v) { return eq(Elementwise.scalarLike(this, v)); }

    public Tensor ne(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.NE); }

    public Tensor ne(double v) { return ne(Elementwise.scalarLike(this, v)); }

    public Tensor lt(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.LT); }

    public Tensor lt(double v) { return lt(Elementwise.scalarLike(this, v)); }

    public Tensor le(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.LE); }

    public Tensor le(double v) { return le(Elementwise.scalarLike(this, v)); }

    public Tensor gt(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.GT); }

    public Tensor gt(double v) { return gt(Elementwise.scalarLike(this, v)); }

    public Tensor ge(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.GE); }

    public Tensor ge(double v) { return ge(Elementwise.scalarLike(this, v)); }

    /** Elementwise AND of two bool tensors. */
    public Tensor logicalAnd(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.AND); }

    /** Elementwise OR of two bool tensors. */
    public Tensor logicalOr(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.OR); }

    /** Elementwise NOT of a bool tensor. */
    public Tensor logicalNot() { return eq(0); }

    /** cond ? x : y elementwise, broadcasting all three; differentiable in x and y. */
    public static Tensor where(Tensor cond, Tensor x, Tensor y) { return Elementwise.where(cond, x, y); }

    /** A copy with {@code value} where the bool mask (broadcast to this shape) is true; differentiable. */
    public Tensor maskedFill(Tensor mask, double value) { return Elementwise.maskedFill(this, mask, value); }

    // ------------------------------------------------------------------ in place (not recorded; bump the version)

    /** this += other (broadcast to this shape). */
    public Tensor add_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.ADD, "add_"); }

    /** this += alpha · other. */
    public Tensor add_(Tensor other, double alpha) { return add_(alpha == 1 ? other : other.mul(alpha)); }

    public Tensor sub_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.SUB, "sub_"); }

    public Tensor mul_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.MUL, "mul_"); }

    public Tensor mul_(double value) { return mul_(Elementwise.scalarLike(this, value)); }

    public Tensor div_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.DIV, "div_"); }

    /** Copies src (broadcast, cast to this dtype, from any device) into this tensor. */
    public Tensor copy_(Tensor src) { return Elementwise.copyInto(this, src); }

    public Tensor fill_(double value) { return Elementwise.fillInPlace(this, value); }

    public Tensor zero_() { return fill_(0); }

    /** Sets elements where the bool mask is true to value. */
    public Tensor maskedFill_(Tensor mask, double value) { return Elementwise.maskedFillInPlace(this, mask, value); }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (0-d). */
    public Tensor sum() { return Reductions.sum(this, null, false); }

    /** Sum over dims (none given: all), dims removed. */
    public Tensor sum(int... dims) { return Reductions.sum(this, dims, false); }

    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }

    public Tensor mean() { return Reductions.mean(this, null, false); }

    public Tensor mean(int... dims) { return Reductions.mean(this, dims, false); }

    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }

    /** Variance over dims with Bessel's correction (correction = 1) unless {@code correction} = 0. */
    public Tensor var(int[] dims, int correction, boolean keepDim) { return Reductions.var(this, dims, correction, keepDim); }

    /** Unbiased variance of all elements. */
    public Tensor var() { return Reductions.var(this, null, 1, false); }

    public Tensor std(int[] dims, int correction, boolean keepDim) { return var(dims, correction, keepDim).sqrt(); }

    public Tensor std() { return var().sqrt(); }

    /** Maximum of all elements. */
    public Tensor max() { return Reductions.amax(this, null, false); }

    /** Maximum over dims (values only). */
    public Tensor amax(int[] dims, boolean keepDim) { return Reductions.amax(this, dims, keepDim); }

    /** Minimum of all elements. */
    public Tensor min() { return Reductions.amin(this, null, false); }

    public Tensor amin(int[] dims, boolean keepDim) { return Reductions.amin(this, dims, keepDim); }

    /** Max along one dim: values and int64 indices (first occurrence). */
    public ValuesIndices max(int dim, boolean keepDim) { return Reductions.maxWithIndices(this, dim, keepDim, true); }

    /** Min along one dim: values and int64 indices (first occurrence). */
    public ValuesIndices min(int dim, boolean keepDim) { return Reductions.maxWithIndices(this, dim, keepDim, false); }

    /** Index of the maximum along dim (int64). */
    public Tensor argmax(int dim, boolean keepDim) { return max(dim, keepDim).indices(); }

    /** Index of the maximum along dim (int64), dim removed. */
    public Tensor argmax(int dim) { return argmax(dim, false); }

    /** Index of the minimum along dim (int64). */
    public Tensor argmin(int dim, boolean keepDim) { return min(dim, keepDim).indices(); }

    /** log Σ exp over dims, computed stably. */
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }

    // ------------------------------------------------------------------ linear algebra and neural-network ops

    /** Matrix product with NumPy semantics: 1-D operands are promoted, batch dims broadcast. */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    /** Softmax along dim (numerically stable). */
    public Tensor softmax(int dim) { return NeuralOps.softmax(this, dim, false); }

    /** Log-softmax along dim (numerically stable). */
    public Tensor logSoftmax(int dim) { return NeuralOps.softmax(this, dim, true); }

    /** torch.gather: out[...i...] = this[... index[...i...] along dim ...]. */
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /** The entries at a 1-D int index along dim. */
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    /** A copy of this tensor with src added at the positions index gives along dim (torch.scatter_add). */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this, dim, index, src); }

    /** One-hot float32 encoding of an integer tensor: shape + [numClasses]. */
    public Tensor oneHot(int numClasses) { return Indexing.oneHot(this, numClasses); }

    // ------------------------------------------------------------------ printing

    @Override
    public String toString() { return TensorFormat.format(this); }
}
