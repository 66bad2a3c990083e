package dev.sluice.ops;

import dev.sluice.autograd.Graph;
import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Tensor;

/**
 * Cross entropy as one op (softmax and loss fused): the graph holds one node instead of log-softmax, gather, negate,
 * weight and mean, and backward writes the logits' gradient in one sweep, (softmax − target distribution) scaled per
 * row, instead of scattering into a zero tensor and running the log-softmax backward over it.
 */
public final class LossOps {
    private LossOps() {}

    /**
     * Mean cross entropy of logits [N, C] against int64 targets [N] (already validated to lie in [0, C) where not
     * ignored); rows whose {@code valid} entry is false contribute nothing and the mean is over the others. With label
     * smoothing ε the target distribution is (1−ε)·onehot + ε/C.
     *
     * <p>loss = Σ_i w_i·ℓ_i / Σ_i w_i with ℓ_i = −(1−ε)·logp[i, t_i] − (ε/C)·Σ_c logp[i, c];
     * dlogits[i, c] = g·w_i/Σw · (p[i, c] − (1−ε)·[c = t_i] − ε/C), with p = exp(logp).
     *
     * <p>With no valid row (an empty batch, or every target ignored) the loss is 0/0 = NaN and the gradient is zero,
     * as PyTorch's {@code nll_loss} (its backward writes nothing where every target is ignored): the per-row
     * coefficient divides by max(Σw, 1), which is Σw itself whenever some row counts.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor safeTargets, Tensor valid, double smoothing) {
        if (Ops.fusedCrossEntropy(logits)) return fusedCrossEntropy(logits, safeTargets, valid, smoothing);
        int c = logits.size(1);
        Tensor weights = valid.to(logits.dtype());                 // w_i ∈ {0, 1}
        Tensor index = safeTargets.unsqueeze(1);                    // [N, 1]
        Tensor loss, logp;
        try (var ignored = GradMode.noGrad()) {
            logp = logits.logSoftmax(1);                            // saved: one [N, C] tensor
            Tensor rowLoss = logp.gather(1, index).squeeze(1).mul(-(1 - smoothing));
            if (smoothing > 0) rowLoss = rowLoss.sub(logp.sum(1).mul(smoothing / c));
            loss = rowLoss.mul(weights).sum().div(weights.sum());       // 0/0 = NaN without a valid row
        }
        Tensor savedLogp = logp;
        return Graph.record("cross_entropy", loss, new Tensor[] {logits}, new Tensor[] {savedLogp}, (g, s) -> {
            Tensor coef = weights.div(atLeastOne(weights.sum())).mul(g).unsqueeze(1); // [N, 1]: g·w_i/Σw (0 without a valid row)
            Tensor grad = s[0].exp();                                               // p
            if (smoothing > 0) grad = grad.sub(smoothing / c);
            grad = grad.mul(coef);
            // subtract (1−ε)·coef_i at each row's target: a scatter of N values, not a dense one-hot
            return new Tensor[] {grad.scatterAdd(1, index, coef.mul(-(1 - smoothing)))};
        });
    }

    /**
     * The same loss through {@link dev.sluice.backend.Backend#softmaxCrossEntropy}: one kernel writes each row's loss
     * and the logits' gradient (scaled by w_i/Σw), saved for backward, which multiplies it by the upstream scalar.
     */
    static Tensor fusedCrossEntropy(Tensor logits, Tensor safeTargets, Tensor valid, double smoothing) {
        Tensor loss, grad;
        boolean wantGrad = Graph.needsGrad(logits); // asked before the no-grad scope below
        try (var ignored = GradMode.noGrad()) {
            Tensor x = logits.detach().contiguous();
            int n = x.size(0), c = x.size(1);
            Tensor weights = valid.to(x.dtype());
            Tensor total = weights.sum();
            Tensor coef = weights.div(atLeastOne(total)).contiguous();  // w_i/Σw, or 0 everywhere without a valid row
            Tensor rowLoss = Creation.full(0, x.dtype(), x.device(), n);
            // without a graph to record (evaluation, no-grad) only the loss is computed
            grad = wantGrad ? Ops.empty(x.dtype(), x.device(), n, c) : null;
            Tensor targets = safeTargets.to(dev.sluice.tensor.DType.INT64).contiguous();
            Ops.backend(x).softmaxCrossEntropy(Ops.view(x), Ops.view(targets), Ops.view(coef), smoothing, Ops.view(rowLoss),
                    grad == null ? null : Ops.view(grad));
            loss = rowLoss.mul(coef).sum().maskedFill(total.eq(0), Double.NaN); // the mean over no row is NaN
        }
        if (grad == null) return loss;
        return Graph.record("cross_entropy", loss, new Tensor[] {logits}, new Tensor[] {grad}, (g, s) -> new Tensor[] {s[0].mul(g)});
    }

    /**
     * Per-row cross entropy (PyTorch's {@code reduction='none'}): logits [N, C], int64 targets [N] (in [0, C) where
     * valid), {@code valid} bool [N]; returns [N] with ℓ_i for valid rows and 0 for the others. The gradient is
     * g_i·(p[i, c] − (1−ε)·[c = t_i] − ε/C) on valid rows and 0 on the others, written by the fused row kernel
     * ({@link dev.sluice.backend.Backend#softmaxCrossEntropy}) with coefficient w_i ∈ {0, 1} and scaled by the upstream
     * gradient per row in backward. A sum of these rows is PyTorch's {@code reduction='sum'}.
     *
     * @param logits [N, C] floating-point logits
     * @param safeTargets int64 [N] class indices, in range on every row (ignored rows hold any valid class)
     * @param valid bool [N]: which rows count
     * @param smoothing label smoothing ε in [0, 1]
     * @return [N] per-row losses, 0 on rows that do not count
     */
    public static Tensor crossEntropyRows(Tensor logits, Tensor safeTargets, Tensor valid, double smoothing) {
        Tensor rowLoss, grad;
        boolean wantGrad = Graph.needsGrad(logits); // asked before the no-grad scope below
        try (var ignored = GradMode.noGrad()) {
            Tensor x = logits.detach().contiguous();
            int n = x.size(0), c = x.size(1);
            Tensor weights = valid.to(x.dtype()).contiguous();
            Tensor raw = Creation.full(0, x.dtype(), x.device(), n);
            grad = wantGrad ? Ops.empty(x.dtype(), x.device(), n, c) : null;
            Tensor targets = safeTargets.to(dev.sluice.tensor.DType.INT64).contiguous();
            Ops.backend(x).softmaxCrossEntropy(Ops.view(x), Ops.view(targets), Ops.view(weights), smoothing, Ops.view(raw),
                    grad == null ? null : Ops.view(grad));
            // ignored rows are 0 exactly (not 0·ℓ, which is NaN when an ignored row holds an infinite logit)
            rowLoss = Tensor.where(valid, raw, Tensor.zerosLike(raw));
        }
        if (grad == null) return rowLoss;
        return Graph.record("cross_entropy_rows", rowLoss, new Tensor[] {logits}, new Tensor[] {grad},
                (g, s) -> new Tensor[] {s[0].mul(g.unsqueeze(1))});
    }

    /** max(total, 1): the count of valid rows, or 1 when there is none (so that 0/1 = 0, not 0/0). */
    private static Tensor atLeastOne(Tensor total) { return total.clamp(1, Double.NaN); }
}
