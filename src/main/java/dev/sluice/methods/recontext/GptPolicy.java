package dev.sluice.methods.recontext;

import dev.sluice.nn.GPT;
import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.List;

/** A {@link GPT} as a policy: batched left-padded sampling with a KV cache, teacher-forced scoring in one pass. */
public final class GptPolicy implements Policy {
    private final GPT model;

    /**
     * A policy backed by a language model.
     *
     * @param model the model; training the policy trains it in place
     */
    public GptPolicy(GPT model) { this.model = model; }

    /**
     * The wrapped model.
     *
     * @return the model given to the constructor
     */
    public GPT model() { return model; }

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
        GPT copy = model.deepCopy();
        copy.freeze();
        return new GptPolicy(copy);
    }
}
