package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.ops.LossOps;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/** Loss functions with PyTorch's semantics and mean reduction. */
public final class Losses {
    private Losses() {}

    /** Mean squared error, mean over all elements (target broadcast to pred's shape). */
    public static Tensor mse(Tensor pred, Tensor target) { return pred.sub(target).square().mean(); }

    /**
     * Distillation: forward KL(teacher ‖ student) over the last (vocabulary) dimension at temperature T, scaled by T²,
     * averaged over positions ({@code mask}: [...] of 0/1 selecting positions, or null for all). The teacher's logits
     * are constants. One fused, numerically stable op (see {@code ops.Distillation}).
     */
    public static Tensor forwardKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return dev.sluice.ops.Distillation.forwardKl(studentLogits, teacherLogits, temperature, mask);
    }

    /** Distillation: reverse KL(student ‖ teacher) at temperature T, scaled by T², averaged over (masked) positions. */
    public static Tensor reverseKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return dev.sluice.ops.Distillation.reverseKl(studentLogits, teacherLogits, temperature, mask);
    }

    /** Distillation: cross-entropy against the teacher's softened distribution, scaled by T², averaged over positions. */
    public static Tensor softTargetCrossEntropy(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return dev.sluice.ops.Distillation.softTargetCrossEntropy(studentLogits, teacherLogits, temperature, mask);
    }

    /** Distillation: mean squared error between logits, averaged over (masked) positions and the vocabulary. */
    public static Tensor mseLogits(Tensor studentLogits, Tensor teacherLogits, Tensor mask) {
        return dev.sluice.ops.Distillation.mseLogits(studentLogits, teacherLogits, mask);
    }

    /** KL(uniform ‖ softmax(logits)) averaged over (masked) positions: pushes predictions toward maximum entropy. */
    public static Tensor klToUniform(Tensor logits, Tensor mask) {
        return dev.sluice.ops.Distillation.forwardKl(logits, Tensor.zerosLike(logits), 1.0, mask);
    }

    /** Mean absolute error (L1 loss, {@code torch.nn.L1Loss}): mean of |pred − target| over all elements. */
    public static Tensor l1(Tensor pred, Tensor target) { return pred.sub(target).abs().mean(); }

    /** Cross entropy of logits [N, C] or [B, T, C] against int class indices [N] or [B, T]; mean over all targets. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) { return crossEntropy(logits, targets, -100, 0); }

    /**
     * Cross entropy as {@code torch.nn.functional.cross_entropy(logits, targets, ignore_index, label_smoothing)}:
     * targets equal to {@code ignoreIndex} contribute nothing and the mean is over the others (NaN if there are none);
     * with label smoothing ε the target distribution is (1−ε)·onehot + ε/C.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, double labelSmoothing) {
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (targets.dtype() != DType.INT64 && targets.dtype() != DType.INT32) {
            throw new IllegalArgumentException("crossEntropy: targets must be int64 class indices, got " + targets.dtype());
        }
        int c = logits.size(-1);
        int[] lead = Arrays.copyOf(logits.shape(), logits.dim() - 1);
        if (logits.dim() < 2 || !Arrays.equals(lead, targets.shape())) {
            throw new IllegalArgumentException("crossEntropy: logits " + Arrays.toString(logits.shape())
                    + " must be [..., C] with targets of the leading shape, got targets " + Arrays.toString(targets.shape()));
        }
        Tensor flatLogits = logits.reshape(-1, c);
        Tensor valid, safeTargets;
        try (var ignored = GradMode.noGrad()) {
            Tensor t = targets.reshape(-1).to(DType.INT64);
            valid = t.ne(ignoreIndex);
            // ignored positions gather class 0 and are then weighted by 0, keeping gather's indices in range
            safeTargets = Tensor.where(valid, t, Tensor.zerosLike(t));
            if (safeTargets.numel() > 0) {
                long lo = (long) safeTargets.min().item(), hi = (long) safeTargets.max().item();
                if (lo < 0 || hi >= c) {
                    throw new IndexOutOfBoundsException("crossEntropy: target " + (lo < 0 ? lo : hi) + " is out of range [0, " + c + ")");
                }
            }
        }
        return LossOps.crossEntropy(flatLogits, safeTargets, valid, labelSmoothing); // softmax and loss fused
    }

    /**
     * Binary cross entropy on logits, mean over elements: softplus(x) − x·y with softplus computed as
     * logsumexp(0, x), which is stable for large |x| and has the exact gradient sigmoid(x) − y everywhere.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        Tensor softplus = Tensor.stack(-1, Tensor.zerosLike(logits), logits).logsumexp(new int[] {-1}, false);
        return softplus.sub(logits.mul(targets)).mean();
    }
}
