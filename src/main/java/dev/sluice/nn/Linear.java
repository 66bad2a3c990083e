package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Generator;
import dev.sluice.ops.LinearAlgebra;
import dev.sluice.tensor.Tensor;

/**
 * y = x·Wᵀ + b over the last dimension. Weight [out, in], bias [out]. Initialised as PyTorch's {@code nn.Linear}:
 * kaiming-uniform with a = √5 for the weight and U(±1/√in) for the bias — both amount to U(±1/√in).
 * State-dict keys: {@code weight}, {@code bias}.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer from {@code in} to {@code out} features, with or without bias, like {@code nn.Linear(in, out, bias)}.
     *
     * @param in the number of input features
     * @param out the number of output features
     * @param bias whether to add a learned bias
     * @param gen the source of the initial weights
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out, boolean bias, Generator gen) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        this.weight = registerParameter("weight", Init.kaimingUniform(Tensor.zeros(out, in), Math.sqrt(5), gen));
        if (bias) {
            double bound = 1 / Math.sqrt(in);
            this.bias = registerParameter("bias", Init.uniform(Tensor.zeros(out), -bound, bound, gen));
        } else {
            this.bias = null;
        }
    }

    /**
     * A layer holding the given tensors as its parameters (not copied), e.g. loaded from a checkpoint.
     *
     * @param weight the [out, in] floating-point leaf tensor
     * @param bias the [out] leaf tensor of the same dtype, or null for a layer without bias
     * @throws IllegalArgumentException if the shapes do not fit, a tensor is not floating point or not a leaf
     */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.dim() != 2 || !weight.dtype().isFloating()
                || bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0) || bias.dtype() != weight.dtype())) {
            throw new IllegalArgumentException("Linear: expected a floating-point weight [out, in] and a bias [out] of its dtype or null, got "
                    + weight.dtype() + " " + java.util.Arrays.toString(weight.shape()) + " and "
                    + (bias == null ? "null" : bias.dtype() + " " + java.util.Arrays.toString(bias.shape())));
        }
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
    }

    /**
     * A layer from {@code in} to {@code out} features with a bias.
     *
     * @param in the number of input features
     * @param out the number of output features
     * @param gen the source of the initial weights
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out, Generator gen) { this(in, out, true, gen); }

    /**
     * Computes x·Wᵀ + b, the bias fused into the matrix product.
     *
     * @param x the input [..., in], on the layer's device and of its dtype
     * @return the output [..., out]
     * @throws IllegalArgumentException if the last dimension of x is not {@link #inFeatures()}
     */
    @Override
    public Tensor forward(Tensor x) {
        return LinearAlgebra.linear(x, weight, bias); // bias fused into the GEMM
    }

    // ------------------------------------------------------------------ surgery (Expand-Route-Ablate)

    /**
     * A new layer with {@code extra} more output units appended after the existing ones: rows [0, out) of the weight
     * and bias are copied from this layer, the new rows are freshly initialised from gen (as a new Linear would be).
     * The new layer lives on this layer's device.
     *
     * @param extra the number of output units to add, at least 0
     * @param gen the source of the new rows' initial values
     * @return a new [out + extra, in] layer
     * @throws IllegalArgumentException if {@code extra} is negative
     */
    public Linear withExtraOutputs(int extra, Generator gen) {
        requireNonNegative("withExtraOutputs", extra);
        Linear wider = new Linear(inFeatures(), outFeatures() + extra, bias != null, gen).to(weight.device());
        try (var ignored = GradMode.noGrad()) {
            wider.weight.narrow(0, 0, outFeatures()).copy_(weight);
            if (bias != null) wider.bias.narrow(0, 0, outFeatures()).copy_(bias);
        }
        return wider;
    }

    /**
     * A new layer reading {@code extra} more input features appended after the existing ones: columns [0, in) are
     * copied, the new columns are freshly initialised from gen; the bias is copied.
     *
     * @param extra the number of input features to add, at least 0
     * @param gen the source of the new columns' initial values
     * @return a new [out, in + extra] layer
     * @throws IllegalArgumentException if {@code extra} is negative
     */
    public Linear withExtraInputs(int extra, Generator gen) {
        requireNonNegative("withExtraInputs", extra);
        Linear wider = new Linear(inFeatures() + extra, outFeatures(), bias != null, gen).to(weight.device());
        try (var ignored = GradMode.noGrad()) {
            wider.weight.narrow(1, 0, inFeatures()).copy_(weight);
            if (bias != null) wider.bias.copy_(bias);
        }
        return wider;
    }

    /**
     * A new layer keeping only output units [0, n) (copies).
     *
     * @param n the number of output units kept, in [1, out]
     * @return a new [n, in] layer
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Linear keepOutputs(int n) {
        checkKeep("keepOutputs", n, outFeatures());
        try (var ignored = GradMode.noGrad()) {
            return new Linear(weight.narrow(0, 0, n).clone(), bias == null ? null : bias.narrow(0, 0, n).clone());
        }
    }

    /**
     * A new layer keeping only input features [0, n) (copies).
     *
     * @param n the number of input features kept, in [1, in]
     * @return a new [out, n] layer
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Linear keepInputs(int n) {
        checkKeep("keepInputs", n, inFeatures());
        try (var ignored = GradMode.noGrad()) {
            return new Linear(weight.narrow(1, 0, n).contiguous().clone(), bias == null ? null : bias.clone());
        }
    }

    /**
     * Zeroes, in place, the weights and biases of output units [from, to): those units then output 0 (before any
     * activation).
     *
     * @param from the first unit zeroed
     * @param to the end of the range (exclusive)
     * @throws IllegalArgumentException if the range is not inside [0, out)
     */
    public void zeroOutputs(int from, int to) {
        checkRange("zeroOutputs", from, to, outFeatures());
        try (var ignored = GradMode.noGrad()) {
            weight.narrow(0, from, to - from).zero_();
            if (bias != null) bias.narrow(0, from, to - from).zero_();
        }
    }

    /**
     * Zeroes, in place, the weight columns reading input features [from, to): those inputs are then ignored.
     *
     * @param from the first feature zeroed
     * @param to the end of the range (exclusive)
     * @throws IllegalArgumentException if the range is not inside [0, in)
     */
    public void zeroInputs(int from, int to) {
        checkRange("zeroInputs", from, to, inFeatures());
        try (var ignored = GradMode.noGrad()) {
            weight.narrow(1, from, to - from).zero_();
        }
    }

    private static void requireNonNegative(String op, int extra) {
        if (extra < 0) throw new IllegalArgumentException("Linear." + op + ": extra units must be >= 0, got " + extra);
    }

    private static void checkKeep(String op, int n, int size) {
        if (n <= 0 || n > size) throw new IllegalArgumentException("Linear." + op + ": n must be in [1, " + size + "], got " + n);
    }

    private static void checkRange(String op, int from, int to, int size) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("Linear." + op + ": range [" + from + ", " + to + ") is not inside [0, " + size + ")");
        }
    }

    /**
     * {@code forward(x).relu()} with the same bits, in one op: the ReLU is applied by the GEMM to each output tile
     * before it is stored ({@link LinearAlgebra#linearRelu}), saving a pass over the output and a tensor.
     *
     * @param x the input [..., in]
     * @return relu(x·Wᵀ + b), [..., out]
     */
    public Tensor forwardRelu(Tensor x) {
        return LinearAlgebra.linearRelu(x, weight, bias);
    }

    /**
     * The weight parameter.
     *
     * @return the [out, in] weight
     */
    public Tensor weight() { return weight; }

    /**
     * The bias parameter.
     *
     * @return the [out] bias, or null for a layer without one
     */
    public Tensor bias() { return bias; }

    /**
     * The input size.
     *
     * @return in, the weight's second dimension
     */
    public int inFeatures() { return weight.size(1); }

    /**
     * The output size.
     *
     * @return out, the weight's first dimension
     */
    public int outFeatures() { return weight.size(0); }
}
