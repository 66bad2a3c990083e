package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * A GPT-2-style decoder-only language model: token embedding {@code wte} + learned position embedding {@code wpe},
 * dropout {@code drop}, {@code nLayers} pre-LN {@link TransformerBlock}s {@code blocks.0 ...}, final LayerNorm
 * {@code lnF} and a bias-free head {@code head}. Linear and embedding weights start as N(0, 0.02²), biases as 0.
 */
public final class GPT extends Module implements LanguageModel {
    /**
     * Model sizes. contextLength is the longest sequence (positions) the model sees.
     *
     * @param vocabSize the number of token ids, the size of the embedding table and of the logits
     * @param contextLength the number of learned positions, the longest sequence a forward pass accepts
     * @param dModel the width of the residual stream; divisible by nHeads
     * @param nHeads the number of attention heads per block
     * @param nLayers the number of transformer blocks (0 allowed)
     * @param dropout the dropout probability used throughout, in [0, 1]
     */
    public record Config(int vocabSize, int contextLength, int dModel, int nHeads, int nLayers, double dropout) {
        /**
         * Checks the sizes.
         *
         * @throws IllegalArgumentException if a size is not positive, nLayers is negative, or dModel is not divisible
         * by nHeads
         */
        public Config {
            if (vocabSize <= 0 || contextLength <= 0 || dModel <= 0 || nHeads <= 0 || nLayers < 0) {
                throw new IllegalArgumentException("GPT.Config: sizes must be positive: " + this);
            }
            if (dModel % nHeads != 0) throw new IllegalArgumentException("GPT.Config: dModel must be divisible by nHeads");
        }
    }

    private final Config cfg;
    private final Embedding wte, wpe;
    private final Dropout drop;
    private final Sequential blocks;
    private final LayerNorm lnF;
    private final Linear head;

    /**
     * A freshly initialised model (all randomness, including dropout's, from gen).
     *
     * @param cfg the model sizes
     * @param gen the source of the initial weights and of dropout masks
     */
    public GPT(Config cfg, Generator gen) {
        this.cfg = cfg;
        wte = register("wte", new Embedding(cfg.vocabSize(), cfg.dModel(), gen));
        wpe = register("wpe", new Embedding(cfg.contextLength(), cfg.dModel(), gen));
        drop = register("drop", new Dropout(cfg.dropout(), gen));
        TransformerBlock[] bs = new TransformerBlock[cfg.nLayers()];
        for (int i = 0; i < bs.length; i++) bs[i] = new TransformerBlock(cfg.dModel(), cfg.nHeads(), cfg.dropout(), gen);
        blocks = register("blocks", new Sequential(bs));
        lnF = register("lnF", new LayerNorm(cfg.dModel()));
        head = register("head", new Linear(cfg.dModel(), cfg.vocabSize(), false, gen));
        for (Module m : namedModules().values()) {
            if (m instanceof Linear l) {
                Init.normal(l.weight(), 0.02, gen);
                if (l.bias() != null) Init.zeros(l.bias());
            } else if (m instanceof Embedding e) {
                Init.normal(e.weight(), 0.02, gen);
            }
        }
    }

    /**
     * The model sizes.
     *
     * @return the configuration given to the constructor
     */
    public Config config() { return cfg; }

    /**
     * A full forward pass from position 0.
     *
     * @param tokens int64 token ids [B, T], T ≤ contextLength
     * @return logits [B, T, vocabSize]
     * @throws IllegalArgumentException if tokens is not 2-D or T exceeds the context length
     */
    @Override
    public Tensor forward(Tensor tokens) { return forward(tokens, null); }

    /**
     * With a cache: tokens are the new positions only (following the cache's {@link KVCache#length()} positions);
     * returns their logits and extends the cache. Without (null): a full forward pass from position 0.
     *
     * @param tokens int64 token ids [B, Tnew]
     * @param cache the cache of earlier positions (extended in place), or null
     * @return logits [B, Tnew, vocabSize] for the new positions
     * @throws IllegalArgumentException if tokens is not 2-D or the positions exceed the context length
     */
    public Tensor forward(Tensor tokens, KVCache cache) { return forward(tokens, null, cache); }

    /**
     * A forward pass over a left-padded batch: row b of the sequence starts with {@code leftPad[b]} padding columns
     * (any token ids), which no real position attends to, and its real tokens take positions 0, 1, … from column
     * {@code leftPad[b]} on. So each row computes exactly what it would alone, up to float rounding. Logits at padding
     * columns are meaningless. With a cache, tokens are the new columns (never padding) and the padding must be the one
     * the cache was filled with.
     *
     * @param tokens int64 token ids [B, Tnew]
     * @param leftPad the padding columns of each row, or null (or all zero) for the ordinary unpadded pass
     * @param cache the cache of earlier columns (extended in place), or null
     * @return logits [B, Tnew, vocabSize]
     * @throws IllegalArgumentException if tokens is not 2-D, leftPad does not have B entries or leaves a row without a
     * real token, or a row's real positions exceed the context length
     */
    @Override
    public Tensor forward(Tensor tokens, int[] leftPad, KVCache cache) {
        if (tokens.dim() != 2) throw new IllegalArgumentException("GPT: tokens must be [B, T], got " + Arrays.toString(tokens.shape()));
        int b = tokens.size(0), t = tokens.size(1);
        int start = cache == null ? 0 : cache.length();
        boolean padded = false;
        if (leftPad != null) {
            if (leftPad.length != b) {
                throw new IllegalArgumentException("GPT: leftPad has " + leftPad.length + " entries for a batch of " + b + " rows");
            }
            for (int p : leftPad) {
                if (p < 0 || p >= start + t) {
                    throw new IllegalArgumentException("GPT: leftPad " + p + " outside [0, " + (start + t) + "): every row needs a real token");
                }
                padded |= p > 0;
            }
            if (cache != null) cache.useLeftPad(leftPad);
        } else if (cache != null) {
            cache.useLeftPad(null);
        }
        if (!padded) {
            if (start + t > cfg.contextLength()) {
                throw new IllegalArgumentException("GPT: " + (start + t) + " positions exceed the context length " + cfg.contextLength());
            }
            Tensor pos = Tensor.arange(start, start + t, 1, DType.INT64).to(tokens.device());
            Tensor x = drop.forward(wte.forward(tokens).add(wpe.forward(pos)));
            for (int i = 0; i < blocks.size(); i++) x = ((TransformerBlock) blocks.get(i)).forward(x, cache, i);
            return head.forward(lnF.forward(x));
        }
        int minPad = Integer.MAX_VALUE;
        for (int p : leftPad) minPad = Math.min(minPad, p);
        if (start + t - minPad > cfg.contextLength()) {
            throw new IllegalArgumentException("GPT: a row of " + (start + t - minPad) + " real positions exceeds the context length " + cfg.contextLength());
        }
        int tk = start + t;
        long[] pos = new long[b * t];
        boolean[] mask = new boolean[b * t * tk];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int col = start + i;
                pos[r * t + i] = Math.max(0, col - leftPad[r]);
                for (int j = 0; j < tk; j++) {
                    // future keys are hidden; padding keys too, except from the padding query itself (keeps its row finite)
                    mask[(r * t + i) * tk + j] = j > col || (j < leftPad[r] && j != col);
                }
            }
        }
        Tensor m = Tensor.of(mask, b, 1, t, tk).to(tokens.device());
        Tensor x = drop.forward(wte.forward(tokens).add(wpe.forward(Tensor.of(pos, b, t).to(tokens.device()))));
        for (int i = 0; i < blocks.size(); i++) x = ((TransformerBlock) blocks.get(i)).forward(x, cache, i, m);
        return head.forward(lnF.forward(x));
    }

    /**
     * An empty cache sized for this model.
     *
     * @return a cache with one slot per block
     */
    @Override
    public KVCache newCache() { return new KVCache(cfg.nLayers()); }

    /**
     * The vocabulary size.
     *
     * @return {@code config().vocabSize()}
     */
    @Override
    public int vocabSize() { return cfg.vocabSize(); }

    /**
     * The context length.
     *
     * @return {@code config().contextLength()}
     */
    @Override
    public int contextLength() { return cfg.contextLength(); }

    /**
     * The i-th transformer block ({@code blocks.i}).
     *
     * @param i the block index, in [0, nLayers)
     * @return the block
     */
    public TransformerBlock block(int i) { return (TransformerBlock) blocks.get(i); }

    /**
     * Continues the prompt by maxNewTokens tokens and returns prompt followed by them. Runs in eval mode under no-grad
     * (the previous mode is restored). Uses a KV cache: after the prompt is processed once, each step runs only the
     * newest token. When the sequence outgrows the context, the model sees the last contextLength tokens; as positions
     * are absolute, the cache is then rebuilt from that cropped window (as the uncached model would recompute it).
     *
     * @param prompt the token ids to continue, at least one
     * @param maxNewTokens the number of tokens to add
     * @param temperature 0 for greedy decoding
     * @param topK 0 to sample from all tokens
     * @param gen the source of the sampling randomness
     * @return a new array of {@code prompt.length + maxNewTokens} token ids
     * @throws IllegalArgumentException if the prompt is empty
     */
    public int[] generate(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen) {
        return run(prompt, maxNewTokens, temperature, topK, gen, true);
    }

    /**
     * As {@link #generate}, but recomputing the whole (cropped) sequence each step; a reference for testing.
     *
     * @param prompt the token ids to continue, at least one
     * @param maxNewTokens the number of tokens to add
     * @param temperature 0 for greedy decoding
     * @param topK 0 to sample from all tokens
     * @param gen the source of the sampling randomness
     * @return a new array of {@code prompt.length + maxNewTokens} token ids
     * @throws IllegalArgumentException if the prompt is empty
     */
    public int[] generateWithoutCache(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen) {
        return run(prompt, maxNewTokens, temperature, topK, gen, false);
    }

    private int[] run(int[] prompt, int maxNewTokens, double temperature, int topK, Generator gen, boolean useCache) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt must hold at least one token");
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int len = prompt.length;
        boolean wasTraining = isTraining();
        eval();
        try (var ignored = GradMode.noGrad()) {
            KVCache cache = useCache ? newCache() : null;
            dev.sluice.tensor.Device device = device();
            for (int step = 0; step < maxNewTokens; step++) {
                Tensor logits;
                if (useCache && cache.length() > 0 && cache.length() < cfg.contextLength()) {
                    logits = forward(window(seq, len - 1, len).to(device), cache);      // only the newest token
                } else {
                    if (useCache) cache.clear();
                    logits = forward(window(seq, Math.max(0, len - cfg.contextLength()), len).to(device), cache);
                }
                float[] last = logits.select(0, 0).select(0, logits.size(1) - 1).toFloatArray();
                seq[len++] = Sampler.sample(last, temperature, topK, gen);
            }
        } finally {
            train(wasTraining);
        }
        return seq;
    }

    private static Tensor window(int[] seq, int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) ids[i - from] = seq[i];
        return Tensor.of(ids, 1, ids.length);
    }
}
