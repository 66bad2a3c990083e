package dev.sluice.nn;

import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * A multi-layer perceptron: Linear layers of sizes {@code sizes[0] → sizes[1] → ...} with the activation between
 * them and none after the last. Names (stable state-dict keys): layer i is {@code fc<i>} (so {@code fc0.weight},
 * {@code fc0.bias}, ...); the hidden activation after layer i passes through hook point {@code hidden<i>}.
 */
public final class MLP extends Module {
    private final Linear[] layers;
    private final HookPoint[] hidden;
    private final Activation activation;

    /** Layers sizes[0] → sizes[1] → ... → sizes[n−1]; Linear layers use PyTorch's default init. */
    public MLP(int[] sizes, Activation activation, Generator gen) {
        if (sizes.length < 2) throw new IllegalArgumentException("MLP: needs at least an input and an output size, got " + sizes.length);
        this.activation = activation;
        layers = new Linear[sizes.length - 1];
        hidden = new HookPoint[sizes.length - 2];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = register("fc" + i, new Linear(sizes[i], sizes[i + 1], true, gen));
            if (i < hidden.length) hidden[i] = register("hidden" + i, new HookPoint());
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.length; i++) {
            if (i == hidden.length) x = layers[i].forward(x);
            // ReLU is fused into the layer's GEMM (same bits, one pass less); other activations run after it
            else if (activation == Activation.RELU) x = hidden[i].forward(layers[i].forwardRelu(x));
            else x = hidden[i].forward(activation.apply(layers[i].forward(x)));
        }
        return x;
    }

    /** The i-th Linear layer. */
    public Linear layer(int i) { return layers[i]; }

    /** Number of Linear layers. */
    public int depth() { return layers.length; }
}
