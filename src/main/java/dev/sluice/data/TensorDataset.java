package dev.sluice.data;

import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * A dataset held in memory as tensors whose first dimension indexes examples, e.g. images [N, 784] and labels [N], like
 * {@code torch.utils.data.TensorDataset}.
 *
 * @param inputs the examples, at least 1-D, with N in dimension 0
 * @param targets the targets, at least 1-D, with the same N in dimension 0
 */
public record TensorDataset(Tensor inputs, Tensor targets) {
    /**
     * Checks that inputs and targets hold the same number of examples.
     *
     * @throws IllegalArgumentException if either is 0-d or their sizes in dimension 0 differ
     */
    public TensorDataset {
        if (inputs.dim() == 0 || targets.dim() == 0 || inputs.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("TensorDataset: inputs " + Arrays.toString(inputs.shape()) + " and targets "
                    + Arrays.toString(targets.shape()) + " must have the same number of examples in dimension 0");
        }
    }

    /**
     * The number of examples.
     *
     * @return N, the size of dimension 0
     */
    public int size() { return inputs.size(0); }

    /**
     * The first n examples (views, no copy), e.g. to train on a subset.
     *
     * @param n how many examples to keep; more than {@link #size()} keeps all
     * @return a dataset over the first min(n, size()) examples
     */
    public TensorDataset head(int n) {
        int k = Math.min(n, size());
        return new TensorDataset(inputs.narrow(0, 0, k), targets.narrow(0, 0, k));
    }
}
