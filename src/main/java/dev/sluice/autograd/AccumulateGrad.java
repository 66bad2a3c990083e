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

}
