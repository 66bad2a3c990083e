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
    Tensor[] apply(Tensor gradOutput, Tensor[] saved);
}
