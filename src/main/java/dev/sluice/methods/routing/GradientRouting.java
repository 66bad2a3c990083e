package dev.sluice.methods.routing;

import dev.sluice.nn.HookPoint;
import dev.sluice.nn.Module;
import dev.sluice.tensor.Tensor;

import java.util.Map;

/**
 * Installs gradient masks at a model's named hook points for one training step. Forward values are unchanged; the
 * gradient flowing back through each hook point is multiplied by its mask (see {@link dev.sluice.tensor.Tensor#route}).
 * Here an autoencoder's 32-unit latent is split so that digits 0–4 train only its first half and 5–9 only its second
 * (the paper's partitioned autoencoder):
 * {@snippet :
 * Generator gen = new Generator(0);
 * MLP model = new MLP(new int[] {784, 32, 784}, Activation.RELU, gen);   // hook point "hidden0": the latent [N, 32]
 * LabelRouter router = LabelRouter.builder(10, 32)
 *         .route(new int[] {0, 1, 2, 3, 4}, Masks.only(32, 0, 16))
 *         .route(new int[] {5, 6, 7, 8, 9}, Masks.only(32, 16, 32))
 *         .at("hidden0")
 *         .build();
 * Optimizer opt = new AdamW(model.parameters(), 1e-3);
 *
 * Tensor x = Tensor.rand(64, 784);              // a batch of images
 * Tensor labels = Tensor.randint(0, 10, 64);    // their int64 labels
 * opt.zeroGrad();
 * try (var routed = GradientRouting.apply(model, router, labels)) {
 *     Tensor loss = Losses.mse(model.forward(x), x);
 *     loss.backward();
 * }
 * opt.step();
 * }
 */
public final class GradientRouting {
    private GradientRouting() {}

    /**
     * Installs {@code masks} on the model's hook points; close the scope after the forward passes of the step (backward
     * may run inside or after it).
     *
     * @param model the model whose {@link Module#hookPoints()} receive the masks
     * @param masks mask by hook-point name; each must broadcast to the tensor flowing through that point without
     * enlarging it, and be floating point
     * @return a scope whose {@code close()} restores the previous hooks
     * @throws IllegalArgumentException if a name is not a hook point of the model or a mask is null
     */
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

    /**
     * Installs the masks that {@code router} chooses for {@code batch}.
     *
     * @param <B> what the router reads from a batch
     * @param model the model whose hook points receive the masks
     * @param router maps the batch to masks by hook-point name
     * @param batch the batch about to be trained on (e.g. its labels)
     * @return a scope whose {@code close()} restores the previous hooks
     * @throws IllegalArgumentException if the router names an unknown hook point or gives a null mask
     */
    public static <B> RouteScope apply(Module model, Router<B> router, B batch) {
        return apply(model, router.masks(batch));
    }
}
