package dev.sluice.methods.undo;

import dev.sluice.nn.Module;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.GradClip;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relearning attack used to judge unlearning: fine-tune copies of a model on forget data, one per learning rate
 * of a grid, evaluate a held-out forget metric at chosen steps, and report the attacker's best per step (the worst
 * case for the defender). The model itself is never changed.
 */
public final class RelearningAttack {
    /** The attacker's training loss for one step (e.g. cross-entropy on a batch of the forget data it holds). */
    @FunctionalInterface
    public interface Objective {
        /**
         * The attacker's loss for one step.
         *
         * @param model the attacked copy, in training mode
         * @param step the 0-based attack step (e.g. to pick a batch)
         * @return a scalar loss to back-propagate
         */
        Tensor loss(Module model, int step);
    }

    /** The held-out forget metric; higher = more relearned (e.g. accuracy). */
    @FunctionalInterface
    public interface Metric {
        /**
         * Evaluates the metric on the attacked copy.
         *
         * @param model the attacked copy, in eval mode
         * @return the metric; higher means more relearned
         */
        double evaluate(Module model);
    }

    /**
     * Attack settings: learning-rate grid, total steps, the steps evaluated (0 = before any step), AdamW (wd 0).
     *
     * @param learningRates the grid of learning rates, one attack per rate (copied)
     * @param steps the number of AdamW steps per attack
     * @param evalSteps the steps after which the metric is evaluated, each in [0, steps] (copied)
     * @param beta1 AdamW's β1
     * @param beta2 AdamW's β2
     * @param clipNorm the gradient-norm clip per step, or 0 (or less) for none
     */
    public record Config(double[] learningRates, int steps, int[] evalSteps, double beta1, double beta2, double clipNorm) {
        /**
         * Copies the arrays and checks them.
         *
         * @throws IllegalArgumentException if no learning rate is given or an eval step is outside [0, steps]
         */
        public Config {
            learningRates = learningRates.clone();
            evalSteps = evalSteps.clone();
            if (learningRates.length == 0) throw new IllegalArgumentException("RelearningAttack: give at least one learning rate");
            for (int s : evalSteps) {
                if (s < 0 || s > steps) throw new IllegalArgumentException("RelearningAttack: eval step " + s + " outside [0, " + steps + "]");
            }
        }
    }

    /**
     * Metric per learning rate at each eval step, and the attacker's best over learning rates at each step.
     *
     * @param config the settings used
     * @param curves per learning rate, the metric at each of {@code config.evalSteps()}
     * @param best the maximum over learning rates at each eval step
     */
    public record Result(Config config, Map<Double, double[]> curves, double[] best) {
        /**
         * The best metric over all steps and learning rates.
         *
         * @return the maximum of {@link #best()}, or NaN if there are no eval steps
         */
        public double overallBest() { return Arrays.stream(best).max().orElse(Double.NaN); }

        /**
         * The result as a JSON-ready map for {@link dev.sluice.io.Json#write}.
         *
         * @return a map with keys {@code eval_steps}, {@code per_learning_rate}, {@code best_per_step} and {@code best}
         */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eval_steps", Arrays.stream(config.evalSteps()).boxed().toList());
            Map<String, Object> c = new LinkedHashMap<>();
            for (var e : curves.entrySet()) c.put(String.valueOf(e.getKey()), Arrays.stream(e.getValue()).boxed().toList());
            m.put("per_learning_rate", c);
            m.put("best_per_step", Arrays.stream(best).boxed().toList());
            m.put("best", overallBest());
            return m;
        }
    }

    private RelearningAttack() {}

    /**
     * Runs the attack on deep copies of {@code model} (all parameters unfrozen, one copy per learning rate).
     *
     * @param model the model to attack; it is not changed
     * @param cfg the attack settings
     * @param objective the attacker's training loss
     * @param metric the held-out forget metric
     * @return the curves and the attacker's best per eval step
     */
    public static Result run(Module model, Config cfg, Objective objective, Metric metric) {
        Map<Double, double[]> curves = new LinkedHashMap<>();
        double[] best = new double[cfg.evalSteps().length];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (double lr : cfg.learningRates()) {
            double[] curve = attackCopy(model, cfg, lr, objective, metric);
            for (int i = 0; i < curve.length; i++) best[i] = Math.max(best[i], curve[i]);
            curves.put(lr, curve);
        }
        return new Result(cfg, curves, best);
    }

    /**
     * One learning rate: a deep copy of the model trained with its own AdamW, evaluated at the eval steps. In a method
     * of its own so that the copy, its gradients and its moments (16 bytes per parameter) are garbage before the next
     * learning rate's copy is made, not beside it.
     */
    private static double[] attackCopy(Module model, Config cfg, double lr, Objective objective, Metric metric) {
        Module copy = model.deepCopy();
        copy.unfreeze();
        List<Tensor> params = new ArrayList<>(copy.parameters());
        AdamW opt = new AdamW(params, lr, cfg.beta1(), cfg.beta2(), 1e-8, 0.0);
        double[] curve = new double[cfg.evalSteps().length];
        for (int step = 0; step <= cfg.steps(); step++) {
            for (int i = 0; i < curve.length; i++) {
                if (cfg.evalSteps()[i] == step) {
                    copy.eval();
                    curve[i] = metric.evaluate(copy);
                    copy.train();
                }
            }
            if (step == cfg.steps()) break;
            opt.zeroGrad();
            objective.loss(copy, step).backward();
            if (cfg.clipNorm() > 0) GradClip.clipGradNorm(params, cfg.clipNorm());
            opt.step();
        }
        return curve;
    }
}
