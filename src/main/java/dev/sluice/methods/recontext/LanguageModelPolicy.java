package dev.sluice.methods.recontext;

import dev.sluice.nn.Generation;
import dev.sluice.nn.LanguageModel;
import dev.sluice.nn.Module;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * What {@link GptPolicy} and {@link CausalLMPolicy} share: any module that is a {@link LanguageModel} samples through
 * {@link Generation#generate} (batched, left-padded, KV cache) and scores through {@link ResponseScores#of} (one
 * teacher-forced pass); the subclasses only name the model type.
 *
 * @param <M> the model type
 */
abstract sealed class LanguageModelPolicy<M extends Module & LanguageModel> implements Policy
        permits GptPolicy, CausalLMPolicy {
    /** The model; training the policy trains it in place. */
    final M model;

    LanguageModelPolicy(M model) { this.model = model; }

    /** A policy of the same kind around {@code frozen}, a frozen deep copy of {@link #model}. */
    abstract Policy around(M frozen);

    @Override
    public int[][] sample(int[][] prompts, Generation.Config cfg, Generator[] gens) {
        return Generation.generate(model, prompts, cfg, gens, true);
    }

    @Override
    public ResponseScores score(int[][] prompts, int[][] responses, boolean withEntropy) {
        return ResponseScores.of(model, prompts, responses, withEntropy);
    }

    @Override
    public List<Tensor> parameters() { return model.parameters(); }

    @Override
    public Policy frozenCopy() {
        M copy = model.deepCopy();
        copy.freeze();
        return around(copy);
    }
}
