package dev.sluice.methods.recontext;

import dev.sluice.models.CausalLM;
import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.Generator;

/**
 * A Hugging Face language model ({@link CausalLM}: Llama, Qwen2, GPT-2, loaded with
 * {@link dev.sluice.models.HfModels#load}) as a policy, so {@link ExpertIteration} and {@link Grpo} train it:
 * batched sampling of left-padded prompts with a KV cache ({@link Generation#generate}), teacher-forced scoring of
 * left-padded (prompt, response) rows in one pass ({@link ResponseScores#of}). Save the trained model with
 * {@link dev.sluice.models.HfModels#save}.
 * {@snippet :
 * CausalLM model = HfModels.load(Path.of("SmolLM-135M"));
 * Tokenizer tok = Tokenizer.load(Path.of("SmolLM-135M/tokenizer.json"));
 * PromptTemplates templates = PromptTemplates.load(Path.of("templates.json"));
 * int[][] problems = {tok.encode("2 + 2 =", false), tok.encode("3 + 4 =", false)};
 * Reward reward = Reward.regex(tok, "\\d+");
 *
 * Policy policy = new CausalLMPolicy(model);
 * Grpo grpo = new Grpo(policy, null, new Grpo.Config(4, 1, 0.2, 0.0, 0.0, 1e-5,
 *         new Generation.Config(16, 1.0, 0, tok.eosTokenId().orElse(-1))));
 * SplittableRandom rng = new SplittableRandom(0);
 * for (int step = 0; step < 10; step++) {
 *     grpo.step(problems, templates.generation(tok), templates.training(tok), reward, reward, rng);
 * }
 * HfModels.save(model, Path.of("out"));
 * }
 */
public final class CausalLMPolicy extends LanguageModelPolicy<CausalLM> {
    /**
     * A policy backed by a loaded (or freshly created) model.
     *
     * @param model the model; training the policy trains it in place
     */
    public CausalLMPolicy(CausalLM model) { super(model); }

    /**
     * The wrapped model.
     *
     * @return the model given to the constructor
     */
    public CausalLM model() { return model; }

    /**
     * {@inheritDoc} Rows stop at {@code cfg.eosToken()} (kept as the last token); every prompt plus
     * {@code cfg.maxNewTokens()} must fit the model's positions.
     *
     * @throws IllegalArgumentException if a prompt is empty or too long, or a token is outside the vocabulary
     */
    @Override
    public int[][] sample(int[][] prompts, Generation.Config cfg, Generator[] gens) { return super.sample(prompts, cfg, gens); }

    @Override
    Policy around(CausalLM frozen) { return new CausalLMPolicy(frozen); }
}
