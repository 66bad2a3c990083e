/**
 * The functional layer, after PyTorch's {@code torch.nn.functional}: {@link dev.sluice.nn.functional.F} holds
 * stateless forms of the layers (linear, embedding, layer norm over any number of trailing dimensions, dropout),
 * the activations and the losses, each loss taking a {@link dev.sluice.nn.functional.Reduction}
 * ({@code MEAN | SUM | NONE}). The modules of {@code dev.sluice.nn} are built on the same ops.
 */
package dev.sluice.nn.functional;
