package dev.sluice.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of a GPT-2 model ({@code model_type} {@code "gpt2"}): learned positions, pre-LayerNorm blocks,
 * fused {@code c_attn} projection, GELU (tanh approximation by default) MLP.
 *
 * @param vocabSize the vocabulary size ({@code vocab_size})
 * @param nPositions the number of learned positions ({@code n_positions})
 * @param nEmbd the residual width, divisible by nHead
 * @param nLayer the number of blocks
 * @param nHead the number of attention heads
 * @param nInner the MLP's hidden width ({@code n_inner}; 4·nEmbd when the config has null)
 * @param activation the MLP activation: {@code gelu_new} or {@code gelu_pytorch_tanh} (tanh approximation),
 * {@code gelu} (exact), {@code relu}, {@code silu} or {@code tanh}
 * @param layerNormEps the LayerNorm epsilon
 * @param embdPdrop dropout after the embeddings, in training mode
 * @param attnPdrop dropout on the attention weights, in training mode
 * @param residPdrop dropout on each sublayer's output, in training mode
 * @param scaleAttnByInverseLayerIdx whether layer i's attention scores are also divided by i + 1
 * @param tieWordEmbeddings whether the output head shares {@code wte}'s weight (GPT-2's default)
 * @param initializerRange the standard deviation of fresh weights
 * @param extra fields kept verbatim on save that do not change the math
 */
public record Gpt2Config(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead, int nInner, String activation,
                         double layerNormEps, double embdPdrop, double attnPdrop, double residPdrop,
                         boolean scaleAttnByInverseLayerIdx, boolean tieWordEmbeddings, double initializerRange,
                         Map<String, Object> extra) implements ModelConfig {
    private static final Set<String> ACTIVATIONS = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu", "relu", "silu", "swish", "tanh");

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if a size is not positive, nHead does not divide nEmbd, the activation is
     * unknown or a dropout rate is outside [0, 1]
     */
    public Gpt2Config {
        if (vocabSize <= 0 || nPositions <= 0 || nEmbd <= 0 || nLayer < 0 || nHead <= 0 || nInner <= 0) {
            throw new IllegalArgumentException("Gpt2Config: sizes must be positive: " + this);
        }
        if (nEmbd % nHead != 0) throw new IllegalArgumentException("Gpt2Config: n_embd " + nEmbd + " must be divisible by n_head " + nHead);
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("Gpt2Config: activation_function \"" + activation + "\" is not supported (supported: " + ACTIVATIONS + ")");
        }
        for (double p : new double[] {embdPdrop, attnPdrop, residPdrop}) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Gpt2Config: dropout rates must be in [0, 1]: " + this);
        }
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * A GPT-2 config with the defaults of Hugging Face's GPT2Config (gelu_new, eps 1e-5, tied embeddings), no dropout.
     *
     * @param vocabSize the vocabulary size
     * @param nPositions the number of positions
     * @param nEmbd the width
     * @param nLayer the number of blocks
     * @param nHead the number of heads
     * @return the config
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static Gpt2Config of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        return new Gpt2Config(vocabSize, nPositions, nEmbd, nLayer, nHead, 4 * nEmbd, "gelu_new", 1e-5, 0, 0, 0, false, true,
                0.02, Map.of("architectures", List.of("GPT2LMHeadModel")));
    }

    @Override
    public String modelType() { return "gpt2"; }

    @Override
    public int maxPositions() { return nPositions; }

    @Override
    public int numLayers() { return nLayer; }

    @Override
    public long parameterCount() {
        long e = nEmbd, in = nInner;
        long layer = 2 * 2 * e + (e * 3 * e + 3 * e) + (e * e + e) + (e * in + in) + (in * e + e);
        long wte = (long) vocabSize * e;
        return wte + (long) nPositions * e + nLayer * layer + 2 * e + (tieWordEmbeddings ? 0 : wte);
    }

    private static final Set<String> KEPT = Set.of("n_ctx", "summary_type", "summary_use_proj", "summary_activation",
            "summary_proj_to_labels", "summary_first_dropout", "reorder_and_upcast_attn");

    /**
     * Reads a {@code config.json} object of model type gpt2.
     *
     * @param json the parsed config
     * @return the config
     * @throws IllegalArgumentException naming the field and value for anything Sluice does not implement (e.g.
     * {@code scale_attn_weights} false, {@code add_cross_attention} true, an unknown activation) and for a missing or
     * malformed required field
     */
    public static Gpt2Config fromJson(Map<String, Object> json) {
        ConfigReader r = new ConfigReader("gpt2", json);
        r.raw("model_type");
        int vocab = r.positive("vocab_size", 50257);
        int pos = r.positive("n_positions", 1024);
        int embd = r.positive("n_embd", 768);
        int layer = r.integer("n_layer", 12);
        int head = r.positive("n_head", 12);
        int inner = r.has("n_inner") ? r.positive("n_inner", null) : 4 * embd;
        r.raw("n_inner");
        String act = r.string("activation_function", "gelu_new");
        if (!ACTIVATIONS.contains(act)) throw r.error("activation_function", "= \"" + act + "\" is not supported (supported: " + ACTIVATIONS + ")");
        double eps = r.number("layer_norm_epsilon", 1e-5);
        double embdP = r.number("embd_pdrop", 0.1), attnP = r.number("attn_pdrop", 0.1), residP = r.number("resid_pdrop", 0.1);
        r.require("scale_attn_weights", Boolean.TRUE, "unscaled attention scores are not implemented");
        boolean inverse = r.bool("scale_attn_by_inverse_layer_idx", false);
        boolean tie = r.bool("tie_word_embeddings", true);
        double init = r.number("initializer_range", 0.02);
        LinkedHashMap<String, Object> kept = r.finish(KEPT);
        return new Gpt2Config(vocab, pos, embd, layer, head, inner, act, eps, embdP, attnP, residP, inverse, tie, init, kept);
    }

    @Override
    public LinkedHashMap<String, Object> toJson() {
        LinkedHashMap<String, Object> j = new LinkedHashMap<>();
        j.put("model_type", "gpt2");
        j.put("vocab_size", vocabSize);
        j.put("n_positions", nPositions);
        j.put("n_embd", nEmbd);
        j.put("n_layer", nLayer);
        j.put("n_head", nHead);
        j.put("n_inner", nInner == 4 * nEmbd ? null : nInner);
        j.put("activation_function", activation);
        j.put("layer_norm_epsilon", layerNormEps);
        j.put("embd_pdrop", embdPdrop);
        j.put("attn_pdrop", attnPdrop);
        j.put("resid_pdrop", residPdrop);
        j.put("scale_attn_weights", true);
        j.put("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx);
        j.put("tie_word_embeddings", tieWordEmbeddings);
        j.put("initializer_range", initializerRange);
        for (var e : extra.entrySet()) j.putIfAbsent(e.getKey(), e.getValue());
        return j;
    }
}
