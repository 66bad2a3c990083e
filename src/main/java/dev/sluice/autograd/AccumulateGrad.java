package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

/**
 * The sink of a leaf that requires grad. Accumulation rule (as PyTorch): the first backward stores a fresh copy of the
 * incoming gradient in {@code leaf.grad()}; later backwards add into that tensor in place, until {@code zeroGrad()}
 * (or {@code setGrad(null)}) clears it. Hooks registered on the leaf see the total gradient of one backward pass
 * before it is accumulated.
 */
final class AccumulateGrad extends Node {
    private final Tensor leaf;

    AccumulateGrad(Tensor leaf) {
        super("accumulate_grad", new Node[0], new int[][] {leaf.shape()});
        this.leaf = leaf;
    }

    /** The leaf whose gradient this node accumulates. */
    Tensor leaf() { return leaf; }

    @Override
    Tensor[] apply(Tensor gradOutput) {
        try (var ignored = GradMode.noGrad()) {
            Tensor current = leaf.grad();
            if (current == null) {
                Tensor fresh = gradOutput.dtype() == leaf.dtype() ? gradOutput.clone() : gradOutput.to(leaf.dtype());
                leaf.setGrad(fresh);
            } else {
                current.add_(gradOutput);
            }
        }
        return new Tensor[0];
    }

    /**
     * Stores {@code gradOutput} itself (no copy) as the leaf's first gradient, when the leaf has none yet and the dtypes
     * match; returns false (and does nothing) otherwise. Only for a gradient no one else can reach: from now on the
     * leaf owns it.
     */
    boolean adopt(Tensor gradOutput) {
        if (leaf.grad() != null || gradOutput.dtype() != leaf.dtype()) return false;
        leaf.setGrad(gradOutput);
        return true;
    }

    /** Adds gradients into the leaf's grad and keeps none of them. */
    @Override
    boolean keepsNoGradients() { return true; }

}
