package dev.sluice.optim;

import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * AdamW as {@code torch.optim.AdamW}: Adam plus decoupled weight decay, p −= lr·wd·p, applied to every parameter
 * given (pass only the ones to decay, e.g. weights but not biases or norms, if that is wanted).
 */
public final class AdamW extends Adam {
    /** AdamW with the given coefficients and decoupled weight decay. */
    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay);
    }

    /** Defaults as PyTorch: β1 0.9, β2 0.999, eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0.01); }
}
