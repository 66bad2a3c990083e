package dev.sluice.data;

import dev.sluice.tensor.Tensor;

/**
 * One mini-batch, as {@link DataLoader} yields it: inputs and targets with the batch in dimension 0.
 *
 * @param inputs the examples, e.g. images [B, 784] (B is the batch size, smaller for a last partial batch)
 * @param targets the matching targets, e.g. int64 class labels [B]
 */
public record Batch(Tensor inputs, Tensor targets) {
    /**
     * The number of examples in the batch.
     *
     * @return the size of dimension 0 of {@link #inputs()}
     */
    public int size() { return inputs.size(0); }
}
