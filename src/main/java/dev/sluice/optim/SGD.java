package dev.sluice.optim;

import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} (dampening 0): g = grad + wd·p; with momentum μ the buffer
 * is b = g on the first step, then b = μ·b + g; the step uses g + μ·b (Nesterov) or b; p −= lr·step.
 */
public final class SGD extends Optimizer {
    private final double momentum, weightDecay;
    private final boolean nesterov;
    private final Tensor[] buffers;

    /**
     * SGD with momentum, L2 weight decay (added to the gradient) and optional Nesterov momentum, as
     * {@code torch.optim.SGD(params, lr, momentum, weight_decay=, nesterov=)}.
     *
     * @param params the tensors to optimise
     * @param lr the learning rate
     * @param momentum the momentum factor μ (0 for none)
     * @param weightDecay the L2 coefficient wd added to the gradient as wd·p (0 for none)
     * @param nesterov use Nesterov momentum
     * @throws IllegalArgumentException if {@code nesterov} is set without positive momentum, or {@code lr} is negative
     */
    public SGD(List<Tensor> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        super(params, lr);
        this.momentum = Hyperparameters.nonNegative("SGD", "momentum", momentum);
        this.weightDecay = Hyperparameters.nonNegative("SGD", "weight_decay", weightDecay);
        // dampening is always 0 here, so PyTorch's other Nesterov condition holds
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0, got " + momentum);
        }
        this.nesterov = nesterov;
        this.buffers = new Tensor[this.params.size()];
    }

    /**
     * Plain SGD, p −= lr·grad.
     *
     * @param params the tensors to optimise
     * @param lr the learning rate
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public SGD(List<Tensor> params, double lr) { this(params, lr, 0, 0, false); }

    @Override
    protected void update(int i, Tensor p, Tensor grad) {
        Tensor g = weightDecay != 0 ? grad.add(p.mul(weightDecay)) : grad;
        if (momentum != 0) {
            if (buffers[i] == null) buffers[i] = g.clone();
            else buffers[i].mul_(momentum).add_(g);
            g = nesterov ? g.add(buffers[i].mul(momentum)) : buffers[i];
        }
        p.sub_(g.mul(lr()));
    }
}
