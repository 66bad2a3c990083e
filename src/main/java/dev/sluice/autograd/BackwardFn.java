package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

/**
 * The gradient rule of one op: given the gradient of the op's output and the tensors it saved in forward, returns the
 * gradient for each input (null where an input needs none). Runs with grad mode off. Rules must reach saved tensors
 * only through {@code saved} (so that in-place changes after saving are detected) and may capture plain values
 * (shapes, scalars) freely.
 */
@FunctionalInterface
public interface BackwardFn {
    /**
     * Computes the input gradients of one op.
     *
     * @param gradOutput the gradient of the loss with respect to the op's output, of the output's shape
     * @param saved the tensors the op passed as {@code saved} to {@link Graph#record}, in the same order
     * @return one gradient per input, each of that input's shape (null for an input that needs none)
     */
    Tensor[] apply(Tensor gradOutput, Tensor[] saved);
}
