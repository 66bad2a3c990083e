package dev.sluice.nn;

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

    /** Linear with a bias. */
    public Linear(int in, int out, Generator gen) { this(in, out, true, gen); }

    @Override
    public Tensor forward(Tensor x) {
        return LinearAlgebra.linear(x, weight, bias); // bias fused into the GEMM
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
