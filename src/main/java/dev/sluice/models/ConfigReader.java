package dev.sluice.models;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Hugging Face {@code config.json} object field by field, remembering which fields it consumed, so that every
 * field left over can be refused by name ({@link #finish}) unless it is known not to change the math.
 */
final class ConfigReader {
    /**
     * Fields of {@code PretrainedConfig} (and generation settings older versions wrote into config.json) that do not
     * change a causal LM's forward or backward pass: ids, bookkeeping, output switches, sampling defaults.
     */
    static final Set<String> HARMLESS = Set.of(
            "architectures", "model_type", "torch_dtype", "dtype", "transformers_version", "_name_or_path",
            "bos_token_id", "eos_token_id", "pad_token_id", "sep_token_id", "decoder_start_token_id", "use_cache",
            "initializer_range", "output_attentions", "output_hidden_states", "return_dict", "torchscript",
            "use_bfloat16", "tf_legacy_loss", "id2label", "label2id", "problem_type", "finetuning_task",
            "tokenizer_class", "prefix", "task_specific_params", "is_decoder", "tie_encoder_decoder",
            "cross_attention_hidden_size", "chunk_size_feed_forward", "max_length", "min_length", "do_sample",
            "early_stopping", "num_beams", "num_beam_groups", "diversity_penalty", "temperature", "top_k", "top_p",
            "typical_p", "repetition_penalty", "length_penalty", "no_repeat_ngram_size",
            "encoder_no_repeat_ngram_size", "bad_words_ids", "num_return_sequences", "output_scores",
            "return_dict_in_generate", "forced_bos_token_id", "forced_eos_token_id", "remove_invalid_values",
            "exponential_decay_length_penalty", "suppress_tokens", "begin_suppress_tokens", "gradient_checkpointing",
            "_attn_implementation_autoset");

    private final String modelType;
    private final Map<String, Object> json;
    private final Set<String> used = new LinkedHashSet<>();

    ConfigReader(String modelType, Map<String, Object> json) {
        this.modelType = modelType;
        this.json = json;
    }

    IllegalArgumentException error(String field, String problem) {
        return new IllegalArgumentException(modelType + " config: field '" + field + "' " + problem);
    }

    boolean has(String field) { return json.containsKey(field) && json.get(field) != null; }

    Object raw(String field) {
        used.add(field);
        return json.get(field);
    }

    int integer(String field, Integer dflt) {
        Object v = raw(field);
        if (v == null) {
            if (dflt == null) throw error(field, "is required");
            return dflt;
        }
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) return (int) (long) l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) return (int) (double) d;
        if (v instanceof BigInteger) throw error(field, "is too large: " + v);
        throw error(field, "must be an integer, got " + dev.sluice.io.Json.write(v));
    }

    int positive(String field, Integer dflt) {
        int v = integer(field, dflt);
        if (v <= 0) throw error(field, "must be positive, got " + v);
        return v;
    }

    double number(String field, double dflt) {
        Object v = raw(field);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        throw error(field, "must be a number, got " + dev.sluice.io.Json.write(v));
    }

    boolean bool(String field, boolean dflt) {
        Object v = raw(field);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw error(field, "must be true or false, got " + dev.sluice.io.Json.write(v));
    }

    String string(String field, String dflt) {
        Object v = raw(field);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw error(field, "must be a string, got " + dev.sluice.io.Json.write(v));
    }

    /** A field that must hold one value (or be absent) because other values would change the math. */
    void require(String field, Object wanted, String why) {
        Object v = raw(field);
        if (v == null) return;
        boolean same = wanted instanceof Number w && v instanceof Number n ? w.doubleValue() == n.doubleValue() : wanted.equals(v);
        if (!same) {
            throw error(field, "= " + dev.sluice.io.Json.write(v) + " is not supported (" + why + "; Sluice supports only "
                    + dev.sluice.io.Json.write(wanted) + ")");
        }
    }

    /** Throws naming the first field neither consumed nor harmless; returns the harmless fields, to keep on save. */
    LinkedHashMap<String, Object> finish(Set<String> alsoHarmless) {
        LinkedHashMap<String, Object> kept = new LinkedHashMap<>();
        for (var e : json.entrySet()) {
            String k = e.getKey();
            if (used.contains(k)) continue;
            if (HARMLESS.contains(k) || alsoHarmless.contains(k)) {
                kept.put(k, e.getValue());
                continue;
            }
            if (k.equals("pruned_heads") && (e.getValue() instanceof Map<?, ?> m && m.isEmpty())) continue;
            if ((k.equals("is_encoder_decoder") || k.equals("add_cross_attention")) && Boolean.FALSE.equals(e.getValue())) continue;
            throw error(k, "= " + dev.sluice.io.Json.write(e.getValue()) + " is not supported: Sluice does not implement it,"
                    + " and ignoring it could change what the model computes");
        }
        return kept;
    }

    static List<?> list(Object v) { return v instanceof List<?> l ? l : null; }
}
