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

    /** A layer from {@code in} to {@code out} features, with or without bias, initialised from gen. */
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

    /** A layer wrapping existing tensors (for surgery): weight [out, in], bias [out] or null. */
    private Linear(Tensor weight, Tensor bias) {
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
    }

    /** Linear with a bias. */
    public Linear(int in, int out, Generator gen) { this(in, out, true, gen); }

    @Override
    public Tensor forward(Tensor x) {
        return LinearAlgebra.linear(x, weight, bias); // bias fused into the GEMM
    }

    // ------------------------------------------------------------------ surgery (Expand-Route-Ablate)

    /**
     * A new layer with {@code extra} more output units appended after the existing ones: rows [0, out) of the weight
     * and bias are copied from this layer, the new rows are freshly initialised from gen (as a new Linear would be).
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

    /** A new layer keeping only output units [0, n) (copies). */
    public Linear keepOutputs(int n) {
        checkKeep("keepOutputs", n, outFeatures());
        try (var ignored = GradMode.noGrad()) {
            return new Linear(weight.narrow(0, 0, n).clone(), bias == null ? null : bias.narrow(0, 0, n).clone());
        }
    }

    /** A new layer keeping only input features [0, n) (copies). */
    public Linear keepInputs(int n) {
        checkKeep("keepInputs", n, inFeatures());
        try (var ignored = GradMode.noGrad()) {
            return new Linear(weight.narrow(1, 0, n).contiguous().clone(), bias == null ? null : bias.clone());
        }
    }

    /** Zeroes, in place, the weights and biases of output units [from, to): those units then output 0 (before any activation). */
    public void zeroOutputs(int from, int to) {
        checkRange("zeroOutputs", from, to, outFeatures());
        try (var ignored = GradMode.noGrad()) {
            weight.narrow(0, from, to - from).zero_();
            if (bias != null) bias.narrow(0, from, to - from).zero_();
        }
    }

    /** Zeroes, in place, the weight columns reading input features [from, to): those inputs are then ignored. */
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
     */
    public Tensor forwardRelu(Tensor x) {
        return LinearAlgebra.linearRelu(x, weight, bias);
    }

    /** The [out, in] weight. */
    public Tensor weight() { return weight; }

    /** The [out] bias, or null. */
    public Tensor bias() { return bias; }

    /** Input size. */
    public int inFeatures() { return weight.size(1); }

    /** Output size. */
    public int outFeatures() { return weight.size(0); }
}
