package dev.sluice.optim;

import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * AdamW as {@code torch.optim.AdamW}: Adam plus decoupled weight decay, p −= lr·wd·p, applied to every parameter given
 * (pass only the ones to decay, e.g. weights but not biases or norms, if that is wanted). The update runs as one fused
 * kernel per parameter.
 * {@snippet :
 * Generator gen = new Generator(0);
 * Module model = new Sequential(new Linear(784, 256, gen), new ActivationLayer(Activation.RELU), new Linear(256, 10, gen));
 * Optimizer opt = new AdamW(model.parameters(), 1e-3);
 * LrSchedule schedule = LrSchedule.warmupCosine(100, 1000, 1e-3, 1e-5);
 * for (int step = 0; step < 1000; step++) {
 *     Tensor x = Tensor.randn(32, 784);
 *     Tensor y = Tensor.randint(0, 10, 32);
 *     opt.setLr(schedule.lr(step));
 *     opt.zeroGrad();
 *     Losses.crossEntropy(model.forward(x), y).backward();
 *     GradClip.clipGradNorm(model.parameters(), 1.0);
 *     opt.step();
 * }
 * }
 */
public final class AdamW extends Adam {
    /**
     * AdamW with the given coefficients.
     *
     * @param params the tensors to optimise; each must be contiguous
     * @param lr the learning rate
     * @param beta1 the decay of the first-moment estimate, in [0, 1)
     * @param beta2 the decay of the second-moment estimate, in [0, 1)
     * @param eps added to the denominator for numerical stability
     * @param weightDecay the decoupled decay coefficient wd (0 gives plain Adam)
     * @throws IllegalArgumentException if a beta is outside [0, 1), lr is negative or a parameter is not contiguous
     */
    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay);
    }

    /**
     * AdamW with PyTorch's defaults: β1 0.9, β2 0.999, eps 1e-8, weight decay 0.01.
     *
     * @param params the tensors to optimise; each must be contiguous
     * @param lr the learning rate
     * @throws IllegalArgumentException if lr is negative or a parameter is not contiguous
     */
    public AdamW(List<Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0.01); }
}
