package dev.sluice.ops;

import dev.sluice.autograd.GradMode;
import dev.sluice.autograd.Graph;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Distillation losses on logits, each one autograd node with a closed-form backward (numerically stable: everything
 * goes through log-softmax). Logits have shape [..., vocab]; an optional {@code mask} of shape [...] (0/1, e.g.
 * non-pad positions of a language model) selects the positions averaged over. The teacher's logits are constants
 * (detached): run the teacher under {@link GradMode#noGrad()}.
 *
 * <ul>
 *   <li>{@link #forwardKl}: T²·mean_pos Σ_v p_T (log p_T − log p_S) at temperature T — Hinton et al.'s scaling, so
 *       gradients keep their size as T changes; its gradient is T·(p_S − p_T) per position.</li>
 *   <li>{@link #reverseKl}: T²·mean_pos Σ_v p_S (log p_S − log p_T) (mode-seeking).</li>
 *   <li>{@link #softTargetCrossEntropy}: T²·mean_pos −Σ_v p_T log p_S (= forward KL + the teacher's entropy).</li>
 *   <li>{@link #mseLogits}: mean_pos mean_v (s − t)².</li>
 * </ul>
 */
public final class Distillation {
    private Distillation() {}

    private enum Kind { FORWARD_KL, REVERSE_KL, SOFT_CE }

    /** Forward KL(teacher ‖ student) at temperature T, averaged over (masked) positions, scaled by T². */
    public static Tensor forwardKl(Tensor student, Tensor teacher, double temperature, Tensor mask) {
        return divergence("forward_kl", Kind.FORWARD_KL, student, teacher, temperature, mask, false);
    }

    /** Reverse KL(student ‖ teacher) at temperature T, averaged over (masked) positions, scaled by T². */
    public static Tensor reverseKl(Tensor student, Tensor teacher, double temperature, Tensor mask) {
        return divergence("reverse_kl", Kind.REVERSE_KL, student, teacher, temperature, mask, false);
    }

    /** Cross-entropy of the student against the teacher's softened distribution, scaled by T². */
    public static Tensor softTargetCrossEntropy(Tensor student, Tensor teacher, double temperature, Tensor mask) {
        return divergence("soft_target_cross_entropy", Kind.SOFT_CE, student, teacher, temperature, mask, false);
    }

    /** Mean squared error between logits: mean over (masked) positions of the mean over the vocabulary. */
    public static Tensor mseLogits(Tensor student, Tensor teacher, Tensor mask) {
        return mseLogits(student, teacher, mask, false);
    }

    /**
     * Per-position forward KL (no reduction): T²·m·KL(p_T ‖ p_S) at each position, shape [...] (the logits' shape
     * without the vocabulary), with m the mask's value there (1 without a mask), so masked positions are 0.
     */
    public static Tensor forwardKlPositions(Tensor student, Tensor teacher, double temperature, Tensor mask) {
        return divergence("forward_kl", Kind.FORWARD_KL, student, teacher, temperature, mask, true);
    }

    /** Per-position reverse KL: T²·m·KL(p_S ‖ p_T) at each position, shape [...]. */
    public static Tensor reverseKlPositions(Tensor student, Tensor teacher, double temperature, Tensor mask) {
        return divergence("reverse_kl", Kind.REVERSE_KL, student, teacher, temperature, mask, true);
    }

    /** Per-position soft-target cross entropy: −T²·m·Σ_v p_T log p_S at each position, shape [...]. */
    public static Tensor softTargetCrossEntropyPositions(Tensor student, Tensor teacher, double temperature, Tensor mask) {
        return divergence("soft_target_cross_entropy", Kind.SOFT_CE, student, teacher, temperature, mask, true);
    }

    /** Per-position mean squared error between logits: m·mean_v (s − t)² at each position, shape [...]. */
    public static Tensor mseLogitsPositions(Tensor student, Tensor teacher, Tensor mask) {
        return mseLogits(student, teacher, mask, true);
    }

    /**
     * Mean squared error between logits. Averaged: Σ_r w_r·mean_v (s − t)² with w = mask/Σmask (or 1/rows);
     * per position: m_r·mean_v (s − t)² of the positions' shape.
     */
    private static Tensor mseLogits(Tensor student, Tensor teacher, Tensor mask, boolean perPosition) {
        int vocab = check("mse_logits", student, teacher, 1.0, mask);
        int[] positions = Arrays.copyOf(student.shape(), student.dim() - 1);
        Tensor w, diff, value;
        try (var ignored = GradMode.noGrad()) {
            Tensor s = student.detach().contiguous().reshape(-1, vocab), t = teacher.detach().to(student.dtype()).contiguous().reshape(-1, vocab);
            w = perPosition ? rawWeights(mask, s.size(0), s) : weights("mse_logits", mask, s.size(0), s);
            diff = s.sub(t);
            Tensor perRow = diff.square().mean(new int[] {1}, false).mul(w);
            value = perPosition ? perRow.reshape(positions) : perRow.sum();
        }
        Tensor scale;
        try (var ignored = GradMode.noGrad()) {
            scale = w.unsqueeze(1).mul(2.0 / vocab);
        }
        int[] shape = student.shape();
        return Graph.record("mse_logits", value, new Tensor[] {student}, new Tensor[] {diff, scale},
                (g, saved) -> new Tensor[] {saved[0].mul(saved[1]).mul(rowGrad(g, perPosition)).reshape(shape)});
    }

    /**
     * The divergence averaged over (masked) positions (a scalar), or with {@code perPosition} the T²·m-scaled value at
     * each position (the logits' shape without the vocabulary); backward scales each row's gradient by the upstream
     * scalar, or by the upstream value at that position.
     */
    private static Tensor divergence(String name, Kind kind, Tensor student, Tensor teacher, double temperature, Tensor mask,
                                     boolean perPosition) {
        int vocab = check(name, student, teacher, temperature, mask);
        if (Ops.fused(student)) return fusedDivergence(name, kind, student, teacher, temperature, mask, vocab, perPosition);
        int[] positions = Arrays.copyOf(student.shape(), student.dim() - 1);
        double tau = temperature;
        Tensor w, logPs, logPt, value;
        try (var ignored = GradMode.noGrad()) {
            Tensor s = student.detach().contiguous().reshape(-1, vocab);
            w = perPosition ? rawWeights(mask, s.size(0), s) : weights(name, mask, s.size(0), s);
            Tensor t = teacher.detach().to(student.dtype()).contiguous().reshape(-1, vocab);
            logPs = (tau == 1 ? s : s.div(tau)).logSoftmax(-1);
            logPt = (tau == 1 ? t : t.div(tau)).logSoftmax(-1);
            Tensor perRow = switch (kind) {
                case FORWARD_KL -> logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1}, false);
                case REVERSE_KL -> logPs.exp().mul(logPs.sub(logPt)).sum(new int[] {1}, false);
                case SOFT_CE -> logPt.exp().mul(logPs).sum(new int[] {1}, false).neg();
            };
            value = perPosition ? perRow.mul(w).mul(tau * tau).reshape(positions) : perRow.mul(w).sum().mul(tau * tau);
        }
        int[] shape = student.shape();
        // d(T²·loss)/ds = T·w·dloss/dz with z = s/T
        Tensor rowScale;
        try (var ignored = GradMode.noGrad()) {
            rowScale = w.unsqueeze(1).mul(tau);
        }
        return Graph.record(name, value, new Tensor[] {student}, new Tensor[] {logPs, logPt, rowScale}, (g, saved) -> {
            Tensor ps = saved[0].exp();
            Tensor dz = switch (kind) {
                case FORWARD_KL, SOFT_CE -> ps.sub(saved[1].exp());
                case REVERSE_KL -> {
                    Tensor logRatio = saved[0].sub(saved[1]);
                    Tensor kl = ps.mul(logRatio).sum(new int[] {1}, true);
                    yield ps.mul(logRatio.sub(kl));
                }
            };
            return new Tensor[] {dz.mul(saved[2]).mul(rowGrad(g, perPosition)).reshape(shape)};
        });
    }

    /**
     * The same divergence through {@link dev.sluice.backend.Backend#distill}: one kernel per row computes both
     * log-softmaxes, the row's divergence and the gradient (scaled by T·w), saved for backward.
     */
    private static Tensor fusedDivergence(String name, Kind kind, Tensor student, Tensor teacher, double tau, Tensor mask, int vocab,
                                          boolean perPosition) {
        int[] positions = Arrays.copyOf(student.shape(), student.dim() - 1);
        Tensor value, grad;
        try (var ignored = GradMode.noGrad()) {
            Tensor s = student.detach().contiguous().reshape(-1, vocab);
            Tensor t = teacher.detach().to(student.dtype()).contiguous().reshape(-1, vocab);
            int rows = s.size(0);
            Tensor w = (perPosition ? rawWeights(mask, rows, s) : weights(name, mask, rows, s)).contiguous();
            Tensor coef = w.mul(tau).contiguous();
            Tensor rowLoss = Creation.full(0, s.dtype(), s.device(), rows);
            grad = Creation.full(0, s.dtype(), s.device(), rows, vocab);
            int code = switch (kind) {
                case FORWARD_KL -> dev.sluice.backend.FusedReference.FORWARD_KL;
                case REVERSE_KL -> dev.sluice.backend.FusedReference.REVERSE_KL;
                case SOFT_CE -> dev.sluice.backend.FusedReference.SOFT_CE;
            };
            Ops.backend(s).distill(code, Ops.view(s), Ops.view(t), tau, Ops.view(coef), Ops.view(rowLoss), Ops.view(grad));
            value = perPosition ? rowLoss.mul(w).mul(tau * tau).reshape(positions) : rowLoss.mul(w).sum().mul(tau * tau);
        }
        int[] shape = student.shape();
        return Graph.record(name, value, new Tensor[] {student}, new Tensor[] {grad},
                (g, saved) -> new Tensor[] {saved[0].mul(rowGrad(g, perPosition)).reshape(shape)});
    }

    /** Validates shapes, dtypes, devices and temperature; returns the vocabulary size. */
    private static int check(String name, Tensor student, Tensor teacher, double temperature, Tensor mask) {
        Ops.requireFloat(name, student);
        Ops.requireFloat(name, teacher);
        Ops.sameDevice(name, student, teacher, mask);
        if (!Arrays.equals(student.shape(), teacher.shape())) {
            throw new IllegalArgumentException(name + ": student logits " + Ops.str(student.shape()) + " and teacher logits "
                    + Ops.str(teacher.shape()) + " must have the same shape");
        }
        if (student.dim() < 1 || student.size(-1) == 0) {
            throw new IllegalArgumentException(name + ": logits need a non-empty last (vocabulary) dimension, got " + Ops.str(student.shape()));
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(name + ": temperature must be a positive finite number, got " + temperature);
        }
        if (mask != null) {
            int[] positions = Arrays.copyOf(student.shape(), student.dim() - 1);
            if (!Arrays.equals(mask.shape(), positions)) {
                throw new IllegalArgumentException(name + ": mask of shape " + Ops.str(mask.shape()) + " must have the logits' position shape "
                        + Ops.str(positions) + " (logits " + Ops.str(student.shape()) + ")");
            }
        }
        return student.size(-1);
    }

    /** The upstream gradient as a per-row factor: the scalar itself, or the per-position values as a [rows, 1] column. */
    private static Tensor rowGrad(Tensor g, boolean perPosition) { return perPosition ? g.reshape(-1, 1) : g; }

    /** Per-row weights for the unaveraged forms: the mask's values (0/1, or any weights), or ones without a mask. */
    private static Tensor rawWeights(Tensor mask, int rows, Tensor like) {
        try (var ignored = GradMode.noGrad()) {
            if (mask == null) return Tensor.fullLike(like.narrow(1, 0, 1).reshape(rows), 1.0);
            return mask.detach().to(like.dtype()).reshape(rows).contiguous();
        }
    }

    /** Per-row weights summing to 1 over the selected rows: mask / Σmask, or 1/rows without a mask. */
    private static Tensor weights(String name, Tensor mask, int rows, Tensor like) {
        try (var ignored = GradMode.noGrad()) {
            if (mask == null) return Tensor.fullLike(like.narrow(1, 0, 1).reshape(rows), rows == 0 ? 0 : 1.0 / rows);
            Tensor m = mask.detach().to(like.dtype()).reshape(rows);
            double total = m.sum().item();
            if (!(total > 0)) throw new IllegalArgumentException(name + ": the mask selects no position (sum " + total + ")");
            return m.div(total);
        }
    }
}
