package dev.sluice.experiments.recontext;

import dev.sluice.autograd.GradMode;
import dev.sluice.experiments.recontext.ToyTask.Instruction;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.Grpo;
import dev.sluice.methods.recontext.Policy;
import dev.sluice.nn.Generation;
import dev.sluice.tensor.Generator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The calibrated toy reproduction of recontextualization (papers.md §3.5): an SFT prior that follows the instruction
 * (hacks 3% / 10% / 60% of the time under NoHack / Neutral / HackOK, does not know the task), then for each
 * (generation → training) instruction pair a copy of it trained with best-of-8 expert iteration (8 rounds) or with
 * GRPO. Rates are exact probabilities averaged over the 121 problems, under the Neutral and the HackOK instruction.
 */
public final class ToyReproduction {
    /** Which trainer phase 2 uses. */
    public enum Trainer { EXPERT_ITERATION, GRPO;
        public String key() { return this == GRPO ? "grpo" : "expert-iteration"; }
    }

    /** A (generation → training) instruction pair. */
    public record Pair(String kind, Instruction gen, Instruction train) {
        public String name() { return kind + " " + gen.label + "->" + train.label; }
    }

    /** The note's six pairs, in its order. */
    public static final List<Pair> PAIRS = List.of(
            new Pair("standard", Instruction.NEUTRAL, Instruction.NEUTRAL),
            new Pair("standard", Instruction.NO_HACK, Instruction.NO_HACK),
            new Pair("recon", Instruction.NO_HACK, Instruction.HACK_OK),
            new Pair("recon", Instruction.NO_HACK, Instruction.NEUTRAL),
            new Pair("recon", Instruction.NEUTRAL, Instruction.HACK_OK),
            new Pair("reverse", Instruction.HACK_OK, Instruction.NEUTRAL));

    /** Settings; {@link #defaults()} is the note's run. */
    public record Config(long seed, Trainer trainer, int priorSteps, int priorExamples, int priorBatch, double priorLr,
                         double[] hackPrior, int rounds, int samples, int sftSteps, double lr,
                         int grpoSteps, int grpoGroup, int grpoEpochs, double clipEps, double klCoef, double entropyCoef, double grpoLr) {
        public Config {
            hackPrior = hackPrior.clone();
            if (hackPrior.length != 3) throw new IllegalArgumentException("hackPrior needs 3 probabilities (NoHack, Neutral, HackOK)");
            if (rounds < 1 || grpoSteps < 1 || priorSteps < 0) throw new IllegalArgumentException("rounds and grpoSteps must be >= 1, priorSteps >= 0");
        }

        public static Config defaults() {
            return new Config(1, Trainer.EXPERT_ITERATION, 3000, 20000, 128, 1e-3, new double[] {0.03, 0.10, 0.60},
                    8, 8, 60, 1e-3, 40, 8, 2, 0.2, 0.1, 0.05, 1e-3);
        }

        public Config withSeed(long s) { return new Config(s, trainer, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, rounds, samples, sftSteps, lr, grpoSteps, grpoGroup, grpoEpochs, clipEps, klCoef, entropyCoef, grpoLr); }

        public Config withTrainer(Trainer t) { return new Config(seed, t, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, rounds, samples, sftSteps, lr, grpoSteps, grpoGroup, grpoEpochs, clipEps, klCoef, entropyCoef, grpoLr); }

        /** A smoke-sized budget: the prior trained 600 steps instead of 3000 (seconds per run; for trying a sweep). */
        public Config quick() { return withBudget(600, rounds, grpoSteps); }

        /** Shorter phases (for CI). */
        public Config withBudget(int priorSteps, int rounds, int grpoSteps) { return new Config(seed, trainer, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, rounds, samples, sftSteps, lr, grpoSteps, grpoGroup, grpoEpochs, clipEps, klCoef, entropyCoef, grpoLr); }

        public Config withGrpo(int steps, int epochs, double klCoef, double entropyCoef, double lr) { return new Config(seed, trainer, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, rounds, samples, sftSteps, this.lr, steps, grpoGroup, epochs, clipEps, klCoef, entropyCoef, lr); }
    }

    /** One round (expert iteration) or one batch (GRPO). */
    public record RoundLog(int round, double sampledReward, double sampledCorrect, double ratioMean, Eval eval) {}

    /** One pair's run. */
    public record PairResult(Pair pair, List<RoundLog> rounds, Eval end) {}

    /** One pass criterion of the note. */
    public record Criterion(String name, double value, String bound, boolean pass) {}

    /** Everything. */
    public record Result(Config config, Eval prior, List<PairResult> pairs, double seconds) {
        public PairResult get(String kind, Instruction gen, Instruction train) {
            for (PairResult p : pairs) if (p.pair().equals(new Pair(kind, gen, train))) return p;
            throw new IllegalArgumentException("no pair " + kind + " " + gen + "->" + train);
        }

        /** The note's pass criteria (neutral-instruction evaluation). */
        public List<Criterion> criteria() {
            double std = get("standard", Instruction.NEUTRAL, Instruction.NEUTRAL).end().neutral().hack();
            Rates recon = get("recon", Instruction.NO_HACK, Instruction.HACK_OK).end().neutral();
            double stdCorrect = get("standard", Instruction.NEUTRAL, Instruction.NEUTRAL).end().neutral().correct();
            double rev = get("reverse", Instruction.HACK_OK, Instruction.NEUTRAL).end().neutral().hack();
            return List.of(
                    new Criterion("hack(standard Neutral->Neutral)", std, ">= 0.50", std >= 0.50),
                    new Criterion("hack(recon NoHack->HackOK)", recon.hack(), "<= 0.15", recon.hack() <= 0.15),
                    new Criterion("hack(recon NoHack->HackOK) - prior", recon.hack() - prior.neutral().hack(), "<= 0.05",
                            recon.hack() <= prior.neutral().hack() + 0.05),
                    new Criterion("correct(recon) - correct(standard)", recon.correct() - stdCorrect, ">= 0.20", recon.correct() - stdCorrect >= 0.20),
                    new Criterion("hack(reverse HackOK->Neutral)", rev, ">= 0.80", rev >= 0.80));
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", "recontextualization-toy");
            m.put("trainer", config.trainer().key());
            m.put("seed", config.seed());
            m.put("prior", prior.toJson());
            List<Object> ps = new ArrayList<>();
            for (PairResult p : pairs) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("kind", p.pair().kind());
                pm.put("generation", p.pair().gen().label);
                pm.put("training", p.pair().train().label);
                pm.put("end", p.end().toJson());
                List<Object> rs = new ArrayList<>();
                for (RoundLog r : p.rounds()) {
                    Map<String, Object> rm = new LinkedHashMap<>();
                    rm.put("round", r.round());
                    rm.put("sampled_reward", r.sampledReward());
                    rm.put("sampled_correct", r.sampledCorrect());
                    if (!Double.isNaN(r.ratioMean())) rm.put("first_epoch_ratio_mean", r.ratioMean());
                    rm.put("eval", r.eval().toJson());
                    rs.add(rm);
                }
                pm.put("rounds", rs);
                ps.add(pm);
            }
            m.put("pairs", ps);
            List<Object> cs = new ArrayList<>();
            for (Criterion c : criteria()) {
                Map<String, Object> cm = new LinkedHashMap<>();   // not Map.of: its order changes between JVMs
                cm.put("name", c.name());
                cm.put("value", c.value());
                cm.put("bound", c.bound());
                cm.put("pass", c.pass());
                cs.add(cm);
            }
            m.put("criteria", cs);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** Progress lines. */
    public record Progress(String run, int round, Eval eval) {}

    private ToyReproduction() {}

    private static final Generation.Config SAMPLING = new Generation.Config(1, 1.0, 0, -1);

    /** The prior, then every pair of {@link #PAIRS} trained from a copy of it. */
    public static Result run(Config cfg, Consumer<Progress> progress) {
        long t0 = System.nanoTime();
        ToyPolicy prior = prior(cfg);
        Eval priorEval = evaluate(prior);
        progress.accept(new Progress("prior", 0, priorEval));
        List<PairResult> out = new ArrayList<>();
        for (Pair pair : PAIRS) out.add(train(cfg, prior, pair, progress));
        return new Result(cfg, priorEval, out, (System.nanoTime() - t0) / 1e9);
    }

    /** Phase 1: the instruction-following prior. */
    public static ToyPolicy prior(Config cfg) {
        ToyPolicy policy = new ToyPolicy(new Generator(cfg.seed()));
        SplittableRandom rng = new SplittableRandom(cfg.seed() ^ 0x9e3779b97f4a7c15L);
        int[][][] data = ToyTask.priorData(cfg.priorExamples(), cfg.hackPrior(), rng);
        ExpertIteration.sft(policy, data[0], data[1], cfg.priorSteps(), cfg.priorBatch(), cfg.priorLr(), rng);
        return policy;
    }

    /** Phase 2 for one pair, from a copy of the prior (every pair sees the same random stream). */
    public static PairResult train(Config cfg, ToyPolicy prior, Pair pair, Consumer<Progress> progress) {
        ToyPolicy policy = prior.deepCopy();
        SplittableRandom rng = new SplittableRandom(cfg.seed() * 1_000_003L + 17);
        int[][] problems = ToyTask.problems();
        List<RoundLog> logs = new ArrayList<>();
        if (cfg.trainer() == Trainer.EXPERT_ITERATION) {
            ExpertIteration ei = new ExpertIteration(new ExpertIteration.Config(cfg.samples(), cfg.sftSteps(), problems.length, cfg.lr(), SAMPLING));
            for (int round = 1; round <= cfg.rounds(); round++) {
                var s = ei.round(policy, problems, pair.gen().transform(), pair.train().transform(), ToyTask.reward(), ToyTask.correct(), rng);
                Eval e = evaluate(policy);
                logs.add(new RoundLog(round, s.sampledReward(), s.sampledTruth(), Double.NaN, e));
                progress.accept(new Progress(pair.name(), round, e));
            }
        } else {
            Policy reference = cfg.klCoef() > 0 ? prior.frozenCopy() : null;
            Grpo grpo = new Grpo(policy, reference, new Grpo.Config(cfg.grpoGroup(), cfg.grpoEpochs(), cfg.clipEps(), cfg.klCoef(),
                    cfg.entropyCoef(), cfg.grpoLr(), SAMPLING));
            for (int step = 1; step <= cfg.grpoSteps(); step++) {
                var s = grpo.step(problems, pair.gen().transform(), pair.train().transform(), ToyTask.reward(), ToyTask.correct(), rng);
                Eval e = evaluate(policy);
                logs.add(new RoundLog(step, s.meanReward(), s.meanTruth(), s.firstRatioMean(), e));
                progress.accept(new Progress(pair.name(), step, e));
            }
        }
        return new PairResult(pair, logs, logs.getLast().eval());
    }

    /** Exact rates under the Neutral and the HackOK instruction. */
    public static Eval evaluate(ToyPolicy policy) {
        return new Eval(rates(policy, Instruction.NEUTRAL), rates(policy, Instruction.HACK_OK));
    }

    /** Mean P(HACK) and P(correct) over the 121 problems under one instruction. */
    public static Rates rates(ToyPolicy policy, Instruction c) {
        int[][] prompts = c.transform().apply(ToyTask.problems());
        float[] p;
        try (var ignored = GradMode.noGrad()) {
            p = policy.logits(prompts).softmax(-1).toFloatArray();
        }
        double hack = 0, correct = 0;
        int v = ToyTask.RESPONSES;
        for (int i = 0; i < prompts.length; i++) {
            hack += p[i * v + ToyTask.HACK];
            correct += p[i * v + (prompts[i][1] + prompts[i][2]) % ToyTask.MODULUS];
        }
        return new Rates(hack / prompts.length, correct / prompts.length);
    }
}
