package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Batched autoregressive sampling from a {@link LanguageModel} ({@link GPT}, or a Hugging Face model) for prompts of different lengths. Prompts are left-padded to the
 * longest one ({@link LanguageModel#forward(Tensor, int[], KVCache)} hides the padding and gives each row its own positions), so
 * all rows advance together; with a KV cache each step runs only the newest column. Each row draws from its own
 * {@link Generator}, only while it is unfinished, so a row's tokens do not depend on which other rows share its batch.
 */
public final class Generation {
    private Generation() {}

    /**
     * Sampling settings.
     *
     * @param maxNewTokens most tokens generated per row (≥ 1)
     * @param temperature  0 for greedy decoding
     * @param topK         0 to sample from all tokens
     * @param eosToken     a row stops after emitting this token (kept as the response's last token); −1 for none
     */
    public record Config(int maxNewTokens, double temperature, int topK, int eosToken) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if maxNewTokens &lt; 1, temperature is negative or NaN, topK &lt; 0 or
         * eosToken &lt; −1
         */
        public Config {
            if (maxNewTokens < 1) throw new IllegalArgumentException("Generation.Config: maxNewTokens must be >= 1, got " + maxNewTokens);
            if (!(temperature >= 0)) throw new IllegalArgumentException("Generation.Config: temperature must be >= 0, got " + temperature);
            if (topK < 0) throw new IllegalArgumentException("Generation.Config: topK must be >= 0, got " + topK);
            if (eosToken < -1) throw new IllegalArgumentException("Generation.Config: eosToken must be a token id or -1, got " + eosToken);
        }
    }

    /**
     * Samples one response per prompt (prompt tokens not included; the EOS token included where it was emitted). Runs
     * in eval mode under no-grad (the previous mode is restored). Every row's prompt plus maxNewTokens must fit the
     * context.
     *
     * @param <M> the model's type
     * @param model the language model ({@link GPT}, or a Hugging Face {@code CausalLM})
     * @param prompts the prompts' token ids, of any lengths ≥ 1
     * @param cfg the sampling settings
     * @param gens {@code gens[i]} drives row i; null entries are allowed for greedy decoding
     * @param useCache false recomputes the whole padded batch each step (a reference for testing)
     * @return one response per prompt, each of 1 to maxNewTokens tokens
     * @throws IllegalArgumentException if there are no prompts, gens has another length, a prompt is empty or too long,
     * or a token is outside the vocabulary
     */
    public static <M extends Module & LanguageModel> int[][] generate(M model, int[][] prompts, Config cfg, Generator[] gens, boolean useCache) {
        int b = prompts.length;
        if (b == 0) throw new IllegalArgumentException("Generation.generate: no prompts");
        if (gens.length != b) throw new IllegalArgumentException("Generation.generate: " + gens.length + " generators for " + b + " prompts");
        int p = 0;
        for (int[] pr : prompts) {
            if (pr.length == 0) throw new IllegalArgumentException("Generation.generate: every prompt needs at least one token");
            p = Math.max(p, pr.length);
        }
        int vocab = model.vocabSize();
        for (int[] pr : prompts) {
            if (pr.length + cfg.maxNewTokens() > model.contextLength()) {
                throw new IllegalArgumentException("Generation.generate: a prompt of " + pr.length + " tokens plus " + cfg.maxNewTokens()
                        + " new tokens exceeds the context length " + model.contextLength());
            }
            for (int tok : pr) if (tok < 0 || tok >= vocab) throw new IllegalArgumentException("Generation.generate: token " + tok + " outside [0, " + vocab + ")");
        }
        int cols = p + cfg.maxNewTokens();
        long[][] seq = new long[b][cols];
        int[] pad = new int[b];
        for (int i = 0; i < b; i++) {
            pad[i] = p - prompts[i].length;
            for (int j = 0; j < prompts[i].length; j++) seq[i][pad[i] + j] = prompts[i][j];
        }
        int[][] out = new int[b][cfg.maxNewTokens()];
        int[] len = new int[b];
        boolean[] done = new boolean[b];
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var ignored = GradMode.noGrad()) {
            KVCache cache = useCache ? model.newCache() : null;
            dev.sluice.tensor.Device device = model.device();
            for (int step = 0, width = p; step < cfg.maxNewTokens(); step++, width++) {
                Tensor window = useCache && step > 0 ? columns(seq, width - 1, width) : columns(seq, 0, width);
                Tensor logits = model.forward(window.to(device), pad, cache);
                float[] last = logits.select(1, logits.size(1) - 1).contiguous().toFloatArray(); // [B, V]
                boolean any = false;
                for (int i = 0; i < b; i++) {
                    if (done[i]) continue;
                    int tok = Sampler.sample(Arrays.copyOfRange(last, i * vocab, (i + 1) * vocab), cfg.temperature(), cfg.topK(), gens[i]);
                    out[i][len[i]++] = tok;
                    seq[i][width] = tok;
                    done[i] = tok == cfg.eosToken();
                    any |= !done[i];
                }
                if (!any) break;
            }
        } finally {
            model.train(wasTraining);
        }
        int[][] responses = new int[b][];
        for (int i = 0; i < b; i++) responses[i] = Arrays.copyOf(out[i], len[i]);
        return responses;
    }

    private static Tensor columns(long[][] seq, int from, int to) {
        long[] flat = new long[seq.length * (to - from)];
        for (int i = 0; i < seq.length; i++) System.arraycopy(seq[i], from, flat, i * (to - from), to - from);
        return Tensor.of(flat, seq.length, to - from);
    }
}
