package dev.sluice.nn;

import dev.sluice.ops.Indexing;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/** A lookup table: integer indices of any shape → rows of the [num, dim] weight (init N(0, 1), as PyTorch). */
public final class Embedding extends Module {
    private final Tensor weight;

    /**
     * A table of {@code num} rows of size {@code dim}, like {@code nn.Embedding(num, dim)}.
     *
     * @param num the number of entries (e.g. the vocabulary size)
     * @param dim the size of each embedding
     * @param gen the source of the initial N(0, 1) values
     */
    public Embedding(int num, int dim, Generator gen) {
        weight = registerParameter("weight", Init.normal(Tensor.zeros(num, dim), 1.0, gen));
    }

    /**
     * A table holding the given tensor as its weight parameter (not copied), e.g. loaded from a checkpoint.
     *
     * @param weight the [num, dim] floating-point leaf tensor
     * @throws IllegalArgumentException if weight is not 2-D, not floating point, or not a leaf
     */
    public Embedding(Tensor weight) {
        if (weight.dim() != 2 || !weight.dtype().isFloating()) {
            throw new IllegalArgumentException("Embedding: weight must be a floating-point [num, dim] tensor, got "
                    + weight.dtype() + " " + java.util.Arrays.toString(weight.shape()));
        }
        this.weight = registerParameter("weight", weight);
    }

    /** indices (int32/int64, shape S) → embeddings of shape S + [dim]. */
    @Override
    public Tensor forward(Tensor indices) { return Indexing.embedding(weight, indices); }

    /**
     * The embedding table.
     *
     * @return the [num, dim] weight parameter
     */
    public Tensor weight() { return weight; }
}
