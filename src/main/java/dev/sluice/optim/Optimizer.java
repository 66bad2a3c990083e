package dev.sluice.optim;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * Base of optimizers, like {@code torch.optim.Optimizer}: holds the parameters and the learning rate. {@link #step()}
 * updates every parameter that has a gradient (others, e.g. frozen ones, are skipped), in place and without recording
 * the graph. Subclasses implement {@link #update}.
 * {@snippet :
 * Generator gen = new Generator(0);
 * Linear model = new Linear(4, 1, gen);
 * Optimizer opt = new SGD(model.parameters(), 0.1, 0.9, 0, false);
 * Tensor x = Tensor.randn(16, 4), y = Tensor.randn(16, 1);
 * for (int i = 0; i < 100; i++) {
 *     opt.zeroGrad();                                 // clear the last step's gradients
 *     Losses.mse(model.forward(x), y).backward();     // fill p.grad() for every parameter
 *     opt.step();                                     // p -= lr * update(p.grad())
 * }
 * }
 */
public abstract class Optimizer {
    /** The parameters being optimised, in the order given to the constructor (immutable). */
    protected final List<Tensor> params;
    private double lr;
    private int steps;

    /**
     * Optimises {@code params} with learning rate {@code lr}.
     *
     * @param params the tensors to update (copied into an immutable list); they should require grad
     * @param lr the initial learning rate
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
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

    /**
     * Updates one parameter in place; called by {@link #step()} under no-grad, only when the parameter has a gradient.
     *
     * @param index the parameter's position in {@link #params}, for indexing per-parameter state
     * @param param the parameter to update
     * @param grad its current gradient, of the parameter's shape
     */
    protected abstract void update(int index, Tensor param, Tensor grad);

    /** Clears all parameters' gradients. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /**
     * The current learning rate.
     *
     * @return the rate the next {@link #step()} uses
     */
    public double lr() { return lr; }

    /**
     * Sets the learning rate for the next steps (e.g. from an {@link LrSchedule}).
     *
     * @param lr the new rate, at least 0
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public void setLr(double lr) {
        this.lr = Hyperparameters.learningRate(getClass().getSimpleName() + ".setLr", lr);
    }

    /**
     * The number of {@link #step()} calls so far.
     *
     * @return the step count
     */
    public int stepCount() { return steps; }

    /**
     * The parameters being optimised.
     *
     * @return an immutable list of the parameters, in constructor order
     */
    public List<Tensor> params() { return params; }
}
