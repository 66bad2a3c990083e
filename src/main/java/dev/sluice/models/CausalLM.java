package dev.sluice.models;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.KVCache;
import dev.sluice.nn.Module;
import dev.sluice.nn.Sampler;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * A decoder-only language model with Hugging Face's parameter names: its {@link #namedParameters()} are the names of
 * the {@code *ForCausalLM} checkpoint ({@code model.layers.0.self_attn.q_proj.weight},
 * {@code transformer.h.0.attn.c_attn.weight}, ...), so a state dict moves between Sluice and transformers unchanged.
 * Everything is differentiable. Load and save with {@link HfModels}.
 */
public abstract class CausalLM extends Module {
    private Map<String, String> loadedDtypes = Map.of();

    /** A model with nothing registered yet (for subclasses). */
    protected CausalLM() {}

    /**
     * The logits of the next token at each position. With a cache, tokens are the new positions only (following the
     * cache's {@link KVCache#length()} positions), and the cache is extended; without (null), a full pass from
     * position 0.
     *
     * @param tokens int64 (or int32) token ids [B, T]
     * @param cache the cache of earlier positions (from {@link #newCache()}), extended in place; or null
     * @return float32 logits [B, T, vocabSize]
     * @throws IllegalArgumentException if tokens is not 2-D or the positions exceed what the model supports
     */
    public abstract Tensor forward(Tensor tokens, KVCache cache);

    /**
     * A full forward pass from position 0.
     *
     * @param tokens int64 token ids [B, T]
     * @return logits [B, T, vocabSize]
     * @throws IllegalArgumentException if tokens is not 2-D or T is too long
     */
    @Override
    public Tensor forward(Tensor tokens) { return forward(tokens, null); }

    /**
     * The configuration.
     *
     * @return the config the model was built from
     */
    public abstract ModelConfig config();

    /**
     * An empty KV cache sized for this model.
     *
     * @return a cache with one slot per layer
     */
    public KVCache newCache() { return new KVCache(config().numLayers()); }

    /**
     * The safetensors dtype each parameter had in the checkpoint it was loaded from ({@code F32}, {@code F16},
     * {@code BF16}); {@link HfModels#save(CausalLM, java.nio.file.Path)} stores each parameter in it again.
     *
     * @return an unmodifiable map by parameter name, empty for a model that was not loaded
     */
    public Map<String, String> loadedDtypes() { return loadedDtypes; }

    void setLoadedDtypes(Map<String, String> dtypes) {
        loadedDtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
    }

    /**
     * Continues the prompt by maxNewTokens tokens and returns prompt followed by them: greedy (temperature 0) or
     * sampled with temperature and top-k ({@link Sampler}). Runs in eval mode under no-grad (the previous mode is
     * restored), with a KV cache: the prompt is processed once, then each step runs only the newest token.
     *
     * @param prompt the token ids to continue, at least one
     * @param maxNewTokens the number of tokens to add, non-negative
     * @param temperature 0 for greedy decoding
     * @param topK 0 to sample from all tokens
     * @param gen the source of the sampling randomness (may be null for greedy decoding)
     * @return a new array of {@code prompt.length + maxNewTokens} token ids
     * @throws IllegalArgumentException if the prompt is empty, a token is outside the vocabulary, or the sequence
     * would exceed {@link ModelConfig#maxPositions()}
     */
    public int[] generate(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen) {
        return run(prompt, maxNewTokens, temperature, topK, gen, true, null);
    }

    /**
     * As {@link #generate(int[], int, double, int, Generator)}, handing each new token to {@code onToken} as soon as it
     * is sampled (for streaming), and stopping early when it returns false (at an end-of-sequence token, say). With the
     * same arguments and a fresh generator of the same seed, the tokens are those of the method without a callback, up
     * to where this one stopped.
     *
     * @param prompt the token ids to continue, at least one
     * @param maxNewTokens the most tokens to add, non-negative
     * @param temperature 0 for greedy decoding
     * @param topK 0 to sample from all tokens
     * @param gen the source of the sampling randomness (may be null for greedy decoding)
     * @param onToken called with each new token id in order; returns whether to go on
     * @return a new array: the prompt followed by the tokens generated, the last one being the one for which
     * {@code onToken} returned false if it did
     * @throws IllegalArgumentException as {@link #generate(int[], int, double, int, Generator)}
     */
    public int[] generate(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen, IntPredicate onToken) {
        java.util.Objects.requireNonNull(onToken, "generate: onToken");
        return run(prompt, maxNewTokens, temperature, topK, gen, true, onToken);
    }

    /**
     * As {@link #generate}, recomputing the whole sequence at every step: a reference for testing the cache.
     *
     * @param prompt the token ids to continue, at least one
     * @param maxNewTokens the number of tokens to add, non-negative
     * @param temperature 0 for greedy decoding
     * @param topK 0 to sample from all tokens
     * @param gen the source of the sampling randomness (may be null for greedy decoding)
     * @return a new array of {@code prompt.length + maxNewTokens} token ids
     * @throws IllegalArgumentException as {@link #generate}
     */
    public int[] generateWithoutCache(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen) {
        return run(prompt, maxNewTokens, temperature, topK, gen, false, null);
    }

    private int[] run(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen, boolean useCache,
                      IntPredicate onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt must hold at least one token");
        if (maxNewTokens < 0) throw new IllegalArgumentException("generate: maxNewTokens must be >= 0, got " + maxNewTokens);
        int vocab = config().vocabSize();
        for (int t : prompt) if (t < 0 || t >= vocab) throw new IllegalArgumentException("generate: token " + t + " outside [0, " + vocab + ")");
        if (prompt.length + maxNewTokens > config().maxPositions()) {
            throw new IllegalArgumentException("generate: " + prompt.length + " prompt tokens plus " + maxNewTokens
                    + " new ones exceed the model's " + config().maxPositions() + " positions");
        }
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int len = prompt.length;
        boolean wasTraining = isTraining();
        eval();
        try (var ignored = GradMode.noGrad()) {
            KVCache cache = useCache ? newCache() : null;
            dev.sluice.tensor.Device device = device();
            for (int step = 0; step < maxNewTokens; step++) {
                int from = useCache && step > 0 ? len - 1 : 0;
                long[] ids = new long[len - from];
                for (int i = from; i < len; i++) ids[i - from] = seq[i];
                Tensor logits = forward(Tensor.of(ids, 1, ids.length).to(device), cache);
                float[] last = logits.select(0, 0).select(0, logits.size(1) - 1).toFloatArray();
                int next = Sampler.sample(last, temperature, topK, gen);
                seq[len++] = next;
                if (onToken != null && !onToken.test(next)) break;
            }
        } finally {
            train(wasTraining);
        }
        return len == seq.length ? seq : Arrays.copyOf(seq, len);
    }

    /** Checks tokens [B, T] and returns the first position. */
    int checkTokens(Tensor tokens, KVCache cache) {
        if (tokens.dim() != 2) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": tokens must be [B, T], got " + Arrays.toString(tokens.shape()));
        }
        if (cache != null && cache.layers() != config().numLayers()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the cache has " + cache.layers()
                    + " layers, the model " + config().numLayers());
        }
        return cache == null ? 0 : cache.length();
    }
}
