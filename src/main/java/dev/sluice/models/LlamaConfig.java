package dev.sluice.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of a Llama-family model ({@code model_type} {@code "llama"}: Llama 2 and 3, SmolLM, TinyLlama; or
 * {@code "qwen2"}: Qwen2 and Qwen2.5): RMSNorm, rotary positions, SwiGLU MLP, grouped-query attention.
 *
 * @param modelType {@code "llama"} or {@code "qwen2"}
 * @param vocabSize the vocabulary size
 * @param hiddenSize the residual width
 * @param intermediateSize the MLP's hidden width
 * @param numLayers the number of decoder layers
 * @param numHeads the number of query heads
 * @param numKvHeads the number of key/value heads, dividing numHeads (numHeads for plain multi-head attention)
 * @param headDim the dimension of each head (usually hiddenSize / numHeads), even
 * @param maxPositions {@code max_position_embeddings}
 * @param rmsNormEps the RMSNorm epsilon
 * @param ropeTheta the rotary base
 * @param ropeScaling the rotary frequency rescaling, or null
 * @param attentionBias whether q, k, v and o projections have biases (Llama's {@code attention_bias})
 * @param qkvBias whether q, k and v projections have biases (always for Qwen2; equals attentionBias for Llama)
 * @param mlpBias whether the MLP projections have biases ({@code mlp_bias})
 * @param tieWordEmbeddings whether the output head shares the token embedding's weight
 * @param attentionDropout dropout on the attention weights in training mode
 * @param initializerRange the standard deviation of fresh weights
 * @param extra fields kept verbatim on save that do not change the math (ids, architectures, ...)
 */
public record LlamaConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int maxPositions, double rmsNormEps, double ropeTheta,
                          RopeScaling ropeScaling, boolean attentionBias, boolean qkvBias, boolean mlpBias,
                          boolean tieWordEmbeddings, double attentionDropout, double initializerRange,
                          Map<String, Object> extra) implements ModelConfig {
    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if the type is not llama or qwen2, a size is not positive, numKvHeads does not
     * divide numHeads, headDim is odd, or a rate is out of range
     */
    public LlamaConfig {
        if (!modelType.equals("llama") && !modelType.equals("qwen2")) {
            throw new IllegalArgumentException("LlamaConfig: model type must be \"llama\" or \"qwen2\", got \"" + modelType + "\"");
        }
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numLayers < 0 || numHeads <= 0 || numKvHeads <= 0
                || headDim <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("LlamaConfig: sizes must be positive: " + this);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("LlamaConfig: num_key_value_heads " + numKvHeads + " must divide num_attention_heads " + numHeads);
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("LlamaConfig: head_dim must be even for rotary embeddings, got " + headDim);
        if (!(rmsNormEps >= 0) || !(ropeTheta > 0) || !(attentionDropout >= 0 && attentionDropout <= 1)) {
            throw new IllegalArgumentException("LlamaConfig: rms_norm_eps must be >= 0, rope_theta > 0 and attention_dropout in [0, 1]: " + this);
        }
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * A plain Llama config (no biases, no rope scaling, eps 1e-5, theta 10000, initializer range 0.02).
     *
     * @param vocabSize the vocabulary size
     * @param hiddenSize the residual width, divisible by numHeads
     * @param intermediateSize the MLP's hidden width
     * @param numLayers the number of decoder layers
     * @param numHeads the number of query heads
     * @param numKvHeads the number of key/value heads, dividing numHeads
     * @param maxPositions the context length
     * @param tieWordEmbeddings whether the head shares the embedding's weight
     * @return the config
     * @throws IllegalArgumentException as the canonical constructor, or if numHeads does not divide hiddenSize
     */
    public static LlamaConfig llama(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                                    int numKvHeads, int maxPositions, boolean tieWordEmbeddings) {
        if (numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("LlamaConfig: hidden_size " + hiddenSize + " must be divisible by num_attention_heads " + numHeads);
        }
        return new LlamaConfig("llama", vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                hiddenSize / numHeads, maxPositions, 1e-5, 10000, null, false, false, false, tieWordEmbeddings, 0, 0.02,
                Map.of("architectures", List.of("LlamaForCausalLM")));
    }

    /**
     * A copy with other rotary settings.
     *
     * @param theta the rotary base
     * @param scaling the rescaling, or null
     * @return the new config
     */
    public LlamaConfig withRope(double theta, RopeScaling scaling) {
        return new LlamaConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                maxPositions, rmsNormEps, theta, scaling, attentionBias, qkvBias, mlpBias, tieWordEmbeddings,
                attentionDropout, initializerRange, extra);
    }

    /**
     * A copy with other projection biases.
     *
     * @param qkvBias biases on q, k, v
     * @param oBias a bias on o (Llama's attention_bias sets both; Qwen2 has qkv only)
     * @param mlpBias biases on the MLP projections
     * @return the new config
     * @throws IllegalArgumentException if oBias is set without qkvBias (no Hugging Face config expresses that)
     */
    public LlamaConfig withBiases(boolean qkvBias, boolean oBias, boolean mlpBias) {
        if (oBias && !qkvBias) throw new IllegalArgumentException("LlamaConfig: an o_proj bias needs q/k/v biases too");
        return new LlamaConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                maxPositions, rmsNormEps, ropeTheta, ropeScaling, oBias, qkvBias, mlpBias, tieWordEmbeddings,
                attentionDropout, initializerRange, extra);
    }

    @Override
    public int maxPositions() { return maxPositions; }

    @Override
    public long parameterCount() {
        long h = hiddenSize, q = (long) numHeads * headDim, kv = (long) numKvHeads * headDim, in = intermediateSize;
        long attention = h * q + 2 * h * kv + q * h + (qkvBias ? q + 2 * kv : 0) + (attentionBias ? h : 0);
        long mlp = 3 * h * in + (mlpBias ? 2 * in + h : 0);
        long layer = attention + mlp + 2 * h;
        long embedding = (long) vocabSize * h;
        return embedding + numLayers * layer + h + (tieWordEmbeddings ? 0 : embedding);
    }

    /** Known fields of LlamaConfig/Qwen2Config that this class keeps verbatim (they do not change the math). */
    private static final Set<String> KEPT = Set.of("pretraining_tp", "max_window_layers", "sliding_window");

    /**
     * Reads a {@code config.json} object of model type llama or qwen2. Every field is either used, known not to change
     * the math, or refused.
     *
     * @param json the parsed config
     * @return the config
     * @throws IllegalArgumentException naming the field and its value for a field Sluice does not implement (e.g. a
     * yarn or dynamic rope scaling, a sliding window in use, an activation other than silu, a partial rotary factor),
     * and for a missing or malformed required field
     */
    public static LlamaConfig fromJson(Map<String, Object> json) {
        String type = String.valueOf(json.get("model_type"));
        ConfigReader r = new ConfigReader(type, json);
        r.raw("model_type");
        boolean qwen = type.equals("qwen2");
        int vocab = r.positive("vocab_size", null);
        int hidden = r.positive("hidden_size", null);
        int inter = r.positive("intermediate_size", null);
        int layers = r.integer("num_hidden_layers", null);
        int heads = r.positive("num_attention_heads", null);
        int kv = r.positive("num_key_value_heads", heads);
        if (!r.has("head_dim") && hidden % heads != 0) throw r.error("hidden_size", "= " + hidden + " is not divisible by num_attention_heads " + heads);
        int headDim = r.positive("head_dim", hidden / heads);
        String act = r.string("hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) throw r.error("hidden_act", "= \"" + act + "\" is not supported (only silu)");
        int maxPos = r.positive("max_position_embeddings", qwen ? 32768 : 2048);
        double eps = r.number("rms_norm_eps", 1e-6);
        boolean tie = r.bool("tie_word_embeddings", false);
        double attnDrop = r.number("attention_dropout", 0.0);
        double init = r.number("initializer_range", 0.02);
        boolean attnBias = false, mlpBias = false;
        if (!qwen) {
            attnBias = r.bool("attention_bias", false);
            mlpBias = r.bool("mlp_bias", false);
        } else {
            if (r.bool("use_sliding_window", false)) {
                throw r.error("use_sliding_window", "= true is not supported (sliding-window attention is not implemented)");
            }
            Object lt = r.raw("layer_types");
            if (lt != null) {
                List<?> types = ConfigReader.list(lt);
                if (types == null) throw r.error("layer_types", "must be a list");
                for (Object o : types) {
                    if (!"full_attention".equals(o)) throw r.error("layer_types", "holds " + dev.sluice.io.Json.write(o)
                            + ", which is not supported (only \"full_attention\")");
                }
            }
        }
        r.require("partial_rotary_factor", 1.0, "rotary embeddings on part of each head are not implemented");
        double theta;
        RopeScaling scaling;
        if (r.has("rope_parameters")) {
            // transformers 5 moves rope_theta and rope_scaling into one rope_parameters object
            Object rp = r.raw("rope_parameters");
            if (!(rp instanceof Map<?, ?> m)) throw r.error("rope_parameters", "must be an object");
            @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
            theta = mm.get("rope_theta") instanceof Number n ? n.doubleValue() : r.number("rope_theta", 10000);
            scaling = readScaling(r, "rope_parameters", mm, Set.of("rope_theta"));
        } else {
            theta = r.number("rope_theta", 10000);
            Object rs = r.raw("rope_scaling");
            if (rs != null && !(rs instanceof Map<?, ?>)) throw r.error("rope_scaling", "must be an object or null");
            @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) rs;
            scaling = mm == null ? null : readScaling(r, "rope_scaling", mm, Set.of());
        }
        LinkedHashMap<String, Object> kept = r.finish(KEPT);
        return new LlamaConfig(type, vocab, hidden, inter, layers, heads, kv, headDim, maxPos, eps, theta, scaling,
                attnBias, qwen || attnBias, mlpBias, tie, attnDrop, init, kept);
    }

    private static RopeScaling readScaling(ConfigReader r, String field, Map<String, Object> m, Set<String> skip) {
        Object t = m.containsKey("rope_type") ? m.get("rope_type") : m.get("type");
        String type = t == null ? "default" : String.valueOf(t);
        Set<String> allowed = switch (type) {
            case "default" -> Set.of("rope_type", "type");
            case "linear" -> Set.of("rope_type", "type", "factor");
            case "llama3" -> Set.of("rope_type", "type", "factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings");
            default -> throw r.error(field, "has rope type \"" + type + "\", which is not supported (only default, linear and llama3)");
        };
        for (var e : m.entrySet()) {
            if (!allowed.contains(e.getKey()) && !skip.contains(e.getKey())) {
                throw r.error(field + "." + e.getKey(), "= " + dev.sluice.io.Json.write(e.getValue()) + " is not supported for rope type \"" + type + "\"");
            }
        }
        if (type.equals("default")) return null;
        double factor = num(r, field, m, "factor");
        if (type.equals("linear")) return RopeScaling.linear(factor);
        return RopeScaling.llama3(factor, num(r, field, m, "low_freq_factor"), num(r, field, m, "high_freq_factor"),
                (int) num(r, field, m, "original_max_position_embeddings"));
    }

    private static double num(ConfigReader r, String field, Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw r.error(field + "." + key, "is required and must be a number");
        return n.doubleValue();
    }

    @Override
    public LinkedHashMap<String, Object> toJson() {
        LinkedHashMap<String, Object> j = new LinkedHashMap<>();
        j.put("model_type", modelType);
        j.put("vocab_size", vocabSize);
        j.put("hidden_size", hiddenSize);
        j.put("intermediate_size", intermediateSize);
        j.put("num_hidden_layers", numLayers);
        j.put("num_attention_heads", numHeads);
        j.put("num_key_value_heads", numKvHeads);
        j.put("head_dim", headDim);
        j.put("hidden_act", "silu");
        j.put("max_position_embeddings", maxPositions);
        j.put("rms_norm_eps", rmsNormEps);
        j.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            j.put("rope_scaling", null);
        } else {
            LinkedHashMap<String, Object> s = new LinkedHashMap<>();
            s.put("rope_type", ropeScaling.type());
            s.put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                s.put("low_freq_factor", ropeScaling.lowFreqFactor());
                s.put("high_freq_factor", ropeScaling.highFreqFactor());
                s.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
            }
            j.put("rope_scaling", s);
        }
        if (modelType.equals("llama")) {
            j.put("attention_bias", attentionBias);
            j.put("mlp_bias", mlpBias);
        } else {
            j.put("use_sliding_window", false);
        }
        j.put("attention_dropout", attentionDropout);
        j.put("tie_word_embeddings", tieWordEmbeddings);
        j.put("initializer_range", initializerRange);
        for (var e : extra.entrySet()) j.putIfAbsent(e.getKey(), e.getValue());
        return j;
    }
}
