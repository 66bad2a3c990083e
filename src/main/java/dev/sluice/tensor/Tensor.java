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
 * <p>A tensor is a view (shape, strides, offset) onto a storage on some {@link Device}; movement ops such as
 * {@link #transpose}, {@link #narrow} and {@link #expand} return new views without copying. Binary ops follow NumPy
 * broadcasting and promote dtypes as PyTorch does for tensor operands (bool &lt; int32 &lt; int64 &lt; float32 &lt;
 * float64, see {@link DType#promote}); a Java {@code double} operand takes the tensor's dtype. All tensor operands of
 * an op must live on the same device, else the op throws {@link IllegalArgumentException}.
 *
 * <p>When an input {@link #requiresGrad() requires grad} and grad mode is on (see {@link GradMode}), ops record the
 * graph, and {@link #backward()} accumulates gradients into the leaves' {@link #grad()}.
 *
 * {@snippet :
 * Tensor w = Tensor.randn(3, 2).requiresGrad(true);
 * Tensor loss = Tensor.ones(4, 3).matmul(w).relu().sum();
 * loss.backward();            // w.grad() now holds d loss / d w, shape [3, 2]
 * }
 *
 * Methods whose names end in an underscore ({@code add_}, {@code fill_}, ...) modify the tensor in place, as in
 * PyTorch; they are never recorded, and they bump the storage's version so that autograd detects changes to tensors it
 * saved. They throw {@link IllegalStateException} when grad mode is on and the target requires grad (run optimizer
 * updates inside {@link GradMode#noGrad()}).
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

    /**
     * A float32 CPU tensor holding a copy of {@code data}, laid out row-major in the given shape (like
     * {@code torch.tensor(data).reshape(shape)}).
     *
     * @param data the elements in row-major order; its length must equal the product of {@code shape}
     * @param shape the sizes of the dimensions; none means 1-D of length {@code data.length} (use {@link #scalar} for
     * 0-d)
     * @return a new contiguous tensor that does not require grad
     * @throws IllegalArgumentException if a size is negative or {@code data.length} does not match the shape
     */
    public static Tensor of(float[] data, int... shape) { return Creation.fromArray(data, shape); }

    /**
     * A float64 CPU tensor holding a copy of {@code data}, laid out row-major in the given shape.
     *
     * @param data the elements in row-major order; its length must equal the product of {@code shape}
     * @param shape the sizes of the dimensions; none means 1-D of length {@code data.length}
     * @return a new contiguous tensor that does not require grad
     * @throws IllegalArgumentException if a size is negative or {@code data.length} does not match the shape
     */
    public static Tensor of(double[] data, int... shape) { return Creation.fromArray(data, shape); }

    /**
     * An int32 CPU tensor holding a copy of {@code data}, laid out row-major in the given shape.
     *
     * @param data the elements in row-major order; its length must equal the product of {@code shape}
     * @param shape the sizes of the dimensions; none means 1-D of length {@code data.length}
     * @return a new contiguous tensor
     * @throws IllegalArgumentException if a size is negative or {@code data.length} does not match the shape
     */
    public static Tensor of(int[] data, int... shape) { return Creation.fromArray(data, shape); }

    /**
     * An int64 CPU tensor holding a copy of {@code data}, laid out row-major in the given shape.
     *
     * @param data the elements in row-major order; its length must equal the product of {@code shape}
     * @param shape the sizes of the dimensions; none means 1-D of length {@code data.length}
     * @return a new contiguous tensor
     * @throws IllegalArgumentException if a size is negative or {@code data.length} does not match the shape
     */
    public static Tensor of(long[] data, int... shape) { return Creation.fromArray(data, shape); }

    /**
     * A bool CPU tensor holding a copy of {@code data}, laid out row-major in the given shape.
     *
     * @param data the elements in row-major order; its length must equal the product of {@code shape}
     * @param shape the sizes of the dimensions; none means 1-D of length {@code data.length}
     * @return a new contiguous tensor
     * @throws IllegalArgumentException if a size is negative or {@code data.length} does not match the shape
     */
    public static Tensor of(boolean[] data, int... shape) { return Creation.fromArray(data, shape); }

    /**
     * A 1-D float32 CPU tensor of shape [data.length].
     *
     * @param data the elements (copied)
     * @return a new tensor
     */
    public static Tensor vector(float... data) { return of(data, data.length); }

    /**
     * A float32 CPU matrix of shape [rows.length, rows[0].length] from rows of equal length.
     *
     * @param rows the rows (copied)
     * @return a new 2-D tensor
     * @throws IllegalArgumentException if the rows differ in length
     */
    public static Tensor matrix(float[][] rows) { return Creation.fromRows(rows); }

    /**
     * A 0-dimensional (shape []) float32 CPU tensor, like {@code torch.tensor(value)}.
     *
     * @param value the value, rounded to float32
     * @return a new 0-d tensor
     */
    public static Tensor scalar(double value) { return Creation.full(value, DType.FLOAT32, Device.CPU); }

    /**
     * A 0-dimensional CPU tensor of the given dtype.
     *
     * @param value the value, converted to {@code dtype} (truncated for integer dtypes, non-zero is true for bool)
     * @param dtype the element type
     * @return a new 0-d tensor
     */
    public static Tensor scalar(double value, DType dtype) { return Creation.full(value, dtype, Device.CPU); }

    /**
     * A float32 CPU tensor of zeros, like {@code torch.zeros}.
     *
     * @param shape the sizes of the dimensions (none: a 0-d scalar)
     * @return a new tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor zeros(int... shape) { return Creation.full(0, DType.FLOAT32, Device.CPU, shape); }

    /**
     * A CPU tensor of zeros (false for bool) of the given dtype.
     *
     * @param dtype the element type
     * @param shape the sizes of the dimensions
     * @return a new tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor zeros(DType dtype, int... shape) { return Creation.full(0, dtype, Device.CPU, shape); }

    /**
     * A float32 CPU tensor of ones, like {@code torch.ones}.
     *
     * @param shape the sizes of the dimensions (none: a 0-d scalar)
     * @return a new tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor ones(int... shape) { return Creation.full(1, DType.FLOAT32, Device.CPU, shape); }

    /**
     * A CPU tensor of ones (true for bool) of the given dtype.
     *
     * @param dtype the element type
     * @param shape the sizes of the dimensions
     * @return a new tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor ones(DType dtype, int... shape) { return Creation.full(1, dtype, Device.CPU, shape); }

    /**
     * A float32 CPU tensor filled with {@code value}, like {@code torch.full}.
     *
     * @param value the fill value
     * @param shape the sizes of the dimensions
     * @return a new tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor full(double value, int... shape) { return Creation.full(value, DType.FLOAT32, Device.CPU, shape); }

    /**
     * A CPU tensor of the given dtype filled with {@code value}.
     *
     * @param value the fill value, converted to {@code dtype}
     * @param dtype the element type
     * @param shape the sizes of the dimensions
     * @return a new tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor full(double value, DType dtype, int... shape) { return Creation.full(value, dtype, Device.CPU, shape); }

    /**
     * Zeros with the shape, dtype and device of {@code t}, like {@code torch.zeros_like}.
     *
     * @param t the tensor whose shape, dtype and device are copied (its data is not read)
     * @return a new contiguous tensor that does not require grad
     */
    public static Tensor zerosLike(Tensor t) { return Creation.full(0, t.dtype(), t.device(), t.shape()); }

    /**
     * Ones with the shape, dtype and device of {@code t}, like {@code torch.ones_like}.
     *
     * @param t the tensor whose shape, dtype and device are copied
     * @return a new contiguous tensor that does not require grad
     */
    public static Tensor onesLike(Tensor t) { return Creation.full(1, t.dtype(), t.device(), t.shape()); }

    /**
     * A tensor filled with {@code value}, with the shape, dtype and device of {@code t}.
     *
     * @param t the tensor whose shape, dtype and device are copied
     * @param value the fill value, converted to t's dtype
     * @return a new contiguous tensor that does not require grad
     */
    public static Tensor fullLike(Tensor t, double value) { return Creation.full(value, t.dtype(), t.device(), t.shape()); }

    /**
     * The int64 CPU vector [0, 1, ..., end-1], like {@code torch.arange(end)}.
     *
     * @param end the exclusive upper bound (0 or less gives an empty vector)
     * @return a new 1-D int64 tensor of length max(0, end)
     */
    public static Tensor arange(long end) { return Creation.arange(0, end, 1, DType.INT64); }

    /**
     * The CPU vector [start, start+step, ...) of values below {@code end} (above it for a negative step), like
     * {@code torch.arange}.
     *
     * @param start the first value
     * @param end the exclusive bound
     * @param step the spacing; may be negative
     * @param dtype the element type of the result
     * @return a new 1-D tensor of length ceil((end - start) / step), or empty
     * @throws IllegalArgumentException if {@code step} is zero or NaN, or the length exceeds {@code Integer.MAX_VALUE}
     */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        return Creation.arange(start, end, step, dtype);
    }

    /**
     * {@code steps} float32 CPU values evenly spaced from {@code start} to {@code end} inclusive, like
     * {@code torch.linspace}.
     *
     * @param start the first value
     * @param end the last value
     * @param steps the number of values
     * @return a new 1-D tensor of shape [steps]
     * @throws IllegalArgumentException if {@code steps} is negative
     */
    public static Tensor linspace(double start, double end, int steps) { return Creation.linspace(start, end, steps, DType.FLOAT32); }

    /**
     * The n×n float32 CPU identity matrix, like {@code torch.eye(n)}.
     *
     * @param n the number of rows and columns
     * @return a new [n, n] tensor
     */
    public static Tensor eye(int n) { return Creation.eye(n, n, DType.FLOAT32); }

    /**
     * Uniform samples in [0, 1) as float32 on the CPU, drawn from {@link Generator#global()}, like {@code torch.rand}.
     *
     * @param shape the sizes of the dimensions
     * @return a new tensor
     */
    public static Tensor rand(int... shape) { return Creation.rand(Generator.global(), DType.FLOAT32, shape); }

    /**
     * Uniform samples in [0, 1) drawn from the given generator; the values depend only on the generator's seed and draw
     * sequence.
     *
     * @param gen the source of randomness (advanced by this call)
     * @param dtype float32 or float64
     * @param shape the sizes of the dimensions
     * @return a new CPU tensor
     * @throws IllegalArgumentException if {@code dtype} is not floating point
     */
    public static Tensor rand(Generator gen, DType dtype, int... shape) { return Creation.rand(gen, dtype, shape); }

    /**
     * Standard normal samples as float32 on the CPU, drawn from {@link Generator#global()}, like {@code torch.randn}.
     *
     * @param shape the sizes of the dimensions
     * @return a new tensor
     */
    public static Tensor randn(int... shape) { return Creation.randn(Generator.global(), DType.FLOAT32, shape); }

    /**
     * Standard normal samples drawn from the given generator.
     *
     * @param gen the source of randomness (advanced by this call)
     * @param dtype float32 or float64
     * @param shape the sizes of the dimensions
     * @return a new CPU tensor
     * @throws IllegalArgumentException if {@code dtype} is not floating point
     */
    public static Tensor randn(Generator gen, DType dtype, int... shape) { return Creation.randn(gen, dtype, shape); }

    /**
     * Uniform integers in [low, high) as int64 on the CPU, like {@code torch.randint}.
     *
     * @param gen the source of randomness (advanced by this call)
     * @param low the inclusive lower bound
     * @param high the exclusive upper bound
     * @param shape the sizes of the dimensions
     * @return a new int64 tensor
     * @throws IllegalArgumentException if {@code high <= low}
     */
    public static Tensor randint(Generator gen, long low, long high, int... shape) { return Creation.randint(gen, low, high, shape); }

    /**
     * Uniform integers in [low, high) as int64 on the CPU, drawn from {@link Generator#global()}.
     *
     * @param low the inclusive lower bound
     * @param high the exclusive upper bound
     * @param shape the sizes of the dimensions
     * @return a new int64 tensor
     * @throws IllegalArgumentException if {@code high <= low}
     */
    public static Tensor randint(long low, long high, int... shape) { return Creation.randint(Generator.global(), low, high, shape); }

    // ------------------------------------------------------------------ properties

    /**
     * The sizes of the dimensions, like {@code torch.Tensor.shape}.
     *
     * @return a fresh copy of the shape ([] for a 0-d tensor); changing it does not affect the tensor
     */
    public int[] shape() { return view.shape().clone(); }

    /**
     * The size along one dimension, like {@code torch.Tensor.size(dim)}.
     *
     * @param dim the dimension; negative values count from the end (-1 is the last)
     * @return the size of that dimension
     * @throws IndexOutOfBoundsException if {@code dim} is out of range for this rank
     */
    public int size(int dim) { return view.shape()[Shapes.normalizeDim(dim, view.rank(), "size")]; }

    /**
     * The number of dimensions (the rank), like {@code torch.Tensor.dim()}.
     *
     * @return 0 for a scalar, 1 for a vector, and so on
     */
    public int dim() { return view.rank(); }

    /**
     * The number of elements, like {@code torch.Tensor.numel()}.
     *
     * @return the product of the shape (1 for a 0-d tensor)
     */
    public int numel() { return view.numel(); }

    /**
     * The element type.
     *
     * @return this tensor's dtype
     */
    public DType dtype() { return view.dtype(); }

    /**
     * The device whose memory holds this tensor's storage.
     *
     * @return the storage's device
     */
    public Device device() { return view.storage().backend().device(); }

    /**
     * The strides, in elements, of this view onto its storage, like {@code torch.Tensor.stride()}.
     *
     * @return a fresh copy of the strides, one per dimension (0 for a broadcast dimension)
     */
    public int[] strides() { return view.strides().clone(); }

    /**
     * Whether the elements are laid out row-major without gaps, like {@code torch.Tensor.is_contiguous()}.
     *
     * @return true when {@link #view(int...)} can reinterpret any shape and kernels can run without gathering
     */
    public boolean isContiguous() { return view.isContiguous(); }

    /**
     * Whether two tensors are views of the same storage, so that an in-place write through one is seen by the other.
     *
     * @param other another tensor
     * @return true when both tensors view the same storage
     */
    public boolean sharesStorageWith(Tensor other) { return view.storage() == other.view.storage(); }

    // ------------------------------------------------------------------ autograd

    /**
     * Whether gradients flow to (or through) this tensor, like {@code torch.Tensor.requires_grad}.
     *
     * @return true for leaves marked with {@link #requiresGrad(boolean)} and for results of recorded ops on such
     * tensors
     */
    public boolean requiresGrad() { return requiresGrad; }

    /**
     * Marks a leaf tensor as requiring grad (or not) and returns it, like {@code torch.Tensor.requires_grad_}. Only
     * floating-point leaves can require grad; the flag of a non-leaf follows its inputs and cannot be changed (use
     * {@link #detach()}).
     *
     * @param flag whether backward should compute this leaf's gradient
     * @return this tensor, for chaining
     * @throws IllegalStateException if this tensor is not a leaf
     * @throws IllegalArgumentException if {@code flag} is true and the dtype is not float32 or float64
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

    /**
     * Whether this tensor was created by the user rather than by a recorded op, like {@code torch.Tensor.is_leaf}.
     *
     * @return true when {@link #gradFn()} is null
     */
    public boolean isLeaf() { return gradFn == null; }

    /**
     * The graph node that produced this tensor, like {@code torch.Tensor.grad_fn}.
     *
     * @return the producing node, or null for leaves
     */
    public Node gradFn() { return gradFn; }

    /**
     * The accumulated gradient of a leaf (or of a non-leaf after {@link #retainGrad()}), like
     * {@code torch.Tensor.grad}.
     *
     * @return a tensor of this tensor's shape, or null before any backward has reached it (or after
     * {@link #zeroGrad()})
     */
    public Tensor grad() { return grad; }

    /**
     * Replaces the accumulated gradient; the next backward adds to {@code g}.
     *
     * @param g the new gradient, of this tensor's shape, or null to clear it
     * @throws IllegalArgumentException if {@code g}'s shape differs from this tensor's
     */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape(), shape())) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Arrays.toString(g.shape())
                    + " does not match tensor shape " + Arrays.toString(shape()));
        }
        this.grad = g;
    }

    /** Clears the accumulated gradient: sets it to null, as PyTorch's {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() { this.grad = null; }

    /**
     * Back-propagates from a one-element tensor (usually a loss): adds d this / d leaf to {@link #grad()} of every leaf
     * that requires grad and that this depends on, then frees the graph's saved tensors. Like
     * {@code torch.Tensor.backward()}.
     *
     * @throws IllegalStateException if this tensor does not require grad, or the graph was already freed by an earlier
     * backward
     * @throws IllegalArgumentException if this tensor has more than one element
     */
    public void backward() { Engine.backward(this, null, false); }

    /**
     * Back-propagates with an explicit upstream gradient (the vector of a vector-Jacobian product), then frees the
     * graph.
     *
     * @param gradient d L / d this, of this tensor's shape and device (null: ones, for a one-element tensor)
     * @throws IllegalStateException if this tensor does not require grad, or the graph was already freed
     * @throws IllegalArgumentException if the gradient's shape or device does not match
     */
    public void backward(Tensor gradient) { Engine.backward(this, gradient, false); }

    /**
     * Back-propagates with an explicit upstream gradient, like {@code torch.Tensor.backward(gradient, retain_graph)}.
     *
     * @param gradient d L / d this, of this tensor's shape and device (null: ones, for a one-element tensor)
     * @param retainGraph keep the saved tensors so that the graph can be walked again
     * @throws IllegalStateException if this tensor does not require grad, or the graph was already freed
     * @throws IllegalArgumentException if the gradient's shape or device does not match
     */
    public void backward(Tensor gradient, boolean retainGraph) { Engine.backward(this, gradient, retainGraph); }

    /**
     * Registers a hook called with this tensor's gradient during backward, like {@code torch.Tensor.register_hook}. The
     * hook may return a replacement (same shape) or null to keep the gradient. For leaves the hook sees the gradient
     * before it is accumulated.
     *
     * @param hook the function called with each gradient that reaches this tensor
     * @return a handle whose {@link HookHandle#remove()} unregisters the hook
     */
    public HookHandle registerHook(GradHook hook) { return Graph.registerHook(this, hook); }

    /**
     * Makes backward also store this non-leaf tensor's gradient in {@link #grad()}, like
     * {@code torch.Tensor.retain_grad()}; a no-op for leaves.
     *
     * @return this tensor
     */
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

    /**
     * A tensor sharing this one's storage but with no history, like {@code torch.Tensor.detach()}: it is a leaf that
     * does not require grad. In-place writes to either are seen by both.
     *
     * @return a new tensor over the same storage
     */
    public Tensor detach() { return new Tensor(view); }

    /**
     * Gradient routing: this tensor's value unchanged, with the gradient flowing back through it multiplied elementwise
     * by {@code mask} (broadcast to this shape; real-valued, may be negative or zero to stop the gradient). See
     * {@link dev.sluice.methods.routing.GradientRouting}.
     *
     * @param mask a float32 or float64 tensor broadcastable to this tensor's shape
     * @return a tensor equal to this one whose backward scales the incoming gradient by the mask
     * @throws IllegalArgumentException if the mask is not floating point or does not broadcast to this shape
     */
    public Tensor route(Tensor mask) { return Routing.route(this, mask); }

    // ------------------------------------------------------------------ conversion

    /**
     * A copy converted to another dtype, or this tensor itself if it already has it, like
     * {@code torch.Tensor.to(dtype)}. Float to int truncates toward zero; non-zero becomes true for bool.
     * Differentiable between floating dtypes (the gradient is cast back).
     *
     * @param dtype the target element type
     * @return a tensor of the same shape and device with the given dtype
     */
    public Tensor to(DType dtype) { return Elementwise.cast(this, dtype); }

    /**
     * This tensor on another device, or itself if already there, like {@code torch.Tensor.to(device)}. Differentiable:
     * the gradient flows back to the source device.
     *
     * @param device the target device
     * @return a contiguous copy on {@code device} (or this tensor)
     * @throws UnsupportedOperationException if the target GPU cannot be used (the message says why, e.g. no CUDA
     * driver)
     */
    public Tensor to(Device device) { return Creation.toDevice(this, device); }

    /**
     * A contiguous copy with its own storage, like {@code torch.Tensor.clone()}. Differentiable: the gradient passes
     * through unchanged.
     *
     * @return a new tensor with the same shape, dtype, device and values
     */
    @Override
    public Tensor clone() { return Shapes.cloneTensor(this); }

    /**
     * This tensor if it is contiguous, else a contiguous copy (differentiable), like {@code torch.Tensor.contiguous()}.
     *
     * @return a row-major tensor with the same values
     */
    public Tensor contiguous() { return isContiguous() ? this : clone(); }

    /**
     * The elements as a new Java array in row-major order, converted to float32 when the dtype differs.
     *
     * @return a fresh array of length {@link #numel()}
     */
    public float[] toFloatArray() { return (float[]) Creation.toArray(this, DType.FLOAT32); }

    /**
     * The elements as a new Java array in row-major order, converted to float64 when the dtype differs.
     *
     * @return a fresh array of length {@link #numel()}
     */
    public double[] toDoubleArray() { return (double[]) Creation.toArray(this, DType.FLOAT64); }

    /**
     * The elements as a new Java array in row-major order, converted to int32 (floats truncate) when the dtype differs.
     *
     * @return a fresh array of length {@link #numel()}
     */
    public int[] toIntArray() { return (int[]) Creation.toArray(this, DType.INT32); }

    /**
     * The elements as a new Java array in row-major order, converted to int64 (floats truncate) when the dtype differs.
     *
     * @return a fresh array of length {@link #numel()}
     */
    public long[] toLongArray() { return (long[]) Creation.toArray(this, DType.INT64); }

    /**
     * The elements as a new Java array in row-major order, converted to bool (non-zero is true) when the dtype differs.
     *
     * @return a fresh array of length {@link #numel()}
     */
    public boolean[] toBooleanArray() { return (boolean[]) Creation.toArray(this, DType.BOOL); }

    /**
     * The value of a one-element tensor as a double, like {@code torch.Tensor.item()}; copies from the device if
     * needed.
     *
     * @return the single element
     * @throws IllegalStateException if the tensor does not have exactly one element
     */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: only one-element tensors can be converted to a number, got shape " + Arrays.toString(shape()));
        }
        return toDoubleArray()[0];
    }

    // ------------------------------------------------------------------ shape and movement (views where possible)

    /**
     * The same elements in a new shape, like {@code torch.Tensor.reshape}: a view when the layout allows it, else a
     * contiguous copy. Differentiable.
     *
     * @param shape the new sizes; one of them may be -1 to be inferred from the element count
     * @return a tensor of the requested shape
     * @throws IllegalArgumentException if the element counts differ, a size is invalid, or more than one size is -1
     */
    public Tensor reshape(int... shape) { return Shapes.reshape(this, shape); }

    /**
     * The same elements in a new shape as a view sharing this storage, like {@code torch.Tensor.view}. Differentiable.
     *
     * @param shape the new sizes; one of them may be -1 to be inferred
     * @return a view of the requested shape
     * @throws IllegalArgumentException if the element counts differ or a size is invalid
     * @throws IllegalStateException if the strides do not allow a view (call {@link #reshape(int...)} or
     * {@link #contiguous()} first)
     */
    public Tensor view(int... shape) { return Shapes.view(this, shape); }

    /**
     * Reorders the dimensions (a view), like {@code torch.Tensor.permute}: result dimension i is this tensor's
     * dimension {@code dims[i]}.
     *
     * @param dims a permutation of 0..dim()-1 (negative values count from the end)
     * @return a view with permuted shape and strides
     * @throws IllegalArgumentException if {@code dims} is not a permutation of the dimensions
     */
    public Tensor permute(int... dims) { return Shapes.permute(this, dims); }

    /**
     * Swaps two dimensions (a view), like {@code torch.Tensor.transpose}.
     *
     * @param dim0 one dimension (negative counts from the end)
     * @param dim1 the other dimension
     * @return a view with the two dimensions swapped
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor transpose(int dim0, int dim1) { return Shapes.transpose(this, dim0, dim1); }

    /**
     * The transpose of a matrix (a view), like {@code torch.Tensor.t()}: [m, n] becomes [n, m]. For batches use
     * {@link #transpose(int, int)}.
     *
     * @return a transposed view
     * @throws IllegalArgumentException if this tensor is not 2-D
     */
    public Tensor t() {
        if (dim() != 2) throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + Arrays.toString(shape()));
        return transpose(0, 1);
    }

    /**
     * The elements [start, start+length) along {@code dim} (a view), like {@code torch.Tensor.narrow}.
     *
     * @param dim the dimension to narrow (negative counts from the end)
     * @param start the first index kept
     * @param length how many indices to keep
     * @return a view whose size along {@code dim} is {@code length}
     * @throws IndexOutOfBoundsException if the range is out of bounds
     */
    public Tensor narrow(int dim, int start, int length) { return Shapes.narrow(this, dim, start, length); }

    /**
     * The elements start, start+step, ... below {@code end} along {@code dim} (a view), like Python's
     * {@code x[..., start:end:step]}. Out-of-range bounds are clamped.
     *
     * @param dim the dimension to slice (negative counts from the end)
     * @param start the first index; negative counts from the end
     * @param end the exclusive end index; negative counts from the end
     * @param step the stride between kept indices
     * @return a view with ceil((end - start) / step) entries along {@code dim}
     * @throws IllegalArgumentException if {@code step} is not positive
     */
    public Tensor slice(int dim, int start, int end, int step) { return Shapes.slice(this, dim, start, end, step); }

    /**
     * The sub-tensor at {@code index} along {@code dim}, with that dimension removed (a view), like
     * {@code torch.Tensor.select} or {@code x[i]}.
     *
     * @param dim the dimension to index (negative counts from the end)
     * @param index the position along it (negative counts from the end)
     * @return a view of rank {@code dim() - 1}
     * @throws IndexOutOfBoundsException if {@code dim} or {@code index} is out of range
     */
    public Tensor select(int dim, int index) { return Shapes.select(this, dim, index); }

    /**
     * Broadcasts size-1 dimensions to a larger shape without copying (stride 0), like {@code torch.Tensor.expand}; new
     * leading dimensions may be added. Differentiable: the gradient is summed over the expanded dimensions. Do not
     * write in place into the result.
     *
     * @param shape the target shape; -1 keeps an existing size
     * @return a broadcast view
     * @throws IllegalArgumentException if a non-1 size would change or {@code shape} has fewer dimensions than this
     * tensor
     */
    public Tensor expand(int... shape) { return Shapes.expand(this, shape); }

    /**
     * Removes all size-1 dimensions (a view), like {@code torch.Tensor.squeeze()}.
     *
     * @return a view with no size-1 dimensions
     */
    public Tensor squeeze() { return Shapes.squeezeAll(this); }

    /**
     * Removes dimension {@code dim} if its size is 1, else returns an equal view, like
     * {@code torch.Tensor.squeeze(dim)}.
     *
     * @param dim the dimension (negative counts from the end)
     * @return a view
     * @throws IndexOutOfBoundsException if {@code dim} is out of range
     */
    public Tensor squeeze(int dim) { return Shapes.squeeze(this, dim); }

    /**
     * Inserts a size-1 dimension at position {@code dim} (a view), like {@code torch.Tensor.unsqueeze}: [3, 4] with dim
     * 0 becomes [1, 3, 4].
     *
     * @param dim the position of the new dimension, in 0..dim() (negative counts from the end, -1 appends)
     * @return a view of rank {@code dim() + 1}
     * @throws IndexOutOfBoundsException if {@code dim} is out of range
     */
    public Tensor unsqueeze(int dim) { return Shapes.unsqueeze(this, dim); }

    /**
     * Flattens to 1-D, like {@code torch.Tensor.flatten()}; a view when the layout allows.
     *
     * @return a tensor of shape [numel()]
     */
    public Tensor flatten() { return flatten(0, -1); }

    /**
     * Merges dimensions {@code startDim..endDim} (inclusive) into one, like {@code torch.flatten(x, start, end)}: [N,
     * C, H, W] with (1, -1) becomes [N, C·H·W].
     *
     * @param startDim the first dimension merged (negative counts from the end)
     * @param endDim the last dimension merged (negative counts from the end)
     * @return a tensor with the same elements (a view when the layout allows)
     * @throws IllegalArgumentException if {@code startDim} comes after {@code endDim}
     */
    public Tensor flatten(int startDim, int endDim) { return Shapes.flatten(this, startDim, endDim); }

    /**
     * Concatenates tensors along an existing dimension, like {@code torch.cat}. Differentiable: each input receives its
     * slice of the gradient.
     *
     * @param dim the dimension to join along (negative counts from the end)
     * @param tensors at least one tensor; all of one dtype and device, with equal sizes except along {@code dim}
     * @return a new contiguous tensor
     * @throws IllegalArgumentException if no tensors are given or their dtypes, ranks or sizes disagree
     */
    public static Tensor cat(int dim, Tensor... tensors) { return Shapes.cat(dim, tensors); }

    /**
     * Stacks tensors of equal shape along a new dimension, like {@code torch.stack}: k tensors of shape [a, b] with dim
     * 0 give [k, a, b]. Differentiable.
     *
     * @param dim the position of the new dimension
     * @param tensors at least one tensor, all of the same shape, dtype and device
     * @return a new contiguous tensor
     * @throws IllegalArgumentException if no tensors are given or their shapes differ
     */
    public static Tensor stack(int dim, Tensor... tensors) { return Shapes.stack(dim, tensors); }

    /**
     * Splits into views of {@code size} along {@code dim}, the last possibly smaller, like
     * {@code torch.Tensor.split(size, dim)}.
     *
     * @param size the size of each piece along {@code dim}
     * @param dim the dimension to split (negative counts from the end)
     * @return the pieces in order, as views
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public Tensor[] split(int size, int dim) { return Shapes.split(this, size, dim); }

    /**
     * Splits into {@code chunks} views of (nearly) equal size along {@code dim}, like {@code torch.Tensor.chunk}; fewer
     * pieces come back when the size does not divide well.
     *
     * @param chunks the number of pieces wanted
     * @param dim the dimension to split (negative counts from the end)
     * @return the pieces in order, as views
     * @throws IllegalArgumentException if {@code chunks} is not positive
     */
    public Tensor[] chunk(int chunks, int dim) { return Shapes.chunk(this, chunks, dim); }

    // ------------------------------------------------------------------ elementwise arithmetic

    /**
     * Elementwise sum this + other with broadcasting and dtype promotion, like {@code torch.add}. Differentiable in
     * both operands (gradients are summed back to each operand's shape).
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new tensor of the broadcast shape and promoted dtype
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor add(Tensor other) { return Elementwise.add(this, other); }

    /**
     * Adds a scalar to every element. The scalar takes this tensor's dtype, except that a non-integral value added to
     * an integer tensor gives float32. Differentiable.
     *
     * @param value the scalar
     * @return a new tensor of this shape
     */
    public Tensor add(double value) { return Elementwise.add(this, Elementwise.scalarLike(this, value)); }

    /**
     * Elementwise difference this − other with broadcasting and dtype promotion, like {@code torch.sub}. Differentiable
     * in both operands.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new tensor of the broadcast shape and promoted dtype
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor sub(Tensor other) { return Elementwise.sub(this, other); }

    /**
     * Subtracts a scalar from every element (the scalar takes this dtype, float32 if non-integral on an integer
     * tensor). Differentiable.
     *
     * @param value the scalar
     * @return a new tensor of this shape
     */
    public Tensor sub(double value) { return Elementwise.sub(this, Elementwise.scalarLike(this, value)); }

    /**
     * Elementwise product with broadcasting and dtype promotion, like {@code torch.mul}. Differentiable in both
     * operands.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new tensor of the broadcast shape and promoted dtype
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor mul(Tensor other) { return Elementwise.mul(this, other); }

    /**
     * Multiplies every element by a scalar (the scalar takes this dtype, float32 if non-integral on an integer tensor).
     * Differentiable.
     *
     * @param value the scalar
     * @return a new tensor of this shape
     */
    public Tensor mul(double value) { return Elementwise.mul(this, Elementwise.scalarLike(this, value)); }

    /**
     * Elementwise true division with broadcasting, like {@code torch.div}: integer operands are divided as float32.
     * Differentiable in both operands.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new floating-point tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor div(Tensor other) { return Elementwise.div(this, other); }

    /**
     * Divides every element by a scalar (true division: an integer tensor gives float32). Differentiable.
     *
     * @param value the divisor
     * @return a new tensor of this shape
     */
    public Tensor div(double value) { return Elementwise.div(this, Elementwise.scalarLike(this, value)); }

    /**
     * Elementwise power this^exponent with broadcasting and dtype promotion, like {@code torch.pow}. Differentiable in
     * both (the exponent's gradient uses ln of the base, so it is NaN for negative bases).
     *
     * @param exponent a tensor broadcastable with this one, on the same device
     * @return a new tensor of the broadcast shape and promoted dtype
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor pow(Tensor exponent) { return Elementwise.pow(this, exponent); }

    /**
     * Raises every element to a constant power; pow(2) runs as {@link #square()}. Differentiable.
     *
     * @param exponent the constant exponent
     * @return a new tensor of this shape and dtype
     */
    public Tensor pow(double exponent) { return Elementwise.powScalar(this, exponent); }

    /**
     * Elementwise maximum of two tensors with broadcasting and promotion, like {@code torch.maximum} (NaN-propagating).
     * The gradient goes to the larger operand and is split evenly on ties.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new tensor of the broadcast shape and promoted dtype
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor maximum(Tensor other) { return Elementwise.maximum(this, other); }

    /**
     * Elementwise minimum of two tensors with broadcasting and promotion, like {@code torch.minimum} (NaN-propagating).
     * The gradient goes to the smaller operand and is split evenly on ties.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new tensor of the broadcast shape and promoted dtype
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor minimum(Tensor other) { return Elementwise.minimum(this, other); }

    /**
     * Clamps every element into [min, max], like {@code torch.clamp}. The gradient is 1 where min ≤ x ≤ max and 0
     * outside.
     *
     * @param min the lower bound, or NaN for none
     * @param max the upper bound, or NaN for none
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if both bounds are given and {@code min > max}
     */
    public Tensor clamp(double min, double max) { return Elementwise.clamp(this, min, max); }

    /**
     * Elementwise negation −x (any numeric dtype). Differentiable.
     *
     * @return a new tensor of this shape and dtype
     */
    public Tensor neg() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.NEG); }

    /**
     * Elementwise e^x. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor exp() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.EXP); }

    /**
     * Elementwise natural logarithm (NaN below 0, −∞ at 0). Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor log() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.LOG); }

    /**
     * Elementwise square root (NaN below 0). Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor sqrt() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SQRT); }

    /**
     * Elementwise reciprocal square root 1/√x, like {@code torch.rsqrt}. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor rsqrt() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.RSQRT); }

    /**
     * Elementwise absolute value (any numeric dtype). Differentiable.
     *
     * @return a new tensor of this shape and dtype
     */
    public Tensor abs() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.ABS); }

    /**
     * Elementwise x² (any numeric dtype). Differentiable.
     *
     * @return a new tensor of this shape and dtype
     */
    public Tensor square() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SQUARE); }

    /**
     * Elementwise 1/x. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor reciprocal() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.RECIPROCAL); }

    /**
     * Elementwise max(x, 0) (any numeric dtype), like {@code torch.relu}. Differentiable; the gradient is 0 for x ≤ 0.
     *
     * @return a new tensor of this shape and dtype
     */
    public Tensor relu() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.RELU); }

    /**
     * Exact GELU, x·Φ(x) with Φ the standard normal CDF, like {@code torch.nn.functional.gelu}. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor gelu() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.GELU); }

    /**
     * GELU with the tanh approximation used by GPT-2, like {@code gelu(x, approximate="tanh")}. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor geluTanh() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.GELU_TANH); }

    /**
     * Elementwise SiLU (swish), x·σ(x), like {@code torch.nn.functional.silu}. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor silu() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SILU); }

    /**
     * Elementwise logistic sigmoid σ(x) = 1 / (1 + e^−x). Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor sigmoid() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.SIGMOID); }

    /**
     * Elementwise hyperbolic tangent. Differentiable.
     *
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor tanh() { return Elementwise.unary(this, dev.sluice.backend.UnaryOp.TANH); }

    // ------------------------------------------------------------------ comparisons and selection (not differentiable)

    /**
     * Elementwise this == other with broadcasting (operands compared in their promoted dtype), like {@code torch.eq}.
     * Not differentiable.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor eq(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.EQ); }

    /**
     * Elementwise this == v. Not differentiable.
     *
     * @param v the scalar compared against
     * @return a new bool tensor of this shape
     */
    public Tensor eq(double v) { return eq(Elementwise.scalarLike(this, v)); }

    /**
     * Elementwise this != other with broadcasting, like {@code torch.ne}. Not differentiable.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor ne(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.NE); }

    /**
     * Elementwise this != v. Not differentiable.
     *
     * @param v the scalar compared against
     * @return a new bool tensor of this shape
     */
    public Tensor ne(double v) { return ne(Elementwise.scalarLike(this, v)); }

    /**
     * Elementwise this &lt; other with broadcasting, like {@code torch.lt}. Not differentiable.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor lt(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.LT); }

    /**
     * Elementwise this &lt; v. Not differentiable.
     *
     * @param v the scalar compared against
     * @return a new bool tensor of this shape
     */
    public Tensor lt(double v) { return lt(Elementwise.scalarLike(this, v)); }

    /**
     * Elementwise this ≤ other with broadcasting, like {@code torch.le}. Not differentiable.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor le(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.LE); }

    /**
     * Elementwise this ≤ v. Not differentiable.
     *
     * @param v the scalar compared against
     * @return a new bool tensor of this shape
     */
    public Tensor le(double v) { return le(Elementwise.scalarLike(this, v)); }

    /**
     * Elementwise this &gt; other with broadcasting, like {@code torch.gt}. Not differentiable.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor gt(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.GT); }

    /**
     * Elementwise this &gt; v. Not differentiable.
     *
     * @param v the scalar compared against
     * @return a new bool tensor of this shape
     */
    public Tensor gt(double v) { return gt(Elementwise.scalarLike(this, v)); }

    /**
     * Elementwise this ≥ other with broadcasting, like {@code torch.ge}. Not differentiable.
     *
     * @param other a tensor broadcastable with this one, on the same device
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor ge(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.GE); }

    /**
     * Elementwise this ≥ v. Not differentiable.
     *
     * @param v the scalar compared against
     * @return a new bool tensor of this shape
     */
    public Tensor ge(double v) { return ge(Elementwise.scalarLike(this, v)); }

    /**
     * Elementwise AND of two bool tensors with broadcasting, like {@code torch.logical_and}. Not differentiable.
     *
     * @param other a bool tensor broadcastable with this one
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor logicalAnd(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.AND); }

    /**
     * Elementwise OR of two bool tensors with broadcasting, like {@code torch.logical_or}. Not differentiable.
     *
     * @param other a bool tensor broadcastable with this one
     * @return a new bool tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the devices differ
     */
    public Tensor logicalOr(Tensor other) { return Elementwise.compare(this, other, dev.sluice.backend.BinaryOp.OR); }

    /**
     * Elementwise NOT (true where the element is zero/false), like {@code torch.logical_not}. Not differentiable.
     *
     * @return a new bool tensor of this shape
     */
    public Tensor logicalNot() { return eq(0); }

    /**
     * Elementwise {@code cond ? x : y}, broadcasting all three, like {@code torch.where}. Differentiable in x and y:
     * each receives the gradient where it was chosen.
     *
     * @param cond a bool tensor
     * @param x the values taken where {@code cond} is true
     * @param y the values taken where {@code cond} is false
     * @return a new tensor of the broadcast shape and the promoted dtype of x and y
     * @throws IllegalArgumentException if {@code cond} is not bool, the shapes do not broadcast or the devices differ
     */
    public static Tensor where(Tensor cond, Tensor x, Tensor y) { return Elementwise.where(cond, x, y); }

    /**
     * A copy with {@code value} where the bool mask is true, like {@code torch.Tensor.masked_fill}. Differentiable: the
     * gradient flows where the mask is false.
     *
     * @param mask a bool tensor broadcastable to this tensor's shape
     * @param value the fill value
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the mask does not broadcast to this shape or is not bool
     */
    public Tensor maskedFill(Tensor mask, double value) { return Elementwise.maskedFill(this, mask, value); }

    // ------------------------------------------------------------------ in place (not recorded; bump the version)

    /**
     * In place: this += other, like {@code torch.Tensor.add_}. The operand is broadcast to this shape and cast to this
     * dtype.
     *
     * @param other a tensor broadcastable to this shape, on the same device
     * @return this tensor
     * @throws IllegalArgumentException if {@code other} does not broadcast to this shape or lives on another device
     * @throws IllegalStateException if grad mode is on and either tensor requires grad
     */
    public Tensor add_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.ADD, "add_"); }

    /**
     * In place: this += alpha · other, like {@code torch.Tensor.add_(other, alpha=alpha)}.
     *
     * @param other a tensor broadcastable to this shape, on the same device
     * @param alpha the factor applied to {@code other}
     * @return this tensor
     * @throws IllegalArgumentException if {@code other} does not broadcast to this shape or lives on another device
     * @throws IllegalStateException if grad mode is on and either tensor requires grad
     */
    public Tensor add_(Tensor other, double alpha) { return add_(alpha == 1 ? other : other.mul(alpha)); }

    /**
     * In place: this −= other (broadcast to this shape, cast to this dtype).
     *
     * @param other a tensor broadcastable to this shape, on the same device
     * @return this tensor
     * @throws IllegalArgumentException if {@code other} does not broadcast to this shape or lives on another device
     * @throws IllegalStateException if grad mode is on and either tensor requires grad
     */
    public Tensor sub_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.SUB, "sub_"); }

    /**
     * In place: this *= other (broadcast to this shape, cast to this dtype).
     *
     * @param other a tensor broadcastable to this shape, on the same device
     * @return this tensor
     * @throws IllegalArgumentException if {@code other} does not broadcast to this shape or lives on another device
     * @throws IllegalStateException if grad mode is on and either tensor requires grad
     */
    public Tensor mul_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.MUL, "mul_"); }

    /**
     * In place: multiplies every element by a scalar.
     *
     * @param value the factor
     * @return this tensor
     * @throws IllegalStateException if grad mode is on and this tensor requires grad
     */
    public Tensor mul_(double value) { return mul_(Elementwise.scalarLike(this, value)); }

    /**
     * In place: this /= other (broadcast to this shape, cast to this dtype; integer tensors divide as integers).
     *
     * @param other a tensor broadcastable to this shape, on the same device
     * @return this tensor
     * @throws IllegalArgumentException if {@code other} does not broadcast to this shape or lives on another device
     * @throws IllegalStateException if grad mode is on and either tensor requires grad
     */
    public Tensor div_(Tensor other) { return Elementwise.inPlace(this, other, dev.sluice.backend.BinaryOp.DIV, "div_"); }

    /**
     * In place: copies {@code src} into this tensor, like {@code torch.Tensor.copy_}; src is broadcast to this shape,
     * cast to this dtype and, when on another device, moved here first.
     *
     * @param src the values to copy
     * @return this tensor
     * @throws IllegalArgumentException if {@code src} does not broadcast to this shape
     * @throws IllegalStateException if grad mode is on and either tensor requires grad
     */
    public Tensor copy_(Tensor src) { return Elementwise.copyInto(this, src); }

    /**
     * In place: sets every element to {@code value}, like {@code torch.Tensor.fill_}.
     *
     * @param value the fill value, converted to this dtype
     * @return this tensor
     * @throws IllegalStateException if grad mode is on and this tensor requires grad
     */
    public Tensor fill_(double value) { return Elementwise.fillInPlace(this, value); }

    /**
     * In place: sets every element to zero, like {@code torch.Tensor.zero_}.
     *
     * @return this tensor
     * @throws IllegalStateException if grad mode is on and this tensor requires grad
     */
    public Tensor zero_() { return fill_(0); }

    /**
     * In place: sets the elements where the bool mask is true to {@code value}, like {@code torch.Tensor.masked_fill_}.
     *
     * @param mask a bool tensor broadcastable to this shape, on the same device
     * @param value the fill value, converted to this dtype
     * @return this tensor
     * @throws IllegalArgumentException if the mask is not bool, lives on another device, or does not broadcast to this
     * shape
     * @throws IllegalStateException if grad mode is on and this tensor requires grad
     */
    public Tensor maskedFill_(Tensor mask, double value) { return Elementwise.maskedFillInPlace(this, mask, value); }

    // ------------------------------------------------------------------ reductions

    /**
     * The sum of all elements as a 0-d tensor, like {@code torch.sum}. Integer and bool tensors sum to int64.
     * Differentiable.
     *
     * @return a 0-d tensor
     */
    public Tensor sum() { return Reductions.sum(this, null, false); }

    /**
     * The sum over the given dimensions, which are removed from the shape: [N, C] summed over 1 gives [N]. Integer and
     * bool tensors sum to int64. Differentiable.
     *
     * @param dims the dimensions to reduce (negative counts from the end); none reduces all
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension repeats
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor sum(int... dims) { return Reductions.sum(this, dims, false); }

    /**
     * The sum over the given dimensions, like {@code torch.sum(x, dims, keepdim)}. Differentiable.
     *
     * @param dims the dimensions to reduce (negative counts from the end); null or empty reduces all
     * @param keepDim keep the reduced dimensions with size 1 (so the result broadcasts against this tensor)
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension repeats
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }

    /**
     * The mean of all elements as a 0-d tensor, like {@code torch.mean}. Differentiable.
     *
     * @return a 0-d tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor mean() { return Reductions.mean(this, null, false); }

    /**
     * The mean over the given dimensions, which are removed from the shape. Differentiable.
     *
     * @param dims the dimensions to reduce (negative counts from the end); none reduces all
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point or a dimension repeats
     */
    public Tensor mean(int... dims) { return Reductions.mean(this, dims, false); }

    /**
     * The mean over the given dimensions, like {@code torch.mean(x, dims, keepdim)}. Differentiable.
     *
     * @param dims the dimensions to reduce (negative counts from the end); null or empty reduces all
     * @param keepDim keep the reduced dimensions with size 1
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point or a dimension repeats
     */
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }

    /**
     * The variance over the given dimensions, Σ(x − mean)² / (n − correction), like
     * {@code torch.var(x, dims, correction=, keepdim=)}. Differentiable.
     *
     * @param dims the dimensions to reduce; null or empty reduces all
     * @param correction 1 for the unbiased (Bessel) estimate, 0 for the population variance
     * @param keepDim keep the reduced dimensions with size 1
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point or a dimension repeats
     */
    public Tensor var(int[] dims, int correction, boolean keepDim) { return Reductions.var(this, dims, correction, keepDim); }

    /**
     * The unbiased variance (correction 1) of all elements as a 0-d tensor. Differentiable.
     *
     * @return a 0-d tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor var() { return Reductions.var(this, null, 1, false); }

    /**
     * The standard deviation over the given dimensions: the square root of {@link #var(int[], int, boolean)}.
     * Differentiable.
     *
     * @param dims the dimensions to reduce; null or empty reduces all
     * @param correction 1 for the unbiased estimate, 0 for the population one
     * @param keepDim keep the reduced dimensions with size 1
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point or a dimension repeats
     */
    public Tensor std(int[] dims, int correction, boolean keepDim) { return var(dims, correction, keepDim).sqrt(); }

    /**
     * The unbiased standard deviation of all elements as a 0-d tensor. Differentiable.
     *
     * @return a 0-d tensor of this dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor std() { return var().sqrt(); }

    /**
     * The maximum of all elements as a 0-d tensor, like {@code torch.max(x)}. Differentiable (the gradient is shared
     * evenly among tied maxima).
     *
     * @return a 0-d tensor of this dtype
     * @throws IllegalArgumentException if the tensor is empty
     */
    public Tensor max() { return Reductions.amax(this, null, false); }

    /**
     * The maximum over the given dimensions (values only), like {@code torch.amax}. Differentiable.
     *
     * @param dims the dimensions to reduce; null or empty reduces all
     * @param keepDim keep the reduced dimensions with size 1
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException if the tensor is empty or a dimension repeats
     */
    public Tensor amax(int[] dims, boolean keepDim) { return Reductions.amax(this, dims, keepDim); }

    /**
     * The minimum of all elements as a 0-d tensor, like {@code torch.min(x)}. Differentiable.
     *
     * @return a 0-d tensor of this dtype
     * @throws IllegalArgumentException if the tensor is empty
     */
    public Tensor min() { return Reductions.amin(this, null, false); }

    /**
     * The minimum over the given dimensions (values only), like {@code torch.amin}. Differentiable.
     *
     * @param dims the dimensions to reduce; null or empty reduces all
     * @param keepDim keep the reduced dimensions with size 1
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException if the tensor is empty or a dimension repeats
     */
    public Tensor amin(int[] dims, boolean keepDim) { return Reductions.amin(this, dims, keepDim); }

    /**
     * The maximum along one dimension with its position, like {@code torch.max(x, dim, keepdim)}. The values are
     * differentiable (the gradient goes to the chosen index).
     *
     * @param dim the dimension to reduce (negative counts from the end)
     * @param keepDim keep that dimension with size 1
     * @return the values (this dtype) and their int64 indices (first occurrence on ties)
     * @throws IllegalArgumentException if that dimension has size 0
     */
    public ValuesIndices max(int dim, boolean keepDim) { return Reductions.maxWithIndices(this, dim, keepDim, true); }

    /**
     * The minimum along one dimension with its position, like {@code torch.min(x, dim, keepdim)}. The values are
     * differentiable.
     *
     * @param dim the dimension to reduce (negative counts from the end)
     * @param keepDim keep that dimension with size 1
     * @return the values (this dtype) and their int64 indices (first occurrence on ties)
     * @throws IllegalArgumentException if that dimension has size 0
     */
    public ValuesIndices min(int dim, boolean keepDim) { return Reductions.maxWithIndices(this, dim, keepDim, false); }

    /**
     * The index of the maximum along a dimension, like {@code torch.argmax(x, dim, keepdim)}. Not differentiable.
     *
     * @param dim the dimension to reduce (negative counts from the end)
     * @param keepDim keep that dimension with size 1
     * @return an int64 tensor of indices (first occurrence on ties)
     * @throws IllegalArgumentException if that dimension has size 0
     */
    public Tensor argmax(int dim, boolean keepDim) { return max(dim, keepDim).indices(); }

    /**
     * The index of the maximum along a dimension, which is removed: logits [N, C] with dim 1 give predicted classes
     * [N].
     *
     * @param dim the dimension to reduce (negative counts from the end)
     * @return an int64 tensor of indices (first occurrence on ties)
     * @throws IllegalArgumentException if that dimension has size 0
     */
    public Tensor argmax(int dim) { return argmax(dim, false); }

    /**
     * The index of the minimum along a dimension, like {@code torch.argmin(x, dim, keepdim)}. Not differentiable.
     *
     * @param dim the dimension to reduce (negative counts from the end)
     * @param keepDim keep that dimension with size 1
     * @return an int64 tensor of indices (first occurrence on ties)
     * @throws IllegalArgumentException if that dimension has size 0
     */
    public Tensor argmin(int dim, boolean keepDim) { return min(dim, keepDim).indices(); }

    /**
     * log Σ exp(x) over the given dimensions, computed stably by subtracting the maximum, like {@code torch.logsumexp}.
     * Differentiable (the gradient is the softmax).
     *
     * @param dims the dimensions to reduce; null or empty reduces all
     * @param keepDim keep the reduced dimensions with size 1
     * @return a new tensor of this dtype
     */
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }

    // ------------------------------------------------------------------ linear algebra and neural-network ops

    /**
     * Matrix product with {@code torch.matmul} semantics: [.., m, k]·[.., k, n] gives [.., m, n] with the batch
     * dimensions broadcast; a 1-D first operand is treated as a row [1, k] and a 1-D second one as a column [k, 1], the
     * added dimension being removed from the result. Mixed float dtypes are promoted. Differentiable in both operands.
     *
     * @param other a floating-point tensor on the same device
     * @return a new tensor of the product shape
     * @throws IllegalArgumentException if an operand is 0-d or not floating point, the inner sizes differ, the batch
     * shapes do not broadcast or the devices differ
     */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    /**
     * Softmax along a dimension, exp(x) / Σ exp(x), computed stably, like {@code torch.softmax}. Differentiable.
     *
     * @param dim the dimension normalised to sum 1 (negative counts from the end)
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor softmax(int dim) { return NeuralOps.softmax(this, dim, false); }

    /**
     * Softmax along a dimension over the positions where {@code mask} is false; masked positions get probability 0.
     * The same result, to the bit, as {@code maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(dim)} (a row masked
     * everywhere is NaN, as there and in PyTorch), but one op: on the CPU, for float32 over the last dimension, the
     * masked copy is never written and the backward zeroes the masked gradient in the same pass. Attention uses it
     * with its causal or padding mask. Differentiable in this tensor.
     * {@snippet :
     * Tensor scores = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
     * Tensor future = Tensor.of(new boolean[] {false, true, false, false}, 2, 2);   // row 0 may not see column 1
     * Tensor p = scores.maskedSoftmax(future, -1);                                   // [[1, 0], [0.269, 0.731]]
     * }
     *
     * @param mask a bool tensor broadcastable to this tensor's shape, on the same device; true where left out
     * @param dim the dimension normalised to sum 1 (negative counts from the end)
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point, the mask is not bool or does not broadcast
     * to this shape, or the devices differ
     */
    public Tensor maskedSoftmax(Tensor mask, int dim) { return NeuralOps.maskedSoftmax(this, mask, dim); }

    /**
     * Log-softmax along a dimension, x − logsumexp(x), computed stably, like {@code torch.log_softmax}. Differentiable.
     *
     * @param dim the dimension normalised (negative counts from the end)
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtype is not floating point
     */
    public Tensor logSoftmax(int dim) { return NeuralOps.softmax(this, dim, true); }

    /**
     * Picks values along a dimension by index, like {@code torch.gather}: for a 2-D tensor and dim 1,
     * {@code out[i][j] = this[i][index[i][j]]}. Differentiable in this tensor (the gradient is scatter-added back).
     *
     * @param dim the dimension indexed (negative counts from the end)
     * @param index an int32 or int64 tensor of the same rank, no larger than this tensor off {@code dim}
     * @return a new tensor of the index's shape and this dtype
     * @throws IllegalArgumentException if the index is not an integer tensor, its rank differs, it exceeds this shape,
     * or the devices differ
     */
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /**
     * The entries at the given positions along a dimension, like {@code torch.index_select}: [V, D] with dim 0 and an
     * index of length n gives [n, D]. Differentiable in this tensor (the gradient is index-added back).
     *
     * @param dim the dimension indexed (negative counts from the end)
     * @param index a 0-D or 1-D int32 or int64 tensor of positions
     * @return a new tensor whose size along {@code dim} is the index length
     * @throws IllegalArgumentException if the index is not an integer tensor of rank 0 or 1, or the devices differ
     */
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    /**
     * A copy of this tensor with {@code src} added at the positions {@code index} gives along {@code dim}, like
     * {@code torch.scatter_add}: for 2-D and dim 1, {@code out[i][index[i][j]] += src[i][j]}. Differentiable in this
     * tensor and in {@code src}.
     *
     * @param dim the dimension indexed (negative counts from the end)
     * @param index an int32 or int64 tensor of the same rank as this tensor
     * @param src the values added, of this dtype and at least the index's size in every dimension
     * @return a new tensor of this shape and dtype
     * @throws IllegalArgumentException if the dtypes, ranks, shapes or devices do not fit
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this, dim, index, src); }

    /**
     * One-hot float32 encoding of an integer tensor, like {@code torch.nn.functional.one_hot} (which gives int64):
     * class indices of shape [N] give [N, numClasses]. Not differentiable.
     *
     * @param numClasses the number of classes, the size of the new last dimension
     * @return a new float32 tensor of shape this.shape + [numClasses]
     * @throws IllegalArgumentException if this tensor is not int32/int64 or {@code numClasses} is not positive
     * @throws IndexOutOfBoundsException if a value lies outside [0, numClasses)
     */
    public Tensor oneHot(int numClasses) { return Indexing.oneHot(this, numClasses); }

    // ------------------------------------------------------------------ printing

    /**
     * The values as text, PyTorch style: {@code tensor([[1., 2.], ...])} with nested brackets, at most 6 entries shown
     * per dimension, and the dtype named unless it is float32.
     *
     * @return the formatted tensor
     */
    @Override
    public String toString() { return TensorFormat.format(this); }
}
