package dev.sluice.methods.undo;

import dev.sluice.autograd.GradMode;
import dev.sluice.backend.RandomKind;
import dev.sluice.ops.ParamNoise;
import dev.sluice.nn.Init;
import dev.sluice.nn.LayerNorm;
import dev.sluice.nn.Module;
import dev.sluice.nn.RmsNorm;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UNDO's noise step, in place on a model (deep-copy the teacher first): for each parameter
 * {@code θ ← (1 − α)·θ + α·β·N} with N drawn from a seeded generator, in parameter order.
 *
 * <p>Policy per parameter kind (configurable; the defaults differ from the paper's code in one place, stated):
 * <ul>
 *   <li><b>matrices</b> (2-D and up: linear, Conv1D and embedding weights — Xavier's bound depends only on
 *       fan_in + fan_out, so GPT-2's [in, out] Conv1D layout gets the same noise as an [out, in] Linear):
 *       N ~ Xavier-uniform(fan_in, fan_out), as the paper;
 *       or plain Gaussian N(0, σ²) with {@link Builder#gaussian(double)}.</li>
 *   <li><b>vectors</b> (biases, LayerNorm biases included): no noise, shrunk toward 0 — {@code θ ← (1 − α)·θ}, as the
 *       paper.</li>
 *   <li><b>norm gains</b> (LayerNorm and RMSNorm weights, e.g. GPT-2's {@code ln_1.weight}, Llama's
 *       {@code input_layernorm.weight}): no noise, shrunk toward their init value 1 —
 *       {@code θ ← (1 − α)·θ + α·1}. The paper shrinks every 1-D tensor toward 0, which for a LayerNorm gain
 *       initialised at 1 weakens the whole layer's output rather than undoing training (papers.md §2.4 gotcha 1);
 *       {@link Builder#gainsTowardZero()} restores the paper's behaviour.</li>
 * </ul>
 * α = 0 leaves the model unchanged; α = 1, β = 1 gives a fresh Xavier-uniform draw for that seed (with biases 0 and
 * gains 1).
 *
 * <p>The whole UNDO pipeline — unlearn, noise a copy, distill the unlearned teacher's outputs into it:
 * {@snippet :
 * GPT teacher = new GPT(new GPT.Config(512, 64, 128, 4, 2, 0.0), new Generator(0));
 * Tensor forgetX = Tensor.randint(0, 512, 8, 64), forgetY = Tensor.randint(0, 512, 8, 64);
 * Tensor retainX = Tensor.randint(0, 512, 8, 64), retainY = Tensor.randint(0, 512, 8, 64);
 *
 * // 1. Unlearn: gradient difference on the teacher
 * Optimizer opt = new AdamW(teacher.parameters(), 1e-4);
 * for (int i = 0; i < 100; i++) {
 *     opt.zeroGrad();
 *     UnlearningLosses.gradDiff(teacher.forward(forgetX), forgetY, teacher.forward(retainX), retainY, 1.0).backward();
 *     opt.step();
 * }
 *
 * // 2. Noise: a shrunk and perturbed copy becomes the student
 * GPT student = teacher.deepCopy();
 * ShrinkPerturb.builder(0.5, 0.1, 42).build().apply(student);
 *
 * // 3. Distill the teacher's outputs on retain data, checking every 20 steps whether to stop
 * Optimizer distillOpt = new AdamW(student.parameters(), 3e-4);
 * StopRule stop = new StopRule(20, () -> false);      // e.g. "retain metric within 5% of the teacher's"
 * for (int step = 1; step <= 1000; step++) {
 *     Tensor teacherLogits;
 *     try (var ignored = GradMode.noGrad()) {
 *         teacherLogits = teacher.forward(retainX);
 *     }
 *     distillOpt.zeroGrad();
 *     Losses.forwardKl(student.forward(retainX), teacherLogits, 1.0, null).backward();
 *     distillOpt.step();
 *     if (stop.shouldStop(step)) break;
 * }
 * }
 */
public final class ShrinkPerturb {
    /** How a parameter was treated. */
    public enum Kind {
        /** 2-D and larger parameters (linear and embedding weights): shrunk and given noise. */
        MATRIX,
        /** 1-D parameters other than norm gains (biases): shrunk toward 0, no noise. */
        VECTOR,
        /** LayerNorm and RMSNorm weights: shrunk toward 1 by default (toward 0 with {@link Builder#gainsTowardZero()}), no noise. */
        GAIN
    }

    private final double alpha, beta, gaussianStd;
    private final long seed;
    private final boolean gaussian, gainsTowardOne;

    private ShrinkPerturb(Builder b) {
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.seed = b.seed;
        this.gaussian = b.gaussian;
        this.gaussianStd = b.gaussianStd;
        this.gainsTowardOne = b.gainsTowardOne;
    }

    /**
     * Noise with shrink α ∈ [0, 1] and noise scale β ≥ 0, drawn from {@code seed}.
     *
     * @param alpha the shrink factor α: 0 keeps the model, 1 replaces it by noise
     * @param beta the noise scale β
     * @param seed the seed of the noise generator (one stream over all parameters, in parameter order)
     * @return a builder with the paper's policy
     * @throws IllegalArgumentException if alpha is outside [0, 1] or beta is negative, NaN or infinite
     */
    public static Builder builder(double alpha, double beta, long seed) { return new Builder(alpha, beta, seed); }

    /**
     * Applies the noise in place, under no-grad.
     *
     * @param model the model to perturb (typically a deep copy of the unlearned teacher)
     * @return each parameter's kind by dotted name: the policy that was applied
     */
    public Map<String, Kind> apply(Module model) {
        Map<String, Kind> kinds = kinds(model);
        Generator gen = new Generator(seed);
        try (var ignored = GradMode.noGrad()) {
            for (var e : model.namedParameters().entrySet()) {
                Tensor p = e.getValue();
                switch (kinds.get(e.getKey())) {
                    case MATRIX -> {
                        // N = a + b·Z: Xavier-uniform U(−bound, bound) from Z ~ U[0,1), or N(0, std²) from Z ~ N(0,1),
                        // the same counters and arithmetic as Init.xavierUniform / Init.normal; one fused kernel on GPU
                        if (gaussian) {
                            ParamNoise.shrinkPerturb(p, 1 - alpha, alpha * beta, RandomKind.NORMAL, 0, gaussianStd, gen);
                        } else {
                            double bound = Math.sqrt(6.0 / (Init.fanIn(p) + Init.fanOut(p)));
                            ParamNoise.shrinkPerturb(p, 1 - alpha, alpha * beta, RandomKind.UNIFORM, -bound, 2 * bound, gen);
                        }
                    }
                    case VECTOR -> p.mul_(1 - alpha);
                    case GAIN -> p.copy_(p.mul(1 - alpha).add(gainsTowardOne ? alpha : 0.0));
                }
            }
        }
        return kinds;
    }

    /**
     * The kind of every parameter, by the module that owns it: LayerNorm and RMSNorm weights are gains, other 1-D
     * tensors vectors, the rest matrices. This covers Sluice's own models and the Hugging Face ones of
     * {@code dev.sluice.models} (a tied head is the embedding's weight, listed once).
     *
     * @param model the model to classify
     * @return the kind by dotted parameter name
     */
    public static Map<String, Kind> kinds(Module model) {
        Map<String, Kind> out = new LinkedHashMap<>();
        for (var m : model.namedModules().entrySet()) {
            String prefix = m.getKey();
            for (var p : m.getValue().namedParameters().entrySet()) {
                if (p.getKey().contains(".")) continue; // only this module's own parameters
                String name = prefix + p.getKey();
                Kind kind = p.getValue().dim() >= 2 ? Kind.MATRIX
                        : (m.getValue() instanceof LayerNorm || m.getValue() instanceof RmsNorm) && p.getKey().equals("weight")
                        ? Kind.GAIN : Kind.VECTOR;
                out.putIfAbsent(name, kind);
            }
        }
        return out;
    }

    /** Configures {@link ShrinkPerturb}. */
    public static final class Builder {
        private final double alpha, beta;
        private final long seed;
        private boolean gaussian, gainsTowardOne = true;
        private double gaussianStd = 1;

        private Builder(double alpha, double beta, long seed) {
            if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("ShrinkPerturb: alpha must be in [0, 1], got " + alpha);
            if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("ShrinkPerturb: beta must be >= 0 and finite, got " + beta);
            this.alpha = alpha;
            this.beta = beta;
            this.seed = seed;
        }

        /**
         * Matrices get plain Gaussian noise N(0, std²) instead of Xavier-uniform.
         *
         * @param std the noise's standard deviation σ, &gt; 0
         * @return this builder
         * @throws IllegalArgumentException if std is not positive
         */
        public Builder gaussian(double std) {
            if (!(std > 0)) throw new IllegalArgumentException("ShrinkPerturb: std must be > 0, got " + std);
            gaussian = true;
            gaussianStd = std;
            return this;
        }

        /**
         * Shrink norm gains toward 0, like every other 1-D tensor (the paper's code).
         *
         * @return this builder
         */
        public Builder gainsTowardZero() {
            gainsTowardOne = false;
            return this;
        }

        /**
         * Builds the noise step.
         *
         * @return the configured {@link ShrinkPerturb}
         */
        public ShrinkPerturb build() { return new ShrinkPerturb(this); }
    }
}
