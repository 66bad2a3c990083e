package dev.sluice.experiments.recontext;

import dev.sluice.autograd.GradMode;
import dev.sluice.experiments.recontext.LmTask.Instruction;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.GptPolicy;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Generation;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Recontextualization with a small GPT ({@link LmTask}): an SFT prior that follows its instruction (hard-codes the
 * wrong test 3% / 10% / 60% of the time under NoHack / Neutral / HackOK and otherwise sometimes adds correctly), then
 * per (generation → training) pair, rounds of best-of-N expert iteration where the N answers are sampled
 * autoregressively with the KV cache from left-padded batches. Rates are exact sequence probabilities of the
 * hard-coded answer and of the correct answer (two digits and EOS), averaged over held-out problems.
 */
public final class LmReproduction {
    /** A (generation → training) pair. */
    public record Pair(String kind, Instruction gen, Instruction train) {
        public String name() { return kind + " " + gen.label + "->" + train.label; }
    }

    /** The pairs run by default. */
    public static final List<Pair> PAIRS = List.of(
            new Pair("standard", Instruction.NEUTRAL, Instruction.NEUTRAL),
            new Pair("standard", Instruction.NO_HACK, Instruction.NO_HACK),
            new Pair("recon", Instruction.NO_HACK, Instruction.HACK_OK),
            new Pair("recon", Instruction.NO_HACK, Instruction.NEUTRAL));

    /** Settings. */
    public record Config(long seed, int dModel, int nHeads, int nLayers, int priorSteps, int priorExamples, int priorBatch,
                         double priorLr, double[] hackPrior, double skill, int rounds, int problemsPerRound, int samples,
                         int sftSteps, int sftBatch, double lr, int evalProblems) {
        public Config {
            hackPrior = hackPrior.clone();
            if (hackPrior.length != 3) throw new IllegalArgumentException("hackPrior needs 3 probabilities (NoHack, Neutral, HackOK)");
            if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }

        public static Config defaults() {
            return new Config(1, 64, 4, 2, 3000, 20000, 64, 3e-3, new double[] {0.03, 0.10, 0.60}, 0.0, 8, 128, 8, 40, 64, 1e-3, 256);
        }

        public Config withSeed(long s) { return new Config(s, dModel, nHeads, nLayers, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, skill, rounds, problemsPerRound, samples, sftSteps, sftBatch, lr, evalProblems); }

        /** Smaller rounds (tests): problems per round, samples per problem, SFT steps per round, evaluation problems. */
        public Config withRoundSize(int problems, int samplesPerProblem, int sft, int evaluation) { return new Config(seed, dModel, nHeads, nLayers, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, skill, rounds, problems, samplesPerProblem, sft, sftBatch, lr, evaluation); }

        public Config withBudget(int priorSteps, int rounds) { return new Config(seed, dModel, nHeads, nLayers, priorSteps, priorExamples, priorBatch, priorLr, hackPrior, skill, rounds, problemsPerRound, samples, sftSteps, sftBatch, lr, evalProblems); }
    }

    /** One round: what the sampled answers earned, and the evaluation after training on them. */
    public record RoundLog(int round, double sampledReward, double sampledCorrect, double keptCorrect, Eval eval) {}

    /** One pair. */
    public record PairResult(Pair pair, List<RoundLog> rounds, Eval end) {}

    /** Everything. */
    public record Result(Config config, Eval prior, List<PairResult> pairs, double seconds) {
        public PairResult get(String kind, Instruction gen, Instruction train) {
            for (PairResult p : pairs) if (p.pair().equals(new Pair(kind, gen, train))) return p;
            throw new IllegalArgumentException("no pair " + kind + " " + gen + "->" + train);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", "recontextualization-lm");
            m.put("seed", config.seed());
            m.put("model", Map.of("d_model", config.dModel(), "n_layers", config.nLayers(), "n_heads", config.nHeads()));
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
                    rm.put("kept_correct", r.keptCorrect());
                    rm.put("eval", r.eval().toJson());
                    rs.add(rm);
                }
                pm.put("rounds", rs);
                ps.add(pm);
            }
            m.put("pairs", ps);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** Progress lines. */
    public record Progress(String run, int round, double loss, Eval eval) {}

    private static final Generation.Config SAMPLING = new Generation.Config(3, 1.0, 0, LmTask.EOS);

    private LmReproduction() {}

    /** The prior, then each pair from a copy of it, on the CPU. */
    public static Result run(Config cfg, List<Pair> pairs, Consumer<Progress> progress) { return run(cfg, pairs, Device.CPU, progress); }

    /** The prior, then each pair from a copy of it, with the models on {@code device}. */
    public static Result run(Config cfg, List<Pair> pairs, Device device, Consumer<Progress> progress) {
        long t0 = System.nanoTime();
        int[][] eval = LmTask.problems(cfg.evalProblems(), new SplittableRandom(cfg.seed() ^ 0xe7a1L));
        GptPolicy prior = prior(cfg, device, progress);
        Eval priorEval = evaluate(prior, eval);
        progress.accept(new Progress("prior", 0, Double.NaN, priorEval));
        List<PairResult> out = new ArrayList<>();
        for (Pair p : pairs) out.add(train(cfg, prior, p, eval, progress));
        return new Result(cfg, priorEval, out, (System.nanoTime() - t0) / 1e9);
    }

    /** Phase 1: SFT on instruction-following data (response-only loss), on the CPU. */
    public static GptPolicy prior(Config cfg, Consumer<Progress> progress) { return prior(cfg, Device.CPU, progress); }

    /** Phase 1 with the model on {@code device}. */
    public static GptPolicy prior(Config cfg, Device device, Consumer<Progress> progress) {
        GPT model = new GPT(new GPT.Config(LmTask.VOCAB, 16, cfg.dModel(), cfg.nHeads(), cfg.nLayers(), 0.0), new Generator(cfg.seed()))
                .to(device);
        GptPolicy policy = new GptPolicy(model);
        SplittableRandom rng = new SplittableRandom(cfg.seed() ^ 0x9e3779b97f4a7c15L);
        int[][][] data = LmTask.priorData(cfg.priorExamples(), cfg.hackPrior(), cfg.skill(), rng);
        int chunk = 250;
        for (int done = 0; done < cfg.priorSteps(); done += chunk) {
            int steps = Math.min(chunk, cfg.priorSteps() - done);
            double loss = ExpertIteration.sft(policy, data[0], data[1], steps, cfg.priorBatch(), cfg.priorLr(), rng);
            progress.accept(new Progress("prior SFT", done + steps, loss, null));
        }
        return policy;
    }

    /** Phase 2 for one pair (every pair sees the same problems and random stream). */
    public static PairResult train(Config cfg, GptPolicy prior, Pair pair, int[][] eval, Consumer<Progress> progress) {
        GptPolicy policy = new GptPolicy(prior.model().deepCopy());
        SplittableRandom rng = new SplittableRandom(cfg.seed() * 1_000_003L + 17);
        ExpertIteration ei = new ExpertIteration(new ExpertIteration.Config(cfg.samples(), cfg.sftSteps(), cfg.sftBatch(), cfg.lr(), SAMPLING));
        List<RoundLog> logs = new ArrayList<>();
        for (int round = 1; round <= cfg.rounds(); round++) {
            int[][] problems = LmTask.problems(cfg.problemsPerRound(), rng);
            var s = ei.round(policy, problems, pair.gen().transform(), pair.train().transform(), LmTask.reward(), LmTask.correct(), rng);
            Eval e = evaluate(policy, eval);
            logs.add(new RoundLog(round, s.sampledReward(), s.sampledTruth(), s.keptTruth(), e));
            progress.accept(new Progress(pair.name(), round, s.finalLoss(), e));
        }
        return new PairResult(pair, logs, logs.getLast().eval());
    }

    /** Exact rates on the evaluation problems under Neutral and HackOK. */
    public static Eval evaluate(GptPolicy policy, int[][] problems) {
        return new Eval(rates(policy, problems, Instruction.NEUTRAL), rates(policy, problems, Instruction.HACK_OK));
    }

    /** Mean probability of the hard-coded answer and of the correct answer (each: two digits then EOS). */
    public static Rates rates(GptPolicy policy, int[][] problems, Instruction c) {
        int n = problems.length;
        int[][] prompts = c.transform().apply(problems);
        int[][] both = new int[2 * n][], answers = new int[2 * n][];
        for (int i = 0; i < n; i++) {
            both[i] = prompts[i];
            both[n + i] = prompts[i];
            answers[i] = LmTask.answer(LmTask.testValue(problems[i]));
            answers[n + i] = LmTask.answer(LmTask.sum(problems[i]));
        }
        double[] lp;
        boolean wasTraining = policy.model().isTraining();
        policy.model().eval();
        try (var ignored = GradMode.noGrad()) {
            lp = policy.score(both, answers, false).sum().toDoubleArray();
        } finally {
            policy.model().train(wasTraining);
        }
        double hack = 0, correct = 0;
        for (int i = 0; i < n; i++) {
            hack += Math.exp(lp[i]);
            correct += Math.exp(lp[n + i]);
        }
        return new Rates(hack / n, correct / n);
    }
}
