/**
 * Gradient routing (Cloud et al., 2024): data-dependent, real-valued masks on gradients during backprop, so chosen
 * data updates only a chosen region of a network, and the surgery for Expand-Route-Ablate.
 *
 * <p>The pieces: the engine op {@link dev.sluice.tensor.Tensor#route} (value unchanged, gradient times a mask);
 * {@link dev.sluice.methods.routing.Router}s that turn a batch into masks (by label, or by target token with the
 * paper's frequency-ratio weights); {@link dev.sluice.methods.routing.GradientRouting#apply} which installs masks at
 * named {@link dev.sluice.nn.HookPoint}s for one step; and {@link dev.sluice.methods.routing.ParameterRouting} for
 * per-parameter gradient multipliers per data partition.
 */
package dev.sluice.methods.routing;
