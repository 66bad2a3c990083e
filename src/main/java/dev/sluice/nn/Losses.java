package dev.sluice.nn;

import dev.sluice.nn.functional.F;
import dev.sluice.nn.functional.Reduction;
import dev.sluice.tensor.Tensor;

/**
 * Loss functions with PyTorch's semantics: a front over the losses of {@link F}, under the names Sluice has used
 * ({@code mse}, {@code l1}). Without a {@link Reduction} each returns the mean, as PyTorch's default; the overloads
 * taking one return the sum or the unreduced values as well. The mean computes exactly what it always has.
 */
public final class Losses {
    private Losses() {}

    /**
     * Mean squared error, the mean over all elements of (pred − target)².
     *
     * @param pred predictions, floating point
     * @param target targets of pred's shape, or broadcastable to exactly pred's shape
     * @return the scalar mean
     * @throws IllegalArgumentException as {@link F#mseLoss(Tensor, Tensor, Reduction)}
     */
    public static Tensor mse(Tensor pred, Tensor target) { return F.mseLoss(pred, target, Reduction.MEAN); }

    /**
     * Squared error (pred − target)² with a reduction; see {@link F#mseLoss(Tensor, Tensor, Reduction)}.
     *
     * @param pred predictions, floating point
     * @param target targets of pred's shape, or broadcastable to exactly pred's shape
     * @param reduction MEAN, SUM, or NONE for the per-element values of pred's shape
     * @return the loss, a scalar or (NONE) a tensor of pred's shape
     * @throws IllegalArgumentException as {@link F#mseLoss(Tensor, Tensor, Reduction)}
     */
    public static Tensor mse(Tensor pred, Tensor target, Reduction reduction) { return F.mseLoss(pred, target, reduction); }

    /**
     * Mean absolute error (L1 loss, {@code torch.nn.L1Loss}): the mean of |pred − target| over all elements.
     *
     * @param pred predictions, floating point
     * @param target targets of pred's shape, or broadcastable to exactly pred's shape
     * @return the scalar mean
     * @throws IllegalArgumentException as {@link F#l1Loss(Tensor, Tensor, Reduction)}
     */
    public static Tensor l1(Tensor pred, Tensor target) { return F.l1Loss(pred, target, Reduction.MEAN); }

    /**
     * Absolute error |pred − target| with a reduction; see {@link F#l1Loss(Tensor, Tensor, Reduction)}.
     *
     * @param pred predictions, floating point
     * @param target targets of pred's shape, or broadcastable to exactly pred's shape
     * @param reduction MEAN, SUM, or NONE for the per-element values of pred's shape
     * @return the loss, a scalar or (NONE) a tensor of pred's shape
     * @throws IllegalArgumentException as {@link F#l1Loss(Tensor, Tensor, Reduction)}
     */
    public static Tensor l1(Tensor pred, Tensor target, Reduction reduction) { return F.l1Loss(pred, target, reduction); }

    /**
     * Cross entropy of logits [N, C] or [B, T, C] against int class indices [N] or [B, T]: the mean over the targets
     * that are not −100 (NaN if there are none).
     *
     * @param logits [..., C] unnormalised scores
     * @param targets int64 or int32 class indices of the logits' leading shape
     * @return the scalar mean loss
     * @throws IllegalArgumentException as {@link F#crossEntropy(Tensor, Tensor, int, double, Reduction)}
     * @throws IndexOutOfBoundsException if a target lies outside [0, C) and is not −100
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) { return F.crossEntropy(logits, targets); }

    /**
     * Cross entropy as {@code torch.nn.functional.cross_entropy(logits, targets, ignore_index, label_smoothing)}:
     * targets equal to {@code ignoreIndex} contribute nothing and the mean is over the others (NaN if there are none,
     * with a zero gradient); with label smoothing ε the target distribution is (1−ε)·onehot + ε/C.
     *
     * @param logits [..., C] unnormalised scores
     * @param targets int64 or int32 class indices of the logits' leading shape
     * @param ignoreIndex the target value to ignore
     * @param labelSmoothing ε in [0, 1]
     * @return the scalar mean loss
     * @throws IllegalArgumentException as {@link F#crossEntropy(Tensor, Tensor, int, double, Reduction)}
     * @throws IndexOutOfBoundsException if a target that is not ignoreIndex lies outside [0, C)
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, double labelSmoothing) {
        return F.crossEntropy(logits, targets, ignoreIndex, labelSmoothing, Reduction.MEAN);
    }

    /**
     * Cross entropy with a reduction; see {@link F#crossEntropy(Tensor, Tensor, int, double, Reduction)}.
     *
     * @param logits [..., C] unnormalised scores
     * @param targets int64 or int32 class indices of the logits' leading shape
     * @param ignoreIndex the target value to ignore
     * @param labelSmoothing ε in [0, 1]
     * @param reduction MEAN, SUM, or NONE for the per-position losses of the targets' shape (0 where ignored)
     * @return the loss, a scalar or (NONE) a tensor of the targets' shape
     * @throws IllegalArgumentException as {@link F#crossEntropy(Tensor, Tensor, int, double, Reduction)}
     * @throws IndexOutOfBoundsException if a target that is not ignoreIndex lies outside [0, C)
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        return F.crossEntropy(logits, targets, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Binary cross entropy on logits, mean over elements: softplus(x) − x·y with softplus computed as
     * logsumexp(0, x), which is stable for large |x| and has the exact gradient sigmoid(x) − y everywhere.
     *
     * @param logits unnormalised scores x
     * @param targets probabilities y of the logits' shape
     * @return the scalar mean loss
     * @throws IllegalArgumentException as {@link F#binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return F.binaryCrossEntropyWithLogits(logits, targets);
    }

    /**
     * Binary cross entropy on logits with a reduction; see
     * {@link F#binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)} (which also takes weight and
     * pos_weight).
     *
     * @param logits unnormalised scores x
     * @param targets probabilities y of the logits' shape
     * @param reduction MEAN, SUM, or NONE for the per-element losses of the logits' shape
     * @return the loss, a scalar or (NONE) a tensor of the logits' shape
     * @throws IllegalArgumentException as {@link F#binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        return F.binaryCrossEntropyWithLogits(logits, targets, reduction);
    }

    /**
     * Distillation: forward KL(teacher ‖ student) over the last (vocabulary) dimension at temperature T, scaled by T²,
     * averaged over positions. The teacher's logits are constants. One fused, numerically stable op.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar masked mean
     * @throws IllegalArgumentException as {@link F#forwardKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor forwardKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return F.forwardKl(studentLogits, teacherLogits, temperature, mask);
    }

    /**
     * Distillation: forward KL with a reduction; see {@link F#forwardKl(Tensor, Tensor, double, Tensor, Reduction)}.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @param reduction MEAN (masked mean), SUM (masked sum) or NONE (per position, 0 where masked)
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link F#forwardKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor forwardKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask, Reduction reduction) {
        return F.forwardKl(studentLogits, teacherLogits, temperature, mask, reduction);
    }

    /**
     * Distillation: reverse KL(student ‖ teacher) at temperature T, scaled by T², averaged over (masked) positions.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar masked mean
     * @throws IllegalArgumentException as {@link F#reverseKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor reverseKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return F.reverseKl(studentLogits, teacherLogits, temperature, mask);
    }

    /**
     * Distillation: reverse KL with a reduction; see {@link F#reverseKl(Tensor, Tensor, double, Tensor, Reduction)}.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @param reduction MEAN (masked mean), SUM (masked sum) or NONE (per position, 0 where masked)
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link F#reverseKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor reverseKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask, Reduction reduction) {
        return F.reverseKl(studentLogits, teacherLogits, temperature, mask, reduction);
    }

    /**
     * Distillation: cross entropy against the teacher's softened distribution, scaled by T², averaged over positions.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar masked mean
     * @throws IllegalArgumentException as {@link F#softTargetCrossEntropy(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor softTargetCrossEntropy(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return F.softTargetCrossEntropy(studentLogits, teacherLogits, temperature, mask);
    }

    /**
     * Distillation: soft-target cross entropy with a reduction; see
     * {@link F#softTargetCrossEntropy(Tensor, Tensor, double, Tensor, Reduction)}.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @param reduction MEAN (masked mean), SUM (masked sum) or NONE (per position, 0 where masked)
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link F#softTargetCrossEntropy(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor softTargetCrossEntropy(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask,
                                                Reduction reduction) {
        return F.softTargetCrossEntropy(studentLogits, teacherLogits, temperature, mask, reduction);
    }

    /**
     * Distillation: mean squared error between logits, averaged over (masked) positions and the vocabulary.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar masked mean
     * @throws IllegalArgumentException as {@link F#mseLogits(Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor mseLogits(Tensor studentLogits, Tensor teacherLogits, Tensor mask) {
        return F.mseLogits(studentLogits, teacherLogits, mask);
    }

    /**
     * Distillation: mean squared error between logits with a reduction over positions; see
     * {@link F#mseLogits(Tensor, Tensor, Tensor, Reduction)}.
     *
     * @param studentLogits [..., V]
     * @param teacherLogits [..., V], constants
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @param reduction MEAN (masked mean), SUM (masked sum) or NONE (per position, 0 where masked)
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link F#mseLogits(Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor mseLogits(Tensor studentLogits, Tensor teacherLogits, Tensor mask, Reduction reduction) {
        return F.mseLogits(studentLogits, teacherLogits, mask, reduction);
    }

    /**
     * KL(uniform ‖ softmax(logits)) averaged over (masked) positions: pushes predictions toward maximum entropy.
     *
     * @param logits [..., V]
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar masked mean
     * @throws IllegalArgumentException as {@link F#klToUniform(Tensor, Tensor, Reduction)}
     */
    public static Tensor klToUniform(Tensor logits, Tensor mask) { return F.klToUniform(logits, mask); }

    /**
     * KL(uniform ‖ softmax(logits)) with a reduction; see {@link F#klToUniform(Tensor, Tensor, Reduction)}.
     *
     * @param logits [..., V]
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @param reduction MEAN (masked mean), SUM (masked sum) or NONE (per position, 0 where masked)
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link F#klToUniform(Tensor, Tensor, Reduction)}
     */
    public static Tensor klToUniform(Tensor logits, Tensor mask, Reduction reduction) { return F.klToUniform(logits, mask, reduction); }
}
