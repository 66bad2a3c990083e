package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Teacher-forced scores of given responses: per response token its log-probability (and optionally the entropy of
 * the model's next-token distribution there), with a response-only mask. Row b holds response b's tokens in columns
 * 0 … len−1; later columns are masked (zero). Differentiable when computed with grad mode on.
 *
 * @param tokenLogProbs [B, R] log π(y_t | prompt, y_&lt;t), zero where masked
 * @param mask          [B, R] float, 1 on response tokens, 0 on padding
 * @param sum           [B] sequence log-probability Σ_t log π(y_t | …)
 * @param entropy       [B, R] entropy (nats) of the next-token distribution at each response token, zero where
 *                      masked; null when not requested
 */
public record ResponseScores(Tensor tokenLogProbs, Tensor mask, Tensor sum, Tensor entropy) {
    /**
     * The number of real response tokens per row.
     *
     * @return a float tensor [B], the row sums of {@link #mask()}
     */
    public Tensor lengths() { return mask.sum(1); }

    /**
     * Scores responses under prompts with one left-padded forward pass: rows are [padding, prompt, response, right
     * padding], the logits just before each response token are log-softmaxed and the response token's entry gathered.
     *
     * @param <M> the model's type
     * @param model the language model ({@link GPT}, or a Hugging Face {@code CausalLM})
     * @param prompts B prompts' token ids, each at least one token
     * @param responses B responses' token ids, each at least one token
     * @param withEntropy also compute {@link #entropy()}
     * @return the scores, with R the longest response length
     * @throws IllegalArgumentException if the counts differ or are 0, or a prompt or response is empty
     */
    public static <M extends Module & LanguageModel> ResponseScores of(M model, int[][] prompts, int[][] responses, boolean withEntropy) {
        int b = prompts.length;
        if (b == 0 || responses.length != b) {
            throw new IllegalArgumentException("ResponseScores.of: " + b + " prompts and " + responses.length + " responses; expected the same positive number");
        }
        int p = 0, r = 0;
        for (int i = 0; i < b; i++) {
            if (prompts[i].length == 0 || responses[i].length == 0) {
                throw new IllegalArgumentException("ResponseScores.of: row " + i + " has a prompt of " + prompts[i].length
                        + " and a response of " + responses[i].length + " tokens; both need at least one");
            }
            p = Math.max(p, prompts[i].length);
            r = Math.max(r, responses[i].length);
        }
        int t = p + r - 1; // the last response token is only a target
        long[] seq = new long[b * t];
        int[] pad = new int[b];
        for (int i = 0; i < b; i++) {
            pad[i] = p - prompts[i].length;
            for (int j = 0; j < prompts[i].length; j++) seq[i * t + pad[i] + j] = prompts[i][j];
            for (int j = 0; j < responses[i].length - 1; j++) seq[i * t + p + j] = responses[i][j];
        }
        Tensor logits = model.forward(Tensor.of(seq, b, t).to(model.device()), pad, null);   // [B, T, V]
        return fromLogits(logits.narrow(1, p - 1, r), responses, withEntropy);
    }

    /**
     * Scores from logits [B, R, V] where row b, column t predicts response token t of row b (columns past a response's
     * length are ignored). Any policy that produces next-token logits can use this.
     *
     * @param logits next-token logits [B, R, V]
     * @param responses B responses' token ids, none longer than R
     * @param withEntropy also compute {@link #entropy()}
     * @return the scores
     * @throws IllegalArgumentException if the logits are not [B, R, V], a response is longer than R, or a token is
     * outside [0, V)
     */
    public static ResponseScores fromLogits(Tensor logits, int[][] responses, boolean withEntropy) {
        if (logits.dim() != 3 || logits.size(0) != responses.length) {
            throw new IllegalArgumentException("ResponseScores.fromLogits: logits must be [B=" + responses.length
                    + ", R, V], got " + Arrays.toString(logits.shape()));
        }
        int b = responses.length, r = logits.size(1), v = logits.size(2);
        long[] targets = new long[b * r];
        float[] mask = new float[b * r];
        for (int i = 0; i < b; i++) {
            if (responses[i].length > r) {
                throw new IllegalArgumentException("ResponseScores.fromLogits: response " + i + " has " + responses[i].length
                        + " tokens but the logits cover " + r);
            }
            for (int j = 0; j < responses[i].length; j++) {
                int tok = responses[i][j];
                if (tok < 0 || tok >= v) throw new IllegalArgumentException("ResponseScores: token " + tok + " outside [0, " + v + ")");
                targets[i * r + j] = tok;
                mask[i * r + j] = 1;
            }
        }
        Tensor m = Tensor.of(mask, b, r).to(logits.device());
        Tensor logp = logits.logSoftmax(-1);                                                   // [B, R, V]
        Tensor tokenLp = logp.gather(2, Tensor.of(targets, b, r, 1).to(logits.device())).reshape(b, r).mul(m);
        Tensor entropy = null;
        if (withEntropy) entropy = logp.exp().mul(logp).sum(2).neg().mul(m);
        return new ResponseScores(tokenLp, m, tokenLp.sum(1), entropy);
    }
}
