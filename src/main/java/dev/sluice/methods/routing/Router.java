package dev.sluice.methods.routing;

import dev.sluice.tensor.Tensor;

import java.util.Map;

/**
 * Chooses gradient masks from a batch: maps a batch (labels, target tokens, ...) to a mask per named hook point of a
 * model. Each mask must broadcast to the tensor flowing through its hook point without enlarging it (see
 * {@link Tensor#route}). Use with {@link GradientRouting#apply(dev.sluice.nn.Module, Router, Object)}.
 *
 * @param <B> what the router reads from a batch
 */
@FunctionalInterface
public interface Router<B> {
    /**
     * Masks by hook-point name (e.g. {@code "blocks.0.mlp.hidden0"}) for this batch.
     *
     * @param batch what the router reads (labels, target tokens, ...)
     * @return a floating-point mask per hook point, on the batch's device
     */
    Map<String, Tensor> masks(B batch);
}
