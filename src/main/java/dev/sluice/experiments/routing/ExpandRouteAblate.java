package dev.sluice.experiments.routing;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.Masks;
import dev.sluice.methods.routing.RouteScope;
import dev.sluice.methods.routing.TokenFrequencyWeights;
import dev.sluice.methods.routing.TokenRouter;
import dev.sluice.nn.GPT;
import dev.sluice.nn.HookPoint;
import dev.sluice.nn.Losses;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.GradClip;
import dev.sluice.optim.LrSchedule;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Reproduction 2 of gradient routing: Expand-Route-Ablate (papers.md §1.1, scaled down) on a small GPT over
 * {@link SyntheticStories}. Three methods see the same stream of stories:
 * <ul>
 *   <li><b>ERA</b>: the MLPs of the target layers are widened by k units; on labelled forget stories the gradient into
 *       the original MLP units is multiplied by −0.75 and into the new units by 1, per token weighted by the paper's
 *       frequency rule keyed by the target token (retain and unlabelled stories: all ones); L1 on the target MLP
 *       activations; then the new units are ablated (sliced away) and a short coherence fine-tune on retain stories
 *       keeps the best weights by held-out retain loss.</li>
 *   <li><b>control</b>: identical, but no routing (then the same ablation and coherence fine-tune).</li>
 *   <li><b>data filtering</b>: labelled forget stories are replaced by retain stories during training.</li>
 * </ul>
 * Each is then attacked: a copy is fine-tuned on a few forget stories, and the lowest held-out forget loss over the
 * attack's steps is reported (the worst case for the defender).
 */
public final class ExpandRouteAblate {
    /** Settings; {@link #defaults()} is the command's default run. */
    public record Config(long seed, int steps, int batchSize, double lr, double forgetShare, double[] labelFractions,
                         int dModel, int nHeads, int nLayers, int[] targetLayers, int expand, double forgetMaskValue,
                         double l1, int coherenceStories, int coherenceSteps, double coherenceLr, int attackStories,
                         int attackSteps, double attackLr, int evalStories) {
        public Config {
            labelFractions = labelFractions.clone();
            targetLayers = targetLayers.clone();
            for (double f : labelFractions) if (!(f > 0 && f <= 1)) throw new IllegalArgumentException("label fraction must be in (0, 1], got " + f);
            if (!(forgetShare > 0 && forgetShare < 1)) throw new IllegalArgumentException("forget share must be in (0, 1), got " + forgetShare);
            for (int l : targetLayers) if (l < 0 || l >= nLayers) throw new IllegalArgumentException("target layer " + l + " outside [0, " + nLayers + ")");
            if (steps <= 0 || expand <= 0) throw new IllegalArgumentException("steps and expand must be positive");
        }

        public static Config defaults() {
            return new Config(0, 1000, 32, 3e-3, 0.3, new double[] {1.0, 0.5}, 64, 4, 2, new int[] {0, 1}, 16, -0.75,
                    1e-4, 32, 20, 1e-3, 16, 30, 1e-3, 256);
        }

        public Config withSteps(int s) {
            return new Config(seed, s, batchSize, lr, forgetShare, labelFractions, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, coherenceStories, coherenceSteps, coherenceLr, attackStories, attackSteps, attackLr, evalStories);
        }

        public Config withSeed(long s) {
            return new Config(s, steps, batchSize, lr, forgetShare, labelFractions, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, coherenceStories, coherenceSteps, coherenceLr, attackStories, attackSteps, attackLr, evalStories);
        }

        public Config withLabelFractions(double... f) {
            return new Config(seed, steps, batchSize, lr, forgetShare, f, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, coherenceStories, coherenceSteps, coherenceLr, attackStories, attackSteps, attackLr, evalStories);
        }

        /** Fewer held-out stories and attack steps (for quick runs and CI). */
        public Config withEvaluation(int stories, int attackSteps) {
            return new Config(seed, steps, batchSize, lr, forgetShare, labelFractions, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, coherenceStories, coherenceSteps, coherenceLr, attackStories, attackSteps, attackLr, stories);
        }

        /** A smaller relearning attack: fewer forget stories and steps (for tests). */
        public Config withAttack(int stories, int attackSteps) {
            return new Config(seed, steps, batchSize, lr, forgetShare, labelFractions, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, coherenceStories, coherenceSteps, coherenceLr, stories, attackSteps, attackLr, evalStories);
        }

        /** A shorter coherence fine-tune: fewer retain stories and steps (for tests). */
        public Config withCoherence(int stories, int fineTuneSteps) {
            return new Config(seed, steps, batchSize, lr, forgetShare, labelFractions, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, stories, fineTuneSteps, coherenceLr, attackStories, attackSteps, attackLr, evalStories);
        }

        public Config withBatchSize(int b) {
            return new Config(seed, steps, b, lr, forgetShare, labelFractions, dModel, nHeads, nLayers, targetLayers, expand,
                    forgetMaskValue, l1, coherenceStories, coherenceSteps, coherenceLr, attackStories, attackSteps, attackLr, evalStories);
        }

        int dMlp() { return 4 * dModel; }
    }

    /** Mean next-token cross-entropy on held-out retain and forget stories. */
    public record Losses2(double retain, double forget) {
        Map<String, Object> toJson() { return Map.of("retain", retain, "forget", forget); }
    }

    public enum Method { ERA, CONTROL, DATA_FILTERING;
        String key() { return name().toLowerCase().replace('_', '-'); }
    }

    /** One method at one labelling fraction. */
    public record MethodResult(Method method, double labelFraction, Losses2 trained, Losses2 afterMethod,
                               List<Double> attackCurve, int coherenceStepsKept, double seconds) {
        /** Lowest held-out forget loss over the attack (step 0 = before it). */
        public double forgetAfterAttack() {
            double m = Double.POSITIVE_INFINITY;
            for (double v : attackCurve) m = Math.min(m, v);
            return m;
        }

        Map<String, Object> toJson(Losses2 reference) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method.key());
            m.put("label_fraction", labelFraction);
            m.put("trained", trained.toJson());
            m.put("after_method", afterMethod.toJson());
            m.put("forget_after_attack", forgetAfterAttack());
            m.put("forget_rise", afterMethod.forget() - reference.forget());
            m.put("retain_rise", afterMethod.retain() - reference.retain());
            m.put("forget_rise_after_attack", forgetAfterAttack() - reference.forget());
            m.put("attack_curve", attackCurve);
            m.put("coherence_steps_kept", coherenceStepsKept);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** All runs. The reference is the control at full labelling before ablation: ordinary training on everything. */
    public record Result(Config config, List<MethodResult> runs, double seconds) {
        public MethodResult get(Method m, double fraction) {
            for (MethodResult r : runs) if (r.method() == m && r.labelFraction() == fraction) return r;
            throw new IllegalArgumentException("no run " + m + " at label fraction " + fraction);
        }

        public Losses2 reference() {
            for (MethodResult r : runs) if (r.method() == Method.CONTROL) return r.trained();
            throw new IllegalStateException("no control run");
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", "gradient-routing-expand-route-ablate");
            m.put("seed", config.seed());
            m.put("steps", config.steps());
            m.put("model", Map.of("d_model", config.dModel(), "n_layers", config.nLayers(), "n_heads", config.nHeads(),
                    "d_mlp", config.dMlp(), "expanded_units", config.expand(), "target_layers", java.util.Arrays.stream(config.targetLayers()).boxed().toList()));
            m.put("reference_before_ablation", reference().toJson());
            List<Object> rs = new ArrayList<>();
            for (MethodResult r : runs) rs.add(r.toJson(reference()));
            m.put("runs", rs);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** Progress lines. */
    public record Progress(String run, String phase, int step, double value) {}

    private ExpandRouteAblate() {}

    /** Runs control, ERA and data filtering at each labelling fraction, on the CPU. */
    public static Result run(Config cfg, Consumer<Progress> progress) { return run(cfg, Device.CPU, progress); }

    /** Runs control, ERA and data filtering at each labelling fraction, with models and data on {@code device}. */
    public static Result run(Config cfg, Device device, Consumer<Progress> progress) {
        long t0 = System.nanoTime();
        SyntheticStories stories = SyntheticStories.standard(cfg.seed());
        SplittableRandom evalRng = new SplittableRandom(cfg.seed() ^ 0x5eed_e7a1L);
        Tensor evalRetain = tokens(stories.stories(false, cfg.evalStories(), evalRng)).to(device);
        Tensor evalForget = tokens(stories.stories(true, cfg.evalStories(), evalRng)).to(device);
        Tensor coherence = tokens(stories.stories(false, cfg.coherenceStories(), evalRng)).to(device);
        // the coherence fine-tune picks its best step on its own held-out retain stories, not on the reported ones
        Tensor selectRetain = tokens(stories.stories(false, cfg.evalStories(), evalRng)).to(device);
        Tensor attack = tokens(stories.stories(true, cfg.attackStories(), evalRng)).to(device);
        double[] weights = tokenWeights(stories, evalRng);
        List<MethodResult> runs = new ArrayList<>();
        for (double fraction : cfg.labelFractions()) {
            for (Method method : Method.values()) {
                long t = System.nanoTime();
                String name = method.key() + "@" + fraction;
                GPT model = train(cfg, stories, method, fraction, weights, device,
                        p -> progress.accept(new Progress(name, "train", p.step(), p.value())));
                Losses2 trained = evaluate(model, evalRetain, evalForget);
                int kept = 0;
                if (method != Method.DATA_FILTERING) {
                    ablate(cfg, model);
                    kept = coherenceFineTune(cfg, model, coherence, selectRetain);
                }
                Losses2 after = evaluate(model, evalRetain, evalForget);
                List<Double> curve = attack(cfg, model, attack, evalForget);
                progress.accept(new Progress(name, "done", cfg.steps(), after.forget()));
                runs.add(new MethodResult(method, fraction, trained, after, curve, kept, (System.nanoTime() - t) / 1e9));
            }
        }
        return new Result(cfg, runs, (System.nanoTime() - t0) / 1e9);
    }

    /** A fresh GPT with the target layers' MLPs widened by k units (same architecture for every method). */
    static GPT expandedModel(Config cfg, int vocab, int context) {
        Generator gen = new Generator(cfg.seed() + 1);
        GPT model = new GPT(new GPT.Config(vocab, context, cfg.dModel(), cfg.nHeads(), cfg.nLayers(), 0.0), gen);
        for (int l : cfg.targetLayers()) model.block(l).mlp().expandHidden(0, cfg.expand(), gen);
        return model;
    }

    static GPT train(Config cfg, SyntheticStories stories, Method method, double labelFraction, double[] tokenWeights,
                     Device device, Consumer<Progress> progress) {
        int vocab = stories.vocabSize(), length = stories.storyLength() - 1;
        GPT model = expandedModel(cfg, vocab, length).to(device);
        List<String> hooks = new ArrayList<>();
        for (int l : cfg.targetLayers()) hooks.add("blocks." + l + ".mlp.hidden0");
        int width = cfg.dMlp() + cfg.expand();
        // forget data: original units × −0.75, expanded units × 1; retain data trains both (gotcha 5 of the note)
        double[] forgetMask = Masks.range(width, cfg.dMlp(), width, 1.0, cfg.forgetMaskValue());
        TokenRouter router = new TokenRouter(hooks, forgetMask, Masks.ones(width), tokenWeights);
        List<Tensor> activations = new ArrayList<>();
        Map<String, HookPoint> points = model.hookPoints();
        for (String h : hooks) points.get(h).setHook(x -> { activations.add(x); return x; });

        AdamW opt = new AdamW(model.parameters(), cfg.lr(), 0.9, 0.95, 1e-8, 0.01);
        LrSchedule schedule = LrSchedule.warmupCosine(cfg.steps() / 20, cfg.steps(), cfg.lr(), cfg.lr() / 10);
        // the same story stream for every method: one seed; filtering swaps labelled forget stories for retain ones
        SplittableRandom rng = new SplittableRandom(cfg.seed());
        for (int step = 0; step < cfg.steps(); step++) {
            int[][] batch = new int[cfg.batchSize()][];
            boolean[] labelled = new boolean[cfg.batchSize()];
            for (int i = 0; i < batch.length; i++) {
                boolean forget = rng.nextDouble() < cfg.forgetShare();
                labelled[i] = forget && rng.nextDouble() < labelFraction;
                int[] story = stories.story(forget, rng);
                int[] substitute = stories.story(false, rng);
                batch[i] = method == Method.DATA_FILTERING && labelled[i] ? substitute : story;
            }
            Tensor tokens = tokens(batch).to(device);
            Tensor inputs = tokens.narrow(1, 0, length), targets = tokens.narrow(1, 1, length).contiguous();
            activations.clear();
            opt.setLr(schedule.lr(step));
            opt.zeroGrad();
            Tensor loss;
            var masks = method == Method.ERA ? router.masks(new TokenRouter.Batch(targets, labelled)) : Map.<String, Tensor>of();
            try (RouteScope ignored = GradientRouting.apply(model, masks)) {
                Tensor logits = model.forward(inputs);
                loss = Losses.crossEntropy(logits.reshape(-1, vocab), targets.reshape(-1));
            }
            Tensor total = loss;
            for (Tensor a : activations) total = total.add(a.abs().sum().mul(cfg.l1() / ((double) cfg.batchSize() * length)));
            total.backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            if (step % 100 == 0 || step == cfg.steps() - 1) progress.accept(new Progress("", "train", step, loss.item()));
        }
        model.clearHooks();
        return model;
    }

    /** Ablate: slice the expanded units away in every target layer (back to the original shapes). */
    static void ablate(Config cfg, GPT model) {
        for (int l : cfg.targetLayers()) model.block(l).mlp().keepHidden(0, cfg.dMlp());
    }

    /**
     * Coherence fine-tuning: full-batch AdamW steps on a few retain stories, keeping the weights with the lowest
     * held-out retain loss (step 0 = no fine-tuning). Returns the number of steps kept.
     */
    static int coherenceFineTune(Config cfg, GPT model, Tensor retainStories, Tensor selectRetain) {
        AdamW opt = new AdamW(model.parameters(), cfg.coherenceLr(), 0.9, 0.95, 1e-8, 0.0);
        double best = lmLoss(model, selectRetain);
        Map<String, Tensor> bestWeights = model.stateDictCopy();
        int bestStep = 0;
        for (int step = 1; step <= cfg.coherenceSteps(); step++) {
            opt.zeroGrad();
            lmLossWithGrad(model, retainStories).backward();
            opt.step();
            double l = lmLoss(model, selectRetain);
            if (l < best) {
                best = l;
                bestWeights = model.stateDictCopy();
                bestStep = step;
            }
        }
        model.loadStateDict(bestWeights);
        return bestStep;
    }

    /** Relearning attack on a deep copy: held-out forget loss before (index 0) and after each full-batch step. */
    static List<Double> attack(Config cfg, GPT model, Tensor forgetStories, Tensor evalForget) {
        GPT copy = model.deepCopy();
        AdamW opt = new AdamW(copy.parameters(), cfg.attackLr(), 0.9, 0.95, 1e-8, 0.0);
        List<Double> curve = new ArrayList<>();
        curve.add(lmLoss(copy, evalForget));
        for (int step = 1; step <= cfg.attackSteps(); step++) {
            opt.zeroGrad();
            lmLossWithGrad(copy, forgetStories).backward();
            opt.step();
            curve.add(lmLoss(copy, evalForget));
        }
        return curve;
    }

    static Losses2 evaluate(GPT model, Tensor retain, Tensor forget) {
        return new Losses2(lmLoss(model, retain), lmLoss(model, forget));
    }

    /** Mean next-token cross-entropy over all positions of the stories (no graph). */
    static double lmLoss(GPT model, Tensor stories) {
        try (var ignored = GradMode.noGrad()) {
            return lmLossWithGrad(model, stories).item();
        }
    }

    private static Tensor lmLossWithGrad(GPT model, Tensor stories) {
        int t = stories.size(1) - 1, vocab = model.config().vocabSize();
        Tensor logits = model.forward(stories.narrow(1, 0, t));
        return Losses.crossEntropy(logits.reshape(-1, vocab), stories.narrow(1, 1, t).contiguous().reshape(-1));
    }

    /** Per-token weights by the paper's frequency rule, from token counts over 2,000 stories of each topic. */
    static double[] tokenWeights(SyntheticStories stories, SplittableRandom rng) {
        int v = stories.vocabSize();
        long[] forget = TokenFrequencyWeights.count(stories.stories(true, 2000, rng), v);
        long[] retain = TokenFrequencyWeights.count(stories.stories(false, 2000, rng), v);
        return TokenFrequencyWeights.compute(forget, retain);
    }

    static Tensor tokens(int[][] stories) {
        int n = stories.length, len = stories[0].length;
        long[] flat = new long[n * len];
        for (int i = 0; i < n; i++) for (int j = 0; j < len; j++) flat[i * len + j] = stories[i][j];
        return Tensor.of(flat, n, len);
    }
}
