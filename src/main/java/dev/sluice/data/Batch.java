package dev.sluice.data;

import dev.sluice.tensor.Tensor;

/** One mini-batch: inputs and targets with the batch in dimension 0. */
public record Batch(Tensor inputs, Tensor targets) {
    /** Number of examples in the batch. */
    public int size() { return inputs.size(0); }
}
