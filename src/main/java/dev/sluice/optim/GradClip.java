package dev.sluice.optim;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Tensor;

import java.util.List;

/** Gradient clipping. */
public final class GradClip {
    private GradClip() {}

    /**
     * As {@code torch.nn.utils.clip_grad_norm_}: the L2 norm of all gradients together; if it exceeds maxNorm, every
     * gradient is replaced by itself scaled by maxNorm/(norm + 1e-6). Parameters without a gradient are ignored. Runs
     * without recording the graph.
     *
     * @param params the parameters whose gradients are clipped
     * @param maxNorm the largest total norm allowed
     * @return the total norm before clipping
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        // a negative bound would flip every gradient's sign and NaN would make them all NaN; +∞ is allowed (as
        // PyTorch): it measures the norm without clipping
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGradNorm: max norm must be > 0, got " + maxNorm);
        }
        double sq = 0;
        try (var ignored = GradMode.noGrad()) {
            for (Tensor p : params) {
                if (p.grad() != null) sq += p.grad().square().sum().item();
            }
            double total = Math.sqrt(sq);
            double coef = maxNorm / (total + 1e-6);
            if (coef < 1) {
                for (Tensor p : params) {
                    if (p.grad() != null) p.setGrad(p.grad().mul(coef));
                }
            }
            return total;
        }
    }
}
