package dev.sluice.data;

import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * A dataset held in memory as tensors whose first dimension indexes examples, e.g. images [N, 784] and labels [N].
 */
public record TensorDataset(Tensor inputs, Tensor targets) {
    public TensorDataset {
        if (inputs.dim() == 0 || targets.dim() == 0 || inputs.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("TensorDataset: inputs " + Arrays.toString(inputs.shape()) + " and targets "
                    + Arrays.toString(targets.shape()) + " must have the same number of examples in dimension 0");
        }
    }

    /** Number of examples. */
    public int size() { return inputs.size(0); }

    /** The first n examples (views, no copy). */
    public TensorDataset head(int n) {
        int k = Math.min(n, size());
        return new TensorDataset(inputs.narrow(0, 0, k), targets.narrow(0, 0, k));
    }
}
