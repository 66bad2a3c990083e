package dev.sluice.cli;

import dev.sluice.methods.recontext.CausalLMPolicy;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.Grpo;
import dev.sluice.methods.recontext.Policy;
import dev.sluice.methods.recontext.PromptTemplates;
import dev.sluice.methods.recontext.PromptTransform;
import dev.sluice.methods.recontext.Reward;
import dev.sluice.methods.recontext.Rollouts;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.nn.Generation;
import dev.sluice.tensor.Generator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code sluice recontext model}: recontextualized best-of-N or GRPO training of a Hugging Face language model. */
@Command(name = "model", description = {
        "Recontextualization on a language model (a Hugging Face directory): sample responses to each problem under the"
                + " generation template, score them with the reward, and train on them as answers to the training template"
                + " (expert iteration: the best of --samples responses, then SFT on it; or GRPO), then save the policy in the Hugging Face layout.",
        "--problems holds one problem per line; --templates is a JSON object {\"generation\": \"...{problem}...\","
                + " \"training\": \"...{problem}...\"} (the same template twice is standard training).",
        "The results JSON holds the reward rate per round and the rate under the generation template before and after training."})
final class RecontextModelCommand extends LoadedModelCommand {
    @Option(names = "--problems", paramLabel = "FILE", required = true, description = "Problems, one per line (UTF-8).")
    Path problemsFile;

    @Option(names = "--templates", paramLabel = "FILE", required = true, description = "The generation and training templates (JSON).")
    Path templatesFile;

    static final class RewardOptions {
        @Option(names = "--reward-regex", paramLabel = "PATTERN", required = true,
                description = "Reward 1 when the response contains a match of the Java regular expression, else 0.")
        String regex;

        @Option(names = "--reward-command", paramLabel = "CMD", required = true,
                description = "Run CMD with sh -c per sample: the response on stdin, the problem in SLUICE_PROBLEM; the reward is the number it prints.")
        String command;

        @Option(names = "--reward-class", paramLabel = "NAME", required = true,
                description = "A public class with a no-argument constructor implementing dev.sluice.methods.recontext.Reward or Reward.TextScore.")
        String className;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    RewardOptions reward;

    @Option(names = "--reward-timeout", paramLabel = "SECONDS", description = "--reward-command: the longest one run may take (default: ${DEFAULT-VALUE}).")
    double rewardTimeout = 10;

    @Option(names = "--trainer", paramLabel = "T", description = "expert-iteration or grpo (default: ${DEFAULT-VALUE}).")
    String trainer = "expert-iteration";

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds (expert iteration) or steps (GRPO) (default: ${DEFAULT-VALUE}).")
    int rounds = 4;

    @Option(names = "--samples", paramLabel = "N", description = "Responses sampled per problem: best-of-N, or the GRPO group size (default: ${DEFAULT-VALUE}).")
    int samples = 8;

    @Option(names = "--lr", description = "Adam learning rate, > 0 (default: ${DEFAULT-VALUE}).")
    double lr = 1e-5;

    @Option(names = "--max-tokens", paramLabel = "N", description = "The most tokens per response (default: ${DEFAULT-VALUE}).")
    int maxTokens = 32;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, >= 0 (default: ${DEFAULT-VALUE}).")
    double temperature = 1.0;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK = 0;

    @Option(names = "--sft-steps", paramLabel = "N", description = "Expert iteration: SFT steps per round (default: ${DEFAULT-VALUE}).")
    int sftSteps = 10;

    @Option(names = "--batch-size", paramLabel = "B", description = "Expert iteration: examples per SFT step (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--epochs", paramLabel = "N", description = "GRPO: optimiser steps on each batch of samples (default: ${DEFAULT-VALUE}).")
    int epochs = 1;

    @Option(names = "--clip-eps", description = "GRPO: ε of the clipped ratio, > 0 (default: ${DEFAULT-VALUE}).")
    double clipEps = 0.2;

    @Option(names = "--kl-coef", description = "GRPO: weight of the KL to the starting model, >= 0; 0 keeps no reference copy (default: ${DEFAULT-VALUE}).")
    double klCoef = 0;

    @Option(names = "--entropy-coef", description = "GRPO: weight of the entropy bonus, >= 0 (default: ${DEFAULT-VALUE}).")
    double entropyCoef = 0;

    @Option(names = "--eval-samples", paramLabel = "N", description = "Samples per problem for the reward rate before and after training; 0 skips it (default: ${DEFAULT-VALUE}).")
    int evalSamples = 8;

    private int[][] problems;
    private PromptTransform gen, train;
    private PromptTemplates templates;
    private Reward scorer;
    private String rewardText;

    @Override
    String resultsName() { return "recontext_results.json"; }

    @Override
    void validate() {
        trainer = Check.oneOf("--trainer", trainer, List.of("expert-iteration", "grpo"));
        Check.positive("--rounds", rounds);
        Check.positive("--samples", samples);
        if (trainer.equals("grpo") && samples < 2) throw new UserError("--samples must be 2 or more for GRPO (the group baseline), got " + samples);
        Check.finitePositive("--lr", lr);
        Check.positive("--max-tokens", maxTokens);
        Check.finiteNonNegative("--temperature", temperature);
        Check.nonNegative("--top-k", topK);
        Check.positive("--sft-steps", sftSteps);
        Check.positive("--batch-size", batchSize);
        Check.positive("--epochs", epochs);
        Check.finitePositive("--clip-eps", clipEps);
        Check.finiteNonNegative("--kl-coef", klCoef);
        Check.finiteNonNegative("--entropy-coef", entropyCoef);
        Check.nonNegative("--eval-samples", evalSamples);
        Check.finitePositive("--reward-timeout", rewardTimeout);
        if (reward.regex != null) {
            try {
                Pattern.compile(reward.regex);
            } catch (PatternSyntaxException e) {
                throw new UserError("--reward-regex: " + e.getDescription() + " near index " + e.getIndex() + " of " + reward.regex);
            }
        }
        if (reward.command != null && reward.command.isBlank()) throw new UserError("--reward-command is empty");
        validateModelAndOut();
        List<String> lines = lines("--problems", problemsFile);
        Check.readableFile("--templates", templatesFile, null);
        try {
            templates = PromptTemplates.load(templatesFile);
        } catch (IllegalArgumentException e) {
            throw new UserError("--templates " + e.getMessage());
        } catch (IOException e) {
            throw new UserError("--templates " + Main.describe(e));
        }
        gen = templates.generation(tok);
        train = templates.training(tok);
        problems = new int[lines.size()][];
        int longest = 0;
        for (int i = 0; i < problems.length; i++) {
            problems[i] = tok.encode(lines.get(i), false);
            longest = Math.max(longest, Math.max(gen.apply(problems[i]).length, train.apply(problems[i]).length));
        }
        if (longest + (long) maxTokens > cfg.maxPositions()) {
            throw new UserError("the longest prompt (" + longest + " tokens) plus --max-tokens " + maxTokens + " passes the model's "
                    + cfg.maxPositions() + " positions");
        }
        int batch = trainer.equals("grpo") ? problems.length * samples : batchSize;
        int bytes = trainer.equals("grpo") && klCoef > 0 ? 20 : 16;
        LanguageModels.checkTrainingMemory(cfg, bytes, "weights, gradients and Adam moments" + (bytes == 20 ? " and a float32 reference copy" : ""),
                batch, longest + maxTokens);
        scorer = reward();
    }

    /** The reward the options name; its failures (a command's non-zero exit...) become one-line user errors. */
    private Reward reward() {
        Reward r;
        if (reward.regex != null) {
            r = Reward.regex(tok, reward.regex);
            rewardText = "regex " + reward.regex;
        } else if (reward.command != null) {
            r = Reward.command(tok, List.of("sh", "-c", reward.command), Duration.ofMillis((long) Math.ceil(rewardTimeout * 1000)));
            rewardText = "command " + reward.command;
        } else {
            try {
                r = Reward.ofClass(reward.className, tok);
            } catch (IllegalArgumentException e) {
                throw new UserError("--reward-class: " + e.getMessage());
            }
            rewardText = "class " + reward.className;
        }
        String option = reward.regex != null ? "--reward-regex" : reward.command != null ? "--reward-command" : "--reward-class";
        Reward inner = r;
        return (problem, response) -> {
            double v;
            try {
                v = inner.score(problem, response);
            } catch (UserError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UserError(option + ": " + Main.describe(e) + "; no model saved");
            }
            if (!Double.isFinite(v)) throw new UserError(option + ": the reward of a sample is " + v + "; no model saved");
            return v;
        };
    }

    @Override
    int execute() throws IOException {
        long t0 = System.nanoTime();
        CausalLM m = HfModels.load(model, new Generator(seed));
        Generation.Config sampling = new Generation.Config(maxTokens, temperature, topK, tok.eosTokenId().orElse(-1));
        Policy policy = new CausalLMPolicy(m);
        out().printf(Locale.ROOT, "recontextualization on %s (%s, %s parameters, loaded in %.1f s): %d problems, %s, %d %s of %d samples each,"
                        + " reward %s; %s%n", model, cfg.modelType(), LanguageModels.count(cfg.parameterCount()), (System.nanoTime() - t0) / 1e9,
                problems.length, trainer, rounds, trainer.equals("grpo") ? "step(s)" : "round(s)", samples, rewardText,
                templates.isStandard() ? "standard (one template)" : "recontextualized (generation and training templates differ)");
        out().flush();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trainer", trainer);
        json.put("model", model.toAbsolutePath().normalize().toString());
        json.put("reward", rewardText);
        json.put("generation_template", templates.generation());
        json.put("training_template", templates.training());
        json.put("problems", problems.length);
        json.put("samples", samples);
        json.put("rounds", rounds);
        json.put("lr", lr);
        json.put("max_tokens", maxTokens);
        json.put("temperature", temperature);
        json.put("seed", seed);
        if (evalSamples > 0) json.put("reward_rate_before", rate(policy, sampling));
        List<Object> perRound = new ArrayList<>();
        json.put("per_round", perRound);
        SplittableRandom rng = new SplittableRandom(seed);
        ExpertIteration ei = trainer.equals("expert-iteration")
                ? new ExpertIteration(new ExpertIteration.Config(samples, sftSteps, batchSize, lr, sampling)) : null;
        Grpo grpo = ei == null ? new Grpo(policy, klCoef > 0 ? policy.frozenCopy() : null,
                new Grpo.Config(samples, epochs, clipEps, klCoef, entropyCoef, lr, sampling)) : null;
        for (int round = 1; round <= rounds; round++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("round", round);
            double loss;
            if (ei != null) {
                ExpertIteration.RoundStats s = ei.round(policy, problems, gen, train, scorer, scorer, rng);
                e.put("reward_rate", s.sampledReward());
                e.put("kept_reward", s.keptReward());
                loss = s.finalLoss();
            } else {
                Grpo.StepStats s = grpo.step(problems, gen, train, scorer, scorer, rng);
                e.put("reward_rate", s.meanReward());
                e.put("clipped_fraction", s.clippedFraction());
                loss = s.loss();
            }
            e.put("loss", loss);
            perRound.add(e);
            err().printf(Locale.ROOT, "round %d/%d  reward rate %.3f  loss %.4f%n", round, rounds, (double) e.get("reward_rate"), loss);
            err().flush();
            if (!Double.isFinite(loss)) return diverged(json, "training");
        }
        if (evalSamples > 0) json.put("reward_rate_after", rate(policy, sampling));
        json.put("diverged", false);
        m.eval();
        save(m, outDir);
        Results.write(resultsFile(), json, true);
        out().printf(Locale.ROOT, "reward rate under the generation template: %s; saved %s and %s%n",
                evalSamples > 0 ? String.format(Locale.ROOT, "%.3f -> %.3f", (double) json.get("reward_rate_before"), (double) json.get("reward_rate_after"))
                        : "not measured (--eval-samples 0)", outDir, resultsFile());
        return 0;
    }

    /** The mean reward of --eval-samples samples per problem under the generation template, with a fixed seed. */
    private double rate(Policy policy, Generation.Config sampling) {
        return Rollouts.sample(policy, problems, evalSamples, gen, sampling, scorer, scorer, new SplittableRandom(seed ^ 0x5DEECE66DL)).meanReward();
    }
}
