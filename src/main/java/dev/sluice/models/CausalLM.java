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
public abstract class CausalLM extends Module implements dev.sluice.nn.LanguageModel {
    private Map<String, String> loadedDtypes = Map.of();

    /** A model with nothing registered yet (for subclasses). */
    protected CausalLM() {}

    /**
     * The logits of the next token at each position (an unpadded batch). With a cache, tokens are the new positions only (following the
     * cache's {@link KVCache#length()} positions), and the cache is extended; without (null), a full pass from
     * position 0.
     *
     * @param tokens int64 (or int32) token ids [B, T]
     * @param cache the cache of earlier positions (from {@link #newCache()}), extended in place; or null
     * @return float32 logits [B, T, vocabSize]
     * @throws IllegalArgumentException if tokens is not 2-D or the positions exceed what the model supports
     */
    public Tensor forward(Tensor tokens, KVCache cache) { return forward(tokens, null, cache); }

    /**
     * A forward pass over a left-padded batch: row b starts with {@code leftPad[b]} padding columns (any token ids),
     * which no real position attends to, and its real tokens take positions 0, 1, … from column {@code leftPad[b]} on,
     * so each row computes what it would alone, up to float rounding. Logits at padding columns are meaningless. With a
     * cache, tokens are the new columns (never padding) and the padding must be the one the cache was filled with.
     *
     * @param tokens int64 (or int32) token ids [B, T]
     * @param leftPad the padding columns of each row, or null (or all zero) for the ordinary unpadded pass
     * @param cache the cache of earlier columns (from {@link #newCache()}), extended in place; or null
     * @return float32 logits [B, T, vocabSize]
     * @throws IllegalArgumentException if tokens is not 2-D, leftPad does not have B entries or leaves a row without a
     * real token, the cache was filled with another padding, or the positions exceed what the model supports
     */
    @Override
    public abstract Tensor forward(Tensor tokens, int[] leftPad, KVCache cache);

    /**
     * The vocabulary size.
     *
     * @return {@code config().vocabSize()}
     */
    @Override
    public int vocabSize() { return config().vocabSize(); }

    /**
     * The longest sequence the model is meant for.
     *
     * @return {@code config().maxPositions()}
     */
    @Override
    public int contextLength() { return config().maxPositions(); }

    /**
     * The mean next-token cross-entropy of token sequences: the logits at columns 0 … T−2 against the tokens at
     * columns 1 … T−1.
     *
     * @param tokens int64 token ids [B, T], T ≥ 2
     * @return the scalar loss, differentiable in the parameters
     * @throws IllegalArgumentException if tokens is not [B, T] with T ≥ 2
     */
    public Tensor nextTokenLoss(Tensor tokens) {
        if (tokens.dim() != 2 || tokens.size(1) < 2) {
            throw new IllegalArgumentException("nextTokenLoss: tokens must be [B, T] with T >= 2, got " + Arrays.toString(tokens.shape()));
        }
        int t = tokens.size(1);
        Tensor logits = forward(tokens.narrow(1, 0, t - 1).contiguous());
        return dev.sluice.nn.Losses.crossEntropy(logits.reshape(-1, logits.size(2)), tokens.narrow(1, 1, t - 1).contiguous().reshape(-1));
    }

    /**
     * The name of the hook point on layer {@code layer}'s MLP hidden activation (the input of the MLP's output
     * projection, [B, T, width]): the place to route gradients for Expand-Route-Ablate.
     *
     * @param layer the layer index, in [0, numLayers)
     * @return e.g. {@code model.layers.3.mlp.hidden} or {@code transformer.h.3.mlp.hidden}
     * @throws IndexOutOfBoundsException if there is no such layer
     */
    public String mlpHiddenHook(int layer) {
        checkLayer("mlpHiddenHook", layer);
        return layerPrefix() + layer + ".mlp.hidden";
    }

    /**
     * The name of the hook point on the residual stream after layer {@code layer} ([B, T, hidden]), e.g. for RMU.
     *
     * @param layer the layer index, in [0, numLayers)
     * @return e.g. {@code model.layers.3.resid} or {@code transformer.h.3.resid}
     * @throws IndexOutOfBoundsException if there is no such layer
     */
    public String residHook(int layer) {
        checkLayer("residHook", layer);
        return layerPrefix() + layer + ".resid";
    }

    /** The Hugging Face name of the layer list with a trailing dot: {@code model.layers.} or {@code transformer.h.}. */
    abstract String layerPrefix();

    /**
     * The current width of layer {@code layer}'s MLP hidden activation (the config's intermediate size unless
     * {@link #expandMlp} or {@link #narrowMlp} changed it).
     *
     * @param layer the layer index, in [0, numLayers)
     * @return the number of hidden units
     * @throws IndexOutOfBoundsException if there is no such layer
     */
    public abstract int mlpWidth(int layer);

    /**
     * Widens layer {@code layer}'s MLP by {@code units} hidden units appended after the existing ones: the projections
     * into the hidden layer gain rows, the output projection gains input columns, all new weights drawn from
     * N(0, initializerRange²) with gen (new biases 0); existing weights are kept. The model's function changes only by
     * the new units' small contribution. Parameters are replaced by new tensors: build optimizers after surgery. A model
     * whose widths differ from the config's cannot be saved ({@link HfModels#save}); narrow it back first.
     *
     * @param layer the layer index, in [0, numLayers)
     * @param units the number of hidden units to add, at least 1
     * @param gen the source of the new weights
     * @throws IndexOutOfBoundsException if there is no such layer
     * @throws IllegalArgumentException if units &lt; 1
     */
    public abstract void expandMlp(int layer, int units, Generator gen);

    /**
     * Narrows layer {@code layer}'s MLP to its first {@code units} hidden units, slicing the others away (the ablation
     * of Expand-Route-Ablate when units is the original width). Parameters are replaced by new tensors.
     *
     * @param layer the layer index, in [0, numLayers)
     * @param units the number of hidden units kept, in [1, mlpWidth(layer)]
     * @throws IndexOutOfBoundsException if there is no such layer
     * @throws IllegalArgumentException if units is out of range
     */
    public abstract void narrowMlp(int layer, int units);

    /** Checks a layer index. */
    void checkLayer(String op, int layer) {
        if (layer < 0 || layer >= config().numLayers()) {
            throw new IndexOutOfBoundsException(getClass().getSimpleName() + "." + op + ": layer " + layer
                    + " outside [0, " + config().numLayers() + ")");
        }
    }

    /** A copy of w [rows, cols] with {@code extra} rows (dim 0) or columns (dim 1) of N(0, std²) appended. */
    static Tensor grow(Tensor w, int dim, int extra, double std, Generator gen) {
        if (extra < 1) throw new IllegalArgumentException("expandMlp: units must be >= 1, got " + extra);
        try (var ignored = GradMode.noGrad()) {
            int[] shape = w.shape().clone();
            shape[dim] = extra;
            Tensor fresh = Tensor.zeros(shape);
            dev.sluice.nn.Init.normal(fresh, std, gen);
            return Tensor.cat(dim, w.detach(), fresh.to(w.device())).contiguous().detach();
        }
    }

    /** A copy of the first n entries of w along dim. */
    static Tensor keep(Tensor w, int dim, int n, String op) {
        if (n < 1 || n > w.size(dim)) throw new IllegalArgumentException(op + ": units must be in [1, " + w.size(dim) + "], got " + n);
        try (var ignored = GradMode.noGrad()) {
            return w.narrow(dim, 0, n).contiguous().clone().detach();
        }
    }

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
    @Override
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
