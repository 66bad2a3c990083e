package dev.sluice.methods.undo;

import dev.sluice.nn.Losses;
import dev.sluice.tensor.Tensor;

/**
 * The shallow unlearning objectives UNDO starts from (papers.md §2.1), as losses over a forget batch and a retain
 * batch of logits [N, C] (or [B, T, C] with [B, T] targets).
 */
public final class UnlearningLosses {
    private UnlearningLosses() {}

    /**
     * GradDiff: gradient ascent on the forget data, descent on the retain data — {@code −CE_forget + α·CE_retain}.
     *
     * @param forgetLogits logits [N, C] or [B, T, C] on forget data
     * @param forgetTargets int64 class indices [N] or [B, T]
     * @param retainLogits logits on retain data, shaped likewise
     * @param retainTargets int64 class indices for the retain logits
     * @param alpha the retain weight α
     * @return the scalar loss
     */
    public static Tensor gradDiff(Tensor forgetLogits, Tensor forgetTargets, Tensor retainLogits, Tensor retainTargets, double alpha) {
        return ce(forgetLogits, forgetTargets).neg().add(ce(retainLogits, retainTargets).mul(alpha));
    }

    /**
     * MaxEnt: {@code KL(U ‖ p_θ)} on the forget data (toward uniform predictions) + {@code α·CE_retain}.
     *
     * @param forgetLogits logits [N, C] or [B, T, C] on forget data
     * @param forgetMask float mask over the forget positions ([N] or [B, T]) selecting where the KL counts, or null for
     * all
     * @param retainLogits logits on retain data
     * @param retainTargets int64 class indices for the retain logits
     * @param alpha the retain weight α
     * @return the scalar loss
     */
    public static Tensor maxEnt(Tensor forgetLogits, Tensor forgetMask, Tensor retainLogits, Tensor retainTargets, double alpha) {
        return Losses.klToUniform(forgetLogits, forgetMask).add(ce(retainLogits, retainTargets).mul(alpha));
    }

    private static Tensor ce(Tensor logits, Tensor targets) {
        if (logits.dim() == 3) return Losses.crossEntropy(logits.reshape(-1, logits.size(2)), targets.reshape(-1));
        return Losses.crossEntropy(logits, targets);
    }
}
