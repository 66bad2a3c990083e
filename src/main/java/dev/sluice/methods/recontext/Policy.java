package dev.sluice.methods.recontext;

import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.List;

/**
 * What the trainers need from a model that answers prompts with token sequences: sample responses, and score given
 * responses under given prompts (teacher-forced, response tokens only). {@link GptPolicy} is the language-model
 * implementation; a policy with a one-token response (a classifier over answers) fits as well.
 */
public interface Policy {
    /**
     * One sampled response per prompt, under no-grad; row i draws only from {@code gens[i]}. Policies with a fixed
     * response length may ignore {@code cfg.maxNewTokens()} and {@code cfg.eosToken()}.
     *
     * @param prompts the prompts' token ids
     * @param cfg the sampling settings
     * @param gens one generator per prompt
     * @return one response (token ids) per prompt
     */
    int[][] sample(int[][] prompts, Generation.Config cfg, Generator[] gens);

    /**
     * Per-token log-probabilities (and entropies when asked) of {@code responses[i]} given {@code prompts[i]};
     * differentiable.
     *
     * @param prompts the prompts' token ids
     * @param responses the responses' token ids, one per prompt
     * @param withEntropy also compute the entropy of the next-token distribution at each response token
     * @return the scores, rows in prompt order
     */
    ResponseScores score(int[][] prompts, int[][] responses, boolean withEntropy);

    /**
     * The trainable parameters.
     *
     * @return the parameters an optimiser should update
     */
    List<Tensor> parameters();

    /**
     * An independent copy with frozen parameters (a reference policy for the KL term).
     *
     * @return a deep copy whose parameters do not require grad
     */
    Policy frozenCopy();
}
