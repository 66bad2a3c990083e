package dev.sluice.optim;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * Base of optimizers: holds the parameters and the learning rate. {@link #step()} updates every parameter that has a
 * gradient (others, e.g. frozen ones, are skipped), in place and without recording the graph.
 */
public abstract class Optimizer {
    protected final List<Tensor> params;
    private double lr;
    private int steps;

    /** Optimises params (copied into an immutable list) with learning rate lr. */
    protected Optimizer(List<Tensor> params, double lr) {
        this.lr = Hyperparameters.learningRate(getClass().getSimpleName(), lr);
        this.params = List.copyOf(params);
    }

    /** One update from the current gradients. */
    public final void step() {
        steps++;
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() != null) update(i, p, p.grad());
            }
        }
    }

    /** Updates parameter i in place (called under no-grad, only when it has a gradient). */
    protected abstract void update(int index, Tensor param, Tensor grad);

    /** Clears all parameters' gradients. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** The current learning rate. */
    public double lr() { return lr; }

    /** Sets the learning rate for the next steps (e.g. from an {@link LrSchedule}). */
    public void setLr(double lr) {
        this.lr = Hyperparameters.learningRate(getClass().getSimpleName() + ".setLr", lr);
    }

    /** Number of {@link #step()} calls so far. */
    public int stepCount() { return steps; }

    /** The parameters being optimised. */
    public List<Tensor> params() { return params; }
}
