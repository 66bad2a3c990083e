package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

/**
 * The rule of a view op whose output is one region of its input (narrow, slice, select, the parts of chunk and split):
 * the input's gradient is zero outside that region and the output's gradient inside it. {@link #apply} builds exactly
 * that tensor; when the engine reuses gradient memory it instead adds the output's gradient into the region of the
 * input's pending gradient ({@link #regionOf}), so the three parts of a split projection (attention's q, k, v) cost
 * three region-sized additions, not three zero-filled input-sized tensors and two input-sized sums.
 */
public interface RegionGradient extends BackwardFn {
    /**
     * The view of a gradient of the input's shape where this op's output lies.
     *
     * @param inputGradient a tensor of the input's shape
     * @return the region of it that corresponds to the op's output (a view, of the output's shape)
     */
    Tensor regionOf(Tensor inputGradient);
}
