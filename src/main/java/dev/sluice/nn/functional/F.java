package dev.sluice.nn.functional;

import dev.sluice.autograd.GradMode;
import dev.sluice.ops.Broadcast;
import dev.sluice.ops.Distillation;
import dev.sluice.ops.Indexing;
import dev.sluice.ops.LinearAlgebra;
import dev.sluice.ops.LossOps;
import dev.sluice.ops.NeuralOps;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * The functional forms of the layers, activations and losses, after PyTorch's {@code torch.nn.functional}: stateless
 * static methods that take every tensor (weights included) as an argument and record their gradients like any other
 * op. The modules of {@code dev.sluice.nn} ({@code Linear}, {@code LayerNorm}, {@code Embedding}, {@code Dropout})
 * hold parameters and call the same ops; {@code dev.sluice.nn.Losses} is a thin front over the losses here.
 *
 * <p>Every loss takes a {@link Reduction} ({@code MEAN} when left out, as PyTorch's default {@code 'mean'}).
 *
 * {@snippet :
 * Generator gen = new Generator(0);
 * Tensor x = Tensor.randn(gen, DType.FLOAT32, 8, 4, 16);                   // [batch, time, features]
 * Tensor w = Tensor.randn(gen, DType.FLOAT32, 10, 16).requiresGrad(true);  // [out, in]
 * Tensor b = Tensor.zeros(10).requiresGrad(true);
 *
 * Tensor h = F.layerNorm(x, new int[] {4, 16}, null, null, 1e-5); // over the last two dims
 * Tensor logits = F.linear(F.gelu(h), w, b);                       // [8, 4, 10]
 * Tensor targets = Tensor.randint(gen, 0, 10, 8, 4);
 *
 * Tensor perPosition = F.crossEntropy(logits, targets, -100, 0.0, Reduction.NONE); // [8, 4]
 * Tensor loss = F.crossEntropy(logits, targets);                                    // scalar mean
 * loss.backward();
 * }
 *
 * <p>Conventions that differ from PyTorch: class (vocabulary) dimensions are last ({@code [..., C]}), where PyTorch's
 * {@code cross_entropy} puts them at dimension 1; and the elementwise losses do not broadcast the input up to the
 * target's shape (see {@link #mseLoss(Tensor, Tensor, Reduction)}).
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------------ layers

    /**
     * {@code input·weightᵀ + bias} over the last dimension, as {@code torch.nn.functional.linear}; the bias is added
     * by the matrix multiply itself (one fused op).
     *
     * @param input [..., in]
     * @param weight [out, in]
     * @param bias [out], or null for none
     * @return [..., out]
     * @throws IllegalArgumentException if the shapes do not fit or the tensors are on different devices
     */
    public static Tensor linear(Tensor input, Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(input, weight, bias);
    }

    /**
     * Looks up rows of an embedding table, as {@code torch.nn.functional.embedding(input, weight)}. The gradient
     * with respect to the weight accumulates into the looked-up rows (repeated indices add up).
     *
     * @param indices int64 or int32 indices of any shape S, each in [0, num)
     * @param weight the [num, dim] table
     * @return the rows, of shape S + [dim]
     * @throws IllegalArgumentException if the weight is not 2-D or the indices are not integers
     * @throws IndexOutOfBoundsException if an index lies outside [0, num)
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Indexing.embedding(weight, indices);
    }

    /**
     * Layer norm over the trailing {@code normalizedShape} dimensions, as
     * {@code torch.nn.functional.layer_norm(input, normalized_shape, weight, bias, eps)}: each slice over those
     * dimensions becomes (x − mean) / sqrt(var + eps), with the biased variance, then times {@code weight} plus
     * {@code bias} elementwise. Any number of trailing dimensions can be normalised together (for an image batch
     * [N, C, H, W], {@code {C, H, W}} normalises each sample).
     *
     * @param input [..., *normalizedShape], floating point
     * @param normalizedShape the trailing dimensions to normalise over (at least one), equal to the input's last ones
     * @param weight the scale, of shape normalizedShape, or null for none
     * @param bias the shift, of shape normalizedShape, or null for none
     * @param eps added to the variance, a non-negative finite number (PyTorch's default is 1e-5)
     * @return the normalised input, of the input's shape
     * @throws IllegalArgumentException if normalizedShape is empty or does not match the input's trailing dimensions,
     *     if weight or bias has another shape or dtype, or if eps is negative or not finite
     */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        Objects.requireNonNull(normalizedShape, "layerNorm: normalizedShape");
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("layerNorm: eps must be a non-negative finite number, got " + eps);
        }
        return NeuralOps.layerNorm(input, normalizedShape.clone(), weight, bias, eps);
    }

    /**
     * Layer norm over the trailing {@code normalizedShape} dimensions without scale or shift, eps = 1e-5.
     *
     * @param input [..., *normalizedShape], floating point
     * @param normalizedShape the trailing dimensions to normalise over
     * @return the normalised input, of the input's shape
     * @throws IllegalArgumentException if normalizedShape does not match the input's trailing dimensions
     * @see #layerNorm(Tensor, int[], Tensor, Tensor, double)
     */
    public static Tensor layerNorm(Tensor input, int[] normalizedShape) {
        return layerNorm(input, normalizedShape, null, null, 1e-5);
    }

    /**
     * Inverted dropout, as {@code torch.nn.functional.dropout(input, p, training)}: while training, zeroes each
     * element with probability p and scales the others by 1/(1 − p); otherwise returns the input unchanged.
     *
     * @param input floating-point tensor
     * @param p the probability of zeroing an element, in [0, 1]
     * @param training whether to drop (false: the input itself is returned)
     * @param gen the generator drawing the mask, or null for the global one
     * @return the input with dropout applied, of the input's shape
     * @throws IllegalArgumentException if p is outside [0, 1]
     */
    public static Tensor dropout(Tensor input, double p, boolean training, Generator gen) {
        return NeuralOps.dropout(input, p, training, gen == null ? Generator.global() : gen);
    }

    // ------------------------------------------------------------------ activations

    /**
     * max(x, 0) elementwise, as {@code torch.nn.functional.relu} (gradient 0 at x = 0).
     *
     * @param input any tensor
     * @return a tensor of the input's shape
     */
    public static Tensor relu(Tensor input) { return input.relu(); }

    /**
     * The exact GELU x·Φ(x) with Φ the standard normal CDF, as {@code torch.nn.functional.gelu(input)}.
     *
     * @param input floating-point tensor
     * @return a tensor of the input's shape
     */
    public static Tensor gelu(Tensor input) { return input.gelu(); }

    /**
     * GELU, exact or with the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (GPT-2), as
     * {@code torch.nn.functional.gelu(input, approximate=...)}.
     *
     * @param input floating-point tensor
     * @param approximate {@code "none"} for the exact form or {@code "tanh"} for the approximation
     * @return a tensor of the input's shape
     * @throws IllegalArgumentException if approximate is neither {@code "none"} nor {@code "tanh"}
     */
    public static Tensor gelu(Tensor input, String approximate) {
        return switch (approximate) {
            case "none" -> input.gelu();
            case "tanh" -> input.geluTanh();
            case null, default -> throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got "
                    + (approximate == null ? "null" : "\"" + approximate + "\""));
        };
    }

    /**
     * x·sigmoid(x) elementwise (SiLU, also called swish), as {@code torch.nn.functional.silu}.
     *
     * @param input floating-point tensor
     * @return a tensor of the input's shape
     */
    public static Tensor silu(Tensor input) { return input.silu(); }

    /**
     * 1 / (1 + exp(−x)) elementwise, as {@code torch.sigmoid}.
     *
     * @param input floating-point tensor
     * @return a tensor of the input's shape
     */
    public static Tensor sigmoid(Tensor input) { return input.sigmoid(); }

    /**
     * tanh(x) elementwise, as {@code torch.tanh}.
     *
     * @param input floating-point tensor
     * @return a tensor of the input's shape
     */
    public static Tensor tanh(Tensor input) { return input.tanh(); }

    /**
     * Softmax along a dimension, as {@code torch.nn.functional.softmax(input, dim)}: exp(x − max) normalised to sum
     * to 1 along {@code dim}.
     *
     * @param input floating-point tensor
     * @param dim the dimension to normalise along (negative counts from the end)
     * @return probabilities of the input's shape
     * @throws IllegalArgumentException if dim is out of range or the input is not floating point
     */
    public static Tensor softmax(Tensor input, int dim) { return NeuralOps.softmax(input, dim, false); }

    /**
     * Log-softmax along a dimension, as {@code torch.nn.functional.log_softmax(input, dim)}: x − logsumexp(x),
     * computed stably in one op.
     *
     * @param input floating-point tensor
     * @param dim the dimension to normalise along (negative counts from the end)
     * @return log-probabilities of the input's shape
     * @throws IllegalArgumentException if dim is out of range or the input is not floating point
     */
    public static Tensor logSoftmax(Tensor input, int dim) { return NeuralOps.softmax(input, dim, true); }

    // ------------------------------------------------------------------ regression losses

    /**
     * Mean squared error, mean reduction: {@code mseLoss(input, target, Reduction.MEAN)}.
     *
     * @param input predictions, floating point
     * @param target targets of the input's shape (or broadcastable to it)
     * @return the scalar mean of (input − target)²
     * @throws IllegalArgumentException as {@link #mseLoss(Tensor, Tensor, Reduction)}
     */
    public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, Reduction.MEAN); }

    /**
     * Squared error (input − target)², reduced, as {@code torch.nn.functional.mse_loss(input, target, reduction)}.
     *
     * <p>Shapes: the target must have the input's shape, or broadcast to exactly the input's shape (a scalar, or
     * size-1 and missing leading dimensions). Where the two would broadcast to a larger shape than the input's (input
     * [N, 1] against target [N] gives [N, N]) this throws: PyTorch warns and broadcasts, which is almost always a
     * shape bug. Gradients flow to both arguments (a broadcast target's gradient is summed back to its shape).
     *
     * @param input predictions, floating point
     * @param target targets, floating point, of the input's shape or broadcastable to it
     * @param reduction MEAN: the scalar mean over the input's elements (NaN if there are none); SUM: the scalar sum;
     *     NONE: (input − target)² of the input's shape
     * @return the loss, a scalar or (NONE) a tensor of the input's shape
     * @throws IllegalArgumentException if either tensor is not floating point, or the target does not broadcast to
     *     exactly the input's shape
     */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        checkElementwise("mseLoss", input, target);
        return reduce(input.sub(target).square(), reduction, "mseLoss");
    }

    /**
     * Mean absolute error, mean reduction: {@code l1Loss(input, target, Reduction.MEAN)}.
     *
     * @param input predictions, floating point
     * @param target targets of the input's shape (or broadcastable to it)
     * @return the scalar mean of |input − target|
     * @throws IllegalArgumentException as {@link #l1Loss(Tensor, Tensor, Reduction)}
     */
    public static Tensor l1Loss(Tensor input, Tensor target) { return l1Loss(input, target, Reduction.MEAN); }

    /**
     * Absolute error |input − target|, reduced, as {@code torch.nn.functional.l1_loss(input, target, reduction)}
     * (gradient sign(input − target), 0 where they are equal). Shapes as {@link #mseLoss(Tensor, Tensor, Reduction)}.
     *
     * @param input predictions, floating point
     * @param target targets, floating point, of the input's shape or broadcastable to it
     * @param reduction MEAN: the scalar mean over the input's elements (NaN if there are none); SUM: the scalar sum;
     *     NONE: |input − target| of the input's shape
     * @return the loss, a scalar or (NONE) a tensor of the input's shape
     * @throws IllegalArgumentException if either tensor is not floating point, or the target does not broadcast to
     *     exactly the input's shape
     */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        checkElementwise("l1Loss", input, target);
        return reduce(input.sub(target).abs(), reduction, "l1Loss");
    }

    // ------------------------------------------------------------------ classification losses

    /**
     * Cross entropy with mean reduction, no ignored class other than −100 and no label smoothing:
     * {@code crossEntropy(logits, targets, -100, 0, Reduction.MEAN)}.
     *
     * @param logits [..., C] unnormalised scores, floating point
     * @param targets int64 or int32 class indices of the logits' leading shape
     * @return the scalar mean loss over the targets that are not −100 (NaN if there are none)
     * @throws IllegalArgumentException as {@link #crossEntropy(Tensor, Tensor, int, double, Reduction)}
     * @throws IndexOutOfBoundsException if a target lies outside [0, C) and is not −100
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return crossEntropy(logits, targets, -100, 0, Reduction.MEAN);
    }

    /**
     * Cross entropy with a reduction, ignore index −100 and no label smoothing:
     * {@code crossEntropy(logits, targets, -100, 0, reduction)}.
     *
     * @param logits [..., C] unnormalised scores, floating point
     * @param targets int64 or int32 class indices of the logits' leading shape
     * @param reduction how to reduce the per-position losses
     * @return the loss, a scalar or (NONE) a tensor of the targets' shape
     * @throws IllegalArgumentException as {@link #crossEntropy(Tensor, Tensor, int, double, Reduction)}
     * @throws IndexOutOfBoundsException if a target lies outside [0, C) and is not −100
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Reduction reduction) {
        return crossEntropy(logits, targets, -100, 0, reduction);
    }

    /**
     * Cross entropy of logits against class indices, as
     * {@code torch.nn.functional.cross_entropy(input, target, ignore_index, reduction, label_smoothing)} with class
     * indices as targets, except that the class dimension is the last one: logits [..., C] (for example [N, C] or
     * [B, T, C]) with targets of the leading shape ([N] or [B, T]); an unbatched [C] takes a scalar target.
     *
     * <p>Each position i contributes ℓ_i = −(1 − ε)·log p[i, t_i] − (ε/C)·Σ_c log p[i, c] with p = softmax(logits)
     * and ε the label smoothing (the target distribution is (1 − ε)·onehot + ε/C). Positions whose target equals
     * {@code ignoreIndex} contribute nothing and receive a zero gradient. Softmax, loss and gradient are one fused op.
     *
     * <p>As PyTorch: with MEAN, the mean is over the positions not ignored, so an empty batch, or one whose every
     * target is ignored, gives NaN (0/0) — with a zero gradient; SUM gives 0 there, NONE an empty tensor or zeros.
     *
     * @param logits [..., C] unnormalised scores, floating point
     * @param targets int64 or int32 class indices of the logits' leading shape, each in [0, C) or equal to ignoreIndex
     * @param ignoreIndex the target value that marks a position to ignore (PyTorch's default is −100)
     * @param labelSmoothing ε in [0, 1]
     * @param reduction MEAN: the scalar mean over the positions not ignored; SUM: the scalar sum over them; NONE: the
     *     per-position losses, of the targets' shape, 0 at ignored positions
     * @return the loss, a scalar or (NONE) a tensor of the targets' shape
     * @throws IllegalArgumentException if the logits are not floating point, the targets are not integer class
     *     indices of the logits' leading shape, the tensors are on different devices, or labelSmoothing is outside
     *     [0, 1]
     * @throws IndexOutOfBoundsException if a target that is not ignoreIndex lies outside [0, C)
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        Objects.requireNonNull(reduction, "crossEntropy: reduction");
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        requireFloat("crossEntropy", "logits", logits);
        if (targets.dtype() != DType.INT64 && targets.dtype() != DType.INT32) {
            throw new IllegalArgumentException("crossEntropy: targets must be int64 or int32 class indices, got "
                    + targets.dtype() + " of shape " + Arrays.toString(targets.shape())
                    + " (class-probability targets are not supported)");
        }
        int[] lead = logits.dim() == 0 ? null : Arrays.copyOf(logits.shape(), logits.dim() - 1);
        if (lead == null || !Arrays.equals(lead, targets.shape())) {
            throw new IllegalArgumentException("crossEntropy: logits " + Arrays.toString(logits.shape())
                    + " must be [..., C] with targets of the leading shape, got targets " + Arrays.toString(targets.shape()));
        }
        sameDevice("crossEntropy", logits, targets);
        int c = logits.size(-1), rows = 1;
        for (int d : lead) rows *= d;
        Tensor flatLogits = logits.reshape(rows, c);
        Tensor valid, safeTargets;
        try (var ignored = GradMode.noGrad()) {
            Tensor t = targets.reshape(-1).to(DType.INT64);
            valid = t.ne(ignoreIndex);
            // ignored positions gather class 0 and are then weighted by 0, keeping gather's indices in range
            safeTargets = Tensor.where(valid, t, Tensor.zerosLike(t));
            if (safeTargets.numel() > 0) {
                long lo = (long) safeTargets.min().item(), hi = (long) safeTargets.max().item();
                if (lo < 0 || hi >= c) {
                    throw new IndexOutOfBoundsException("crossEntropy: target " + (lo < 0 ? lo : hi) + " is out of range [0, "
                            + c + ") (logits " + Arrays.toString(logits.shape()) + ", ignoreIndex " + ignoreIndex + ")");
                }
            }
        }
        return switch (reduction) {
            case MEAN -> LossOps.crossEntropy(flatLogits, safeTargets, valid, labelSmoothing); // softmax and loss fused
            case SUM -> LossOps.crossEntropyRows(flatLogits, safeTargets, valid, labelSmoothing).sum();
            case NONE -> LossOps.crossEntropyRows(flatLogits, safeTargets, valid, labelSmoothing).reshape(lead);
        };
    }

    /**
     * Binary cross entropy on logits with mean reduction: {@code binaryCrossEntropyWithLogits(logits, targets, null,
     * null, Reduction.MEAN)}.
     *
     * @param logits unnormalised scores, floating point
     * @param targets probabilities in [0, 1] of the logits' shape
     * @return the scalar mean loss
     * @throws IllegalArgumentException as {@link #binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return binaryCrossEntropyWithLogits(logits, targets, null, null, Reduction.MEAN);
    }

    /**
     * Binary cross entropy on logits with a reduction and no weights: {@code binaryCrossEntropyWithLogits(logits,
     * targets, null, null, reduction)}.
     *
     * @param logits unnormalised scores, floating point
     * @param targets probabilities in [0, 1] of the logits' shape
     * @param reduction how to reduce the per-element losses
     * @return the loss, a scalar or (NONE) a tensor of the logits' shape
     * @throws IllegalArgumentException as {@link #binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        return binaryCrossEntropyWithLogits(logits, targets, null, null, reduction);
    }

    /**
     * Binary cross entropy on logits, as {@code torch.nn.functional.binary_cross_entropy_with_logits(input, target,
     * weight, reduction=..., pos_weight=...)}: per element ℓ = −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))], computed
     * stably as w·[(1 − y)·softplus(x) + p·y·softplus(−x)] (without pos_weight: w·(softplus(x) − x·y)), softplus
     * being logsumexp(0, x), so large |x| neither overflows nor loses the gradient, which is
     * w·[(1 − y + p·y)·σ(x) − p·y].
     *
     * @param logits unnormalised scores x, floating point
     * @param targets probabilities y in [0, 1], floating point, of the logits' shape (PyTorch also requires equal
     *     sizes)
     * @param weight w, a rescaling of each element, broadcastable to the logits' shape, or null for 1
     * @param posWeight p, the weight of the positive term, broadcastable to the logits' shape (typically [C] for the
     *     classes of the last dimension), or null for 1
     * @param reduction MEAN: the scalar mean over the elements (NaN if there are none); SUM: the scalar sum; NONE: ℓ of
     *     the logits' shape
     * @return the loss, a scalar or (NONE) a tensor of the logits' shape
     * @throws IllegalArgumentException if a tensor is not floating point, the targets' shape differs from the logits',
     *     weight or posWeight does not broadcast to the logits' shape, or the tensors are on different devices
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        Objects.requireNonNull(reduction, op + ": reduction");
        requireFloat(op, "logits", logits);
        requireFloat(op, "targets", targets);
        if (!Arrays.equals(logits.shape(), targets.shape())) {
            throw new IllegalArgumentException(op + ": targets of shape " + Arrays.toString(targets.shape())
                    + " must have the logits' shape " + Arrays.toString(logits.shape()));
        }
        sameDevice(op, logits, targets, weight, posWeight);
        if (weight != null) requireBroadcastsTo(op, "weight", weight, logits.shape());
        if (posWeight != null) requireBroadcastsTo(op, "posWeight", posWeight, logits.shape());
        Tensor softplus = Tensor.stack(-1, Tensor.zerosLike(logits), logits).logsumexp(new int[] {-1}, false); // −log(1 − σ(x))
        Tensor loss;
        if (posWeight == null) {
            loss = softplus.sub(logits.mul(targets));
        } else {
            Tensor softplusNeg = Tensor.stack(-1, Tensor.zerosLike(logits), logits.neg()).logsumexp(new int[] {-1}, false); // −log σ(x)
            loss = softplus.mul(targets.neg().add(1)).add(posWeight.mul(targets).mul(softplusNeg));
        }
        if (weight != null) loss = loss.mul(weight);
        return reduce(loss, reduction, op);
    }

    // ------------------------------------------------------------------ distillation losses

    /**
     * Forward KL(teacher ‖ student) with mean reduction over (masked) positions:
     * {@code forwardKl(studentLogits, teacherLogits, temperature, mask, Reduction.MEAN)}.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], constants (no gradient flows to them)
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 (or weights) selecting positions, or null for all
     * @return the scalar T²-scaled mean
     * @throws IllegalArgumentException as {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor forwardKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return forwardKl(studentLogits, teacherLogits, temperature, mask, Reduction.MEAN);
    }

    /**
     * Distillation by forward KL(teacher ‖ student) at temperature T, scaled by T² (Hinton et al., so that gradients
     * keep their size as T changes): at each position, T²·Σ_v p_T (log p_T − log p_S) with p = softmax(logits / T)
     * over the last (vocabulary) dimension. The teacher's logits are constants; the student's gradient at a position
     * is T·(p_S − p_T) times that position's weight. One fused, numerically stable op.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], the student's shape; constants (no gradient flows to them)
     * @param temperature T, positive and finite
     * @param mask [...] (the logits' shape without V) of 0/1 selecting the positions that count (or non-negative
     *     weights), or null for all
     * @param reduction MEAN: Σ m·ℓ / Σ m, the masked mean (throws if the mask selects nothing); SUM: Σ m·ℓ; NONE: m·ℓ
     *     per position, of shape [...], 0 at masked positions
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException if the shapes differ, the mask is not of the positions' shape, the temperature
     *     is not positive and finite, the logits are not floating point, or (MEAN) the mask selects no position
     */
    public static Tensor forwardKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask, Reduction reduction) {
        return switch (Objects.requireNonNull(reduction, "forwardKl: reduction")) {
            case MEAN -> Distillation.forwardKl(studentLogits, teacherLogits, temperature, mask);
            case SUM -> Distillation.forwardKlPositions(studentLogits, teacherLogits, temperature, mask).sum();
            case NONE -> Distillation.forwardKlPositions(studentLogits, teacherLogits, temperature, mask);
        };
    }

    /**
     * Reverse KL(student ‖ teacher) with mean reduction: {@code reverseKl(studentLogits, teacherLogits, temperature,
     * mask, Reduction.MEAN)}.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar T²-scaled mean
     * @throws IllegalArgumentException as {@link #reverseKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor reverseKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return reverseKl(studentLogits, teacherLogits, temperature, mask, Reduction.MEAN);
    }

    /**
     * Distillation by reverse KL(student ‖ teacher) at temperature T, scaled by T² (mode-seeking): at each position
     * T²·Σ_v p_S (log p_S − log p_T). Arguments, masking and reductions as
     * {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], the student's shape; constants
     * @param temperature T, positive and finite
     * @param mask [...] of 0/1 (or weights) selecting positions, or null for all
     * @param reduction MEAN: the masked mean; SUM: the masked sum; NONE: per position, 0 at masked positions
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor reverseKl(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask, Reduction reduction) {
        return switch (Objects.requireNonNull(reduction, "reverseKl: reduction")) {
            case MEAN -> Distillation.reverseKl(studentLogits, teacherLogits, temperature, mask);
            case SUM -> Distillation.reverseKlPositions(studentLogits, teacherLogits, temperature, mask).sum();
            case NONE -> Distillation.reverseKlPositions(studentLogits, teacherLogits, temperature, mask);
        };
    }

    /**
     * Soft-target cross entropy with mean reduction: {@code softTargetCrossEntropy(studentLogits, teacherLogits,
     * temperature, mask, Reduction.MEAN)}.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], constants
     * @param temperature T &gt; 0
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar T²-scaled mean
     * @throws IllegalArgumentException as {@link #softTargetCrossEntropy(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor softTargetCrossEntropy(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask) {
        return softTargetCrossEntropy(studentLogits, teacherLogits, temperature, mask, Reduction.MEAN);
    }

    /**
     * Distillation by cross entropy against the teacher's softened distribution, scaled by T²: at each position
     * −T²·Σ_v p_T log p_S (forward KL plus the teacher's entropy, so the same gradient). Arguments, masking and
     * reductions as {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], the student's shape; constants
     * @param temperature T, positive and finite
     * @param mask [...] of 0/1 (or weights) selecting positions, or null for all
     * @param reduction MEAN: the masked mean; SUM: the masked sum; NONE: per position, 0 at masked positions
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException as {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}
     */
    public static Tensor softTargetCrossEntropy(Tensor studentLogits, Tensor teacherLogits, double temperature, Tensor mask,
                                                Reduction reduction) {
        return switch (Objects.requireNonNull(reduction, "softTargetCrossEntropy: reduction")) {
            case MEAN -> Distillation.softTargetCrossEntropy(studentLogits, teacherLogits, temperature, mask);
            case SUM -> Distillation.softTargetCrossEntropyPositions(studentLogits, teacherLogits, temperature, mask).sum();
            case NONE -> Distillation.softTargetCrossEntropyPositions(studentLogits, teacherLogits, temperature, mask);
        };
    }

    /**
     * Mean squared error between logits with mean reduction: {@code mseLogits(studentLogits, teacherLogits, mask,
     * Reduction.MEAN)}.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], constants
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar mean over (masked) positions of the mean over V
     * @throws IllegalArgumentException as {@link #mseLogits(Tensor, Tensor, Tensor, Reduction)}
     */
    public static Tensor mseLogits(Tensor studentLogits, Tensor teacherLogits, Tensor mask) {
        return mseLogits(studentLogits, teacherLogits, mask, Reduction.MEAN);
    }

    /**
     * Distillation by the squared error between logits: at each position the mean over the vocabulary of
     * (s − t)². The teacher's logits are constants. Masking and reductions as
     * {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}; the elements reduced are positions, not
     * (position, vocabulary) pairs.
     *
     * @param studentLogits [..., V], floating point
     * @param teacherLogits [..., V], the student's shape; constants
     * @param mask [...] of 0/1 (or weights) selecting positions, or null for all
     * @param reduction MEAN: the masked mean over positions; SUM: the masked sum; NONE: per position, 0 at masked
     *     positions
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException if the shapes differ, the mask is not of the positions' shape, the logits are
     *     not floating point, or (MEAN) the mask selects no position
     */
    public static Tensor mseLogits(Tensor studentLogits, Tensor teacherLogits, Tensor mask, Reduction reduction) {
        return switch (Objects.requireNonNull(reduction, "mseLogits: reduction")) {
            case MEAN -> Distillation.mseLogits(studentLogits, teacherLogits, mask);
            case SUM -> Distillation.mseLogitsPositions(studentLogits, teacherLogits, mask).sum();
            case NONE -> Distillation.mseLogitsPositions(studentLogits, teacherLogits, mask);
        };
    }

    /**
     * KL(uniform ‖ softmax(logits)) with mean reduction: {@code klToUniform(logits, mask, Reduction.MEAN)}.
     *
     * @param logits [..., V], floating point
     * @param mask [...] of 0/1 selecting positions, or null for all
     * @return the scalar mean over (masked) positions
     * @throws IllegalArgumentException as {@link #klToUniform(Tensor, Tensor, Reduction)}
     */
    public static Tensor klToUniform(Tensor logits, Tensor mask) { return klToUniform(logits, mask, Reduction.MEAN); }

    /**
     * KL(uniform ‖ softmax(logits)) at each position, Σ_v (1/V)·(log(1/V) − log p_v): pushes predictions toward
     * maximum entropy. The forward KL against all-zero teacher logits at temperature 1; masking and reductions as
     * {@link #forwardKl(Tensor, Tensor, double, Tensor, Reduction)}.
     *
     * @param logits [..., V], floating point
     * @param mask [...] of 0/1 (or weights) selecting positions, or null for all
     * @param reduction MEAN: the masked mean; SUM: the masked sum; NONE: per position, 0 at masked positions
     * @return the loss, a scalar or (NONE) a tensor of the positions' shape
     * @throws IllegalArgumentException if the mask is not of the positions' shape, the logits are not floating point,
     *     or (MEAN) the mask selects no position
     */
    public static Tensor klToUniform(Tensor logits, Tensor mask, Reduction reduction) {
        return forwardKl(logits, Tensor.zerosLike(logits), 1.0, mask, reduction);
    }

    // ------------------------------------------------------------------ helpers

    private static Tensor reduce(Tensor elements, Reduction reduction, String op) {
        return switch (Objects.requireNonNull(reduction, op + ": reduction")) {
            case MEAN -> elements.mean();
            case SUM -> elements.sum();
            case NONE -> elements;
        };
    }

    /** Floating point, one device, and a target that broadcasts to exactly the input's shape. */
    private static void checkElementwise(String op, Tensor input, Tensor target) {
        requireFloat(op, "input", input);
        requireFloat(op, "target", target);
        sameDevice(op, input, target);
        requireBroadcastsTo(op, "target", target, input.shape());
    }

    private static void requireBroadcastsTo(String op, String what, Tensor t, int[] shape) {
        int[] joint;
        try {
            joint = Broadcast.shape(op, shape, t.shape());
        } catch (IllegalArgumentException e) {
            joint = null;
        }
        if (joint == null || !Arrays.equals(joint, shape)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + Arrays.toString(t.shape())
                    + " must have the input's shape " + Arrays.toString(shape) + " or broadcast to it"
                    + (joint == null ? " (the shapes do not broadcast)"
                            : " (together they would broadcast to " + Arrays.toString(joint) + ", which is refused: usually a shape bug)"));
        }
    }

    private static void requireFloat(String op, String what, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": " + what + " must be floating point (float32 or float64), got "
                    + t.dtype() + " of shape " + Arrays.toString(t.shape()));
        }
    }

    private static void sameDevice(String op, Tensor... ts) {
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (first == null) first = t;
            else if (!first.device().equals(t.device())) {
                throw new IllegalArgumentException(op + ": expected all tensors on one device, but found " + first.device()
                        + " and " + t.device());
            }
        }
    }
}
