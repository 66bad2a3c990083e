package dev.sluice.methods.routing;

import dev.sluice.nn.HookPoint;
import dev.sluice.nn.Module;
import dev.sluice.tensor.Tensor;

import java.util.Map;

/**
 * Installs gradient masks at a model's named hook points for one training step:
 *
 * <pre>{@code
 * try (var routed = GradientRouting.apply(model, router, labels)) {
 *     Tensor loss = Losses.mse(model.forward(x), x);
 *     loss.backward();
 * }
 * }</pre>
 *
 * Forward values are unchanged; the gradient flowing back through each hook point is multiplied by its mask.
 */
public final class GradientRouting {
    private GradientRouting() {}

    /** Installs {@code masks} (hook-point name → mask) on the model; close the scope after the step. */
    public static RouteScope apply(Module model, Map<String, Tensor> masks) {
        Map<String, HookPoint> points = model.hookPoints();
        for (String name : masks.keySet()) {
            if (!points.containsKey(name)) {
                throw new IllegalArgumentException("GradientRouting.apply: " + model.getClass().getSimpleName()
                        + " has no hook point '" + name + "' (hook points: " + points.keySet() + ")");
            }
            if (masks.get(name) == null) throw new IllegalArgumentException("GradientRouting.apply: mask for '" + name + "' is null");
        }
        RouteScope scope = new RouteScope();
        for (var e : masks.entrySet()) scope.install(points.get(e.getKey()), e.getValue());
        return scope;
    }

    /** Installs the masks that {@code router} chooses for {@code batch}. */
    public static <B> RouteScope apply(Module model, Router<B> router, B batch) {
        return apply(model, router.masks(batch));
    }
}
