package dev.sluice.nn;

import dev.sluice.ops.NeuralOps;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/** Inverted dropout with probability p while training; the identity in eval mode. */
public final class Dropout extends Module {
    private final double p;
    private final Generator gen;

    /**
     * Drops with probability p, drawing masks from gen, like {@code nn.Dropout(p)}: in training each element is zeroed
     * with probability p and the rest scaled by 1/(1−p).
     *
     * @param p the drop probability, in [0, 1]
     * @param gen the source of the masks
     * @throws IllegalArgumentException if p is outside [0, 1]
     */
    public Dropout(double p, Generator gen) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.gen = gen;
    }

    @Override
    public Tensor forward(Tensor x) { return NeuralOps.dropout(x, p, isTraining(), gen); }

    /**
     * The drop probability.
     *
     * @return p
     */
    public double p() { return p; }
}
