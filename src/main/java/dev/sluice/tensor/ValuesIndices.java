package dev.sluice.tensor;

/**
 * The result of {@link Tensor#max(int, boolean)} and {@link Tensor#min(int, boolean)}, like PyTorch's
 * {@code torch.return_types.max}.
 *
 * @param values the extreme values, with the input's dtype (differentiable)
 * @param indices their int64 positions along the reduced dimension (first occurrence on ties)
 */
public record ValuesIndices(Tensor values, Tensor indices) {}
