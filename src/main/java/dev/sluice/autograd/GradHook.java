package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

/**
 * A gradient hook: sees the gradient flowing into a tensor during backward and returns either {@code null} (keep it)
 * or a replacement of the same shape. Hooks must not modify their argument in place (it may be shared).
 */
@FunctionalInterface
public interface GradHook {
    /**
     * Inspects, or replaces, the gradient flowing into a tensor.
     *
     * @param grad the gradient, of the hooked tensor's shape (do not modify it in place)
     * @return a replacement of the same shape, or null to keep {@code grad}
     */
    Tensor apply(Tensor grad);
}
