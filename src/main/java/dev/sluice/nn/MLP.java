package dev.sluice.nn;

import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * A multi-layer perceptron: Linear layers of sizes {@code sizes[0] → sizes[1] → ...} with the activation between
 * them and none after the last. Names (stable state-dict keys): layer i is {@code fc<i>} (so {@code fc0.weight},
 * {@code fc0.bias}, ...); the hidden activation after layer i passes through hook point {@code hidden<i>}, the
 * output through hook point {@code out}. Hidden layers can be widened, ablated and narrowed in place for
 * Expand-Route-Ablate ({@link #expandHidden}, {@link #ablateHidden}, {@link #keepHidden}).
 */
public final class MLP extends Module {
    private final Linear[] layers;
    private final HookPoint[] hidden;
    private final HookPoint out;
    private final Activation activation;

    /**
     * Layers sizes[0] → sizes[1] → ... → sizes[n−1]; Linear layers use PyTorch's default init.
     *
     * @param sizes the input size, the hidden widths, then the output size (at least two entries)
     * @param activation the activation applied after every layer but the last
     * @param gen the source of the initial weights
     * @throws IllegalArgumentException if fewer than two sizes are given
     */
    public MLP(int[] sizes, Activation activation, Generator gen) {
        if (sizes.length < 2) throw new IllegalArgumentException("MLP: needs at least an input and an output size, got " + sizes.length);
        this.activation = activation;
        layers = new Linear[sizes.length - 1];
        hidden = new HookPoint[sizes.length - 2];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = register("fc" + i, new Linear(sizes[i], sizes[i + 1], true, gen));
            if (i < hidden.length) hidden[i] = register("hidden" + i, new HookPoint());
        }
        out = register("out", new HookPoint());
    }

    /**
     * Runs the layers with the activation between them.
     *
     * @param x the input [..., sizes[0]]
     * @return the output [..., sizes[n−1]], without activation
     */
    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.length; i++) {
            if (i == hidden.length) x = layers[i].forward(x);
            // ReLU is fused into the layer's GEMM (same bits, one pass less); other activations run after it
            else if (activation == Activation.RELU) x = hidden[i].forward(layers[i].forwardRelu(x));
            else x = hidden[i].forward(activation.apply(layers[i].forward(x)));
        }
        return out.forward(x);
    }

    /**
     * Widens hidden layer {@code i} (the output of {@code fc<i>}) by {@code k} units appended after the existing ones:
     * {@code fc<i>} gains k output rows and {@code fc<i+1>} k input columns, freshly initialised from gen; existing
     * weights are kept, so before any training the function is unchanged only if the new columns are zeroed — call
     * {@code ablateHidden(i, oldWidth, oldWidth + k)} for that. Parameters are replaced by new tensors: build the
     * optimizer after surgery.
     *
     * @param i the hidden layer, in [0, depth() − 1)
     * @param k the number of units to add
     * @param gen the source of the new weights
     * @throws IndexOutOfBoundsException if there is no hidden layer {@code i}
     */
    public void expandHidden(int i, int k, Generator gen) {
        checkHidden("expandHidden", i);
        layers[i] = replace("fc" + i, layers[i].withExtraOutputs(k, gen));
        layers[i + 1] = replace("fc" + (i + 1), layers[i + 1].withExtraInputs(k, gen));
    }

    /**
     * Ablates hidden units [from, to) of hidden layer i in place: their weights in and out (and biases) become 0.
     *
     * @param i the hidden layer
     * @param from the first unit ablated
     * @param to the end of the range (exclusive)
     * @throws IndexOutOfBoundsException if there is no hidden layer {@code i}
     * @throws IllegalArgumentException if the range is not inside the layer
     */
    public void ablateHidden(int i, int from, int to) {
        checkHidden("ablateHidden", i);
        layers[i].zeroOutputs(from, to);
        layers[i + 1].zeroInputs(from, to);
    }

    /**
     * Narrows hidden layer i to its first n units (slicing the others away; new parameter tensors).
     *
     * @param i the hidden layer
     * @param n the number of units kept
     * @throws IndexOutOfBoundsException if there is no hidden layer {@code i}
     * @throws IllegalArgumentException if {@code n} is not in [1, width]
     */
    public void keepHidden(int i, int n) {
        checkHidden("keepHidden", i);
        layers[i] = replace("fc" + i, layers[i].keepOutputs(n));
        layers[i + 1] = replace("fc" + (i + 1), layers[i + 1].keepInputs(n));
    }

    /**
     * The width of hidden layer i.
     *
     * @param i the hidden layer
     * @return its number of units
     * @throws IndexOutOfBoundsException if there is no hidden layer {@code i}
     */
    public int hiddenWidth(int i) {
        checkHidden("hiddenWidth", i);
        return layers[i].outFeatures();
    }

    private void checkHidden(String op, int i) {
        if (i < 0 || i >= hidden.length) {
            throw new IndexOutOfBoundsException("MLP." + op + ": hidden layer " + i + " does not exist (this MLP has "
                    + hidden.length + " hidden layers)");
        }
    }

    /**
     * The i-th Linear layer ({@code fc<i>}).
     *
     * @param i the layer index, in [0, depth())
     * @return the layer
     */
    public Linear layer(int i) { return layers[i]; }

    /**
     * The number of Linear layers.
     *
     * @return {@code sizes.length − 1}
     */
    public int depth() { return layers.length; }
}
