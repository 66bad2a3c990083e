package dev.sluice.cli;

import dev.sluice.models.Gpt2Config;
import dev.sluice.models.HfModels;
import dev.sluice.models.LlamaConfig;
import dev.sluice.models.ModelConfig;
import dev.sluice.text.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code sluice generate} and {@code sluice finetune} share: the checks of a Hugging Face model directory and its
 * tokenizer, and the up-front memory estimate that refuses a model the heap cannot hold.
 */
final class LanguageModels {
    private LanguageModels() {}

    static final double GIB = 1024.0 * 1024 * 1024;

    /** A model directory: readable, with a config.json. */
    static Path modelDir(String option, Path dir) {
        Check.readableDir(option, dir, "give a Hugging Face model directory (config.json, model.safetensors, tokenizer.json)");
        Path config = dir.resolve("config.json");
        if (!Files.exists(config)) {
            throw new UserError(option + " " + dir + " has no config.json; give a Hugging Face model directory (config.json, model.safetensors, tokenizer.json)");
        }
        Check.readableFile(option, config, null);
        return dir;
    }

    /** The model's config, read without its weights; an unsupported or malformed one is a {@link UserError}. */
    static ModelConfig config(Path dir) throws IOException {
        try {
            return HfModels.readConfig(dir);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The tokenizer file: {@code --tokenizer} if given, else the model directory's tokenizer.json. */
    static Path tokenizerFile(String modelOption, Path modelDir, Path override) {
        if (override != null) return Check.readableFile("--tokenizer", override, null);
        Path t = modelDir.resolve("tokenizer.json");
        if (!Files.exists(t)) {
            throw new UserError(modelOption + " " + modelDir + " has no tokenizer.json; pass --tokenizer FILE (a Hugging Face tokenizer.json)");
        }
        return Check.readableFile(modelOption, t, null);
    }

    /** Loads a tokenizer and checks that its ids fit the model's embedding. */
    static Tokenizer tokenizer(Path file, ModelConfig cfg) throws IOException {
        Tokenizer tok;
        try {
            tok = Tokenizer.load(file);
        } catch (IllegalArgumentException e) { // TokenizerFormatException among them
            throw new UserError(file + ": " + e.getMessage());
        }
        if (tok.vocabSize() > cfg.vocabSize()) {
            throw new UserError(file + ": the tokenizer has " + tok.vocabSize() + " token ids, more than the model's vocab_size "
                    + cfg.vocabSize() + "; is it the model's tokenizer?");
        }
        return tok;
    }

    /** The ids that end a sequence: the tokenizer's end-of-sequence token and the config's {@code eos_token_id}s. */
    static Set<Integer> stopIds(Tokenizer tok, ModelConfig cfg) {
        Set<Integer> ids = new LinkedHashSet<>();
        tok.eosTokenId().ifPresent(ids::add);
        Object e = cfg.toJson().get("eos_token_id");
        List<?> list = e instanceof List<?> l ? l : e == null ? List.of() : List.of(e);
        for (Object o : list) {
            if (o instanceof Number n && n.longValue() >= 0 && n.longValue() < cfg.vocabSize()) ids.add(n.intValue());
        }
        return ids;
    }

    /** (width, query width, key/value width, MLP width, heads) of a config, for the activation estimates. */
    private static long[] sizes(ModelConfig cfg) {
        return switch (cfg) {
            case LlamaConfig c -> new long[] {c.hiddenSize(), (long) c.numHeads() * c.headDim(),
                    (long) c.numKvHeads() * c.headDim(), c.intermediateSize(), c.numHeads()};
            case Gpt2Config c -> new long[] {c.nEmbd(), c.nEmbd(), c.nEmbd(), c.nInner(), c.nHead()};
        };
    }

    /** Bytes of a float32 KV cache for {@code positions} positions. */
    static long kvCacheBytes(ModelConfig cfg, long positions) {
        return 4 * 2 * cfg.numLayers() * sizes(cfg)[2] * positions;
    }

    /**
     * A rough estimate of the float32 activations one training step keeps for the backward pass at batch × seqLen:
     * per token and layer the norms' inputs and outputs, q/k/v before and after the rotary, the attention scores and
     * probabilities, the MLP's hidden activations and the residuals; then logits and their gradient. Meant to be of
     * the right size, not exact.
     */
    static long activationBytes(ModelConfig cfg, int batch, int seqLen) {
        long[] s = sizes(cfg);
        long h = s[0], q = s[1], kv = s[2], in = s[3], heads = s[4];
        long perTokenLayer = 10 * h + 4 * q + 4 * kv + 3 * heads * seqLen + 5 * in;
        long perToken = cfg.numLayers() * perTokenLayer + 3L * cfg.vocabSize();
        return 4 * perToken * batch * seqLen;
    }

    /** "1.5 GiB", "120 MiB". */
    static String size(double bytes) {
        if (bytes >= GIB) return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
        return String.format(Locale.ROOT, "%.0f MiB", Math.max(1, bytes / (1024 * 1024)));
    }

    /** A -Xmx value comfortably above {@code bytes}: a fifth more plus one GiB, in whole GiB. */
    static String xmx(double bytes) {
        return "-Xmx" + (long) Math.ceil(bytes * 1.2 / GIB + 1) + "g";
    }

    /** "134,515,008". */
    static String count(long n) { return String.format(Locale.ROOT, "%,d", n); }

    /** The heap's limit, {@link Runtime#maxMemory()}. */
    static long heap() { return Runtime.getRuntime().maxMemory(); }

    /**
     * The up-front memory check of a training command: parameters × {@code bytesPerParam} plus the activations of one
     * step at batch × seqLen, against the heap; a {@link UserError} naming the -Xmx to use when they do not fit.
     *
     * @param what what the bytes per parameter hold, e.g. "weights, gradients and AdamW moments"
     */
    static void checkTrainingMemory(ModelConfig cfg, int bytesPerParam, String what, int batch, int seqLen) {
        long params = cfg.parameterCount();
        double act = activationBytes(cfg, batch, seqLen);
        double need = params * (double) bytesPerParam + act;
        long heap = heap();
        if (need > heap) {
            throw new UserError("the model needs about " + size(need) + " (" + count(params) + " parameters × " + bytesPerParam
                    + " bytes for " + what + ", plus ~" + size(act) + " for activations at batch " + batch + " × " + seqLen
                    + "), the heap is " + size(heap) + ": run with SLUICE_JAVA_OPTS=" + xmx(need));
        }
    }
}
