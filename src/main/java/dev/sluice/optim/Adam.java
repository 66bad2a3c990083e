package dev.sluice.optim;

import dev.sluice.backend.Backends;
import dev.sluice.backend.View;
import dev.sluice.internal.Internals;
import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * Adam as {@code torch.optim.Adam} (by default without weight decay; {@link #withL2} adds torch's coupled L2 term): m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
 * p −= lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps). Runs the backend's fused AdamW kernel (one pass per parameter).
 */
public class Adam extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private double l2;
    private final Tensor[] m, v;
    private final int[] t;

    /**
     * Adam with the given coefficients and no weight decay.
     *
     * @param params the tensors to optimise; each must be contiguous (the fused kernel updates it in place)
     * @param lr the learning rate
     * @param beta1 the decay of the first-moment (mean) estimate, in [0, 1)
     * @param beta2 the decay of the second-moment estimate, in [0, 1)
     * @param eps added to the denominator for numerical stability
     * @throws IllegalArgumentException if a beta is outside [0, 1), lr is negative or a parameter is not contiguous
     */
    public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps) {
        this(params, lr, beta1, beta2, eps, 0);
    }

    /**
     * Adam with PyTorch's defaults: β1 0.9, β2 0.999, eps 1e-8.
     *
     * @param params the tensors to optimise; each must be contiguous
     * @param lr the learning rate
     * @throws IllegalArgumentException if lr is negative or a parameter is not contiguous
     */
    public Adam(List<Tensor> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8); }

    /**
     * Adam with an L2 penalty added to the gradient, {@code g + l2·p}, as {@code torch.optim.Adam(weight_decay=l2)}
     * (unlike AdamW's decoupled decay, the penalty goes through the adaptive scaling).
     *
     * @param params the tensors to optimise; each must be contiguous
     * @param lr the learning rate
     * @param l2 the L2 coefficient, at least 0
     * @return an Adam optimizer with the default betas and eps
     * @throws IllegalArgumentException if {@code l2} is negative or NaN, lr is negative or a parameter is not
     * contiguous
     */
    public static Adam withL2(List<Tensor> params, double lr, double l2) {
        Hyperparameters.nonNegative("Adam", "weight_decay", l2);
        Adam a = new Adam(params, lr);
        a.l2 = l2;
        return a;
    }

    /** Shared with AdamW: weightDecay is decoupled (p −= lr·wd·p), not added to the gradient. */
    Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr);
        String owner = getClass().getSimpleName();
        this.beta1 = Hyperparameters.beta(owner, 0, beta1);
        this.beta2 = Hyperparameters.beta(owner, 1, beta2);
        this.eps = Hyperparameters.nonNegative(owner, "epsilon", eps);
        this.weightDecay = Hyperparameters.nonNegative(owner, "weight_decay", weightDecay);
        this.m = new Tensor[this.params.size()];
        this.v = new Tensor[this.params.size()];
        this.t = new int[this.params.size()];
        for (Tensor p : this.params) {
            if (!p.isContiguous()) throw new IllegalArgumentException("Adam: parameters must be contiguous (the fused kernel updates them in place)");
        }
    }

    /**
     * One parameter's optimizer state, as {@code torch.optim.Adam}'s {@code state_dict()["state"][i]}: the moment
     * estimates and the number of updates the parameter has had (which sets the bias correction).
     *
     * @param expAvg the first-moment (mean) estimate m, of the parameter's shape, or null before the first update
     * @param expAvgSq the second-moment estimate v, of the parameter's shape, or null before the first update
     * @param step the number of updates so far, at least 0; 0 exactly when the moments are null
     */
    public record ParamState(Tensor expAvg, Tensor expAvgSq, int step) {
        /**
         * Checks that the moments are both present (step &gt; 0) or both absent (step 0).
         *
         * @throws IllegalArgumentException otherwise, or if step is negative
         */
        public ParamState {
            if (step < 0 || (expAvg == null) != (expAvgSq == null) || (expAvg == null) != (step == 0)) {
                throw new IllegalArgumentException("Adam.ParamState: need both moments with step > 0, or neither with step 0;"
                        + " got step " + step + (expAvg == null ? " without" : " with") + " exp_avg, "
                        + (expAvgSq == null ? "without" : "with") + " exp_avg_sq");
            }
        }
    }

    /**
     * The state of one parameter, for saving a checkpoint. The tensors are the optimizer's own, which later
     * {@link #step()} calls update in place: write or copy them before stepping again.
     *
     * @param index the parameter's position in {@link #params()}
     * @return its moments and update count (null moments and step 0 before its first update)
     * @throws IndexOutOfBoundsException if index is not a parameter's position
     */
    public ParamState state(int index) {
        java.util.Objects.checkIndex(index, params.size());
        return new ParamState(m[index], v[index], t[index]);
    }

    /**
     * Restores the state of one parameter (from {@link #state(int)} of an optimizer over the same parameters, saved and
     * read back), so that the next {@link #step()} continues as the saved optimizer would have. The moments are copied.
     *
     * @param index the parameter's position in {@link #params()}
     * @param state the moments and update count to continue from
     * @throws IndexOutOfBoundsException if index is not a parameter's position
     * @throws IllegalArgumentException if a moment's shape differs from the parameter's
     */
    public void loadState(int index, ParamState state) {
        java.util.Objects.checkIndex(index, params.size());
        Tensor p = params.get(index);
        if (state.step() == 0) {
            m[index] = null;
            v[index] = null;
            t[index] = 0;
            return;
        }
        for (Tensor s : new Tensor[] {state.expAvg(), state.expAvgSq()}) {
            if (!java.util.Arrays.equals(s.shape(), p.shape())) {
                throw new IllegalArgumentException("Adam.loadState: parameter " + index + " has shape "
                        + java.util.Arrays.toString(p.shape()) + ", the saved moment " + java.util.Arrays.toString(s.shape()));
            }
        }
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            m[index] = Tensor.zerosLike(p).copy_(state.expAvg().to(p.dtype()).to(p.device()));
            v[index] = Tensor.zerosLike(p).copy_(state.expAvgSq().to(p.dtype()).to(p.device()));
        }
        t[index] = state.step();
    }

    @Override
    protected void update(int i, Tensor p, Tensor grad) {
        if (m[i] == null) {
            m[i] = Tensor.zerosLike(p);
            v[i] = Tensor.zerosLike(p);
        }
        // per-parameter step count, as PyTorch: a parameter without a gradient for a while keeps its own bias correction
        int step = ++t[i];
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        Tensor g = grad.dtype() == p.dtype() ? grad : grad.to(p.dtype());
        if (l2 != 0) g = g.add(p.mul(l2));
        View pv = Internals.view(p);
        Backends.of(p.device()).adamw(pv, Internals.view(g), Internals.view(m[i]), Internals.view(v[i]),
                lr(), beta1, beta2, eps, weightDecay, bc1, bc2);
        pv.storage().bumpVersion(); // in-place write: autograd must see that p changed
    }
}
