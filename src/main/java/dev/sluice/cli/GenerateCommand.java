package dev.sluice.cli;

import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.models.ModelConfig;
import dev.sluice.tensor.Generator;
import dev.sluice.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * {@code sluice generate}: continues a prompt with a Hugging Face causal language model, printing the text as the
 * tokens arrive.
 */
@Command(name = "generate", description = {
        "Continue a prompt with a language model (a Hugging Face directory: config.json, model.safetensors, tokenizer.json),"
                + " printing the text as the tokens arrive.",
        "Stops at the end-of-sequence token or after --max-tokens; a summary with tokens/s goes to stderr."})
final class GenerateCommand extends CliCommand {
    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "The model directory (gpt2, llama or qwen2; F32, F16 or BF16 safetensors).")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", required = true,
            description = "The text to continue; encoded with the tokenizer's special tokens (a BOS where its template adds one).")
    String prompt;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "A tokenizer.json to use instead of the model directory's.")
    Path tokenizer;

    @Option(names = "--max-tokens", paramLabel = "N", description = "The most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens = 128;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Sampling temperature, >= 0; 0 is greedy decoding (default: ${DEFAULT-VALUE}).")
    double temperature = 1.0;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Sample among the K most likely tokens; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK = 50;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the sampling: the same seed gives the same text (default: a random one, shown in the summary).")
    Long seed;

    private ModelConfig cfg;
    private Tokenizer tok;
    private int[] promptIds;

    @Override
    void validate() {
        Check.positive("--max-tokens", maxTokens);
        Check.finiteNonNegative("--temperature", temperature);
        Check.nonNegative("--top-k", topK);
        LanguageModels.modelDir("--model", model);
        Path tokFile = LanguageModels.tokenizerFile("--model", model, tokenizer);
        try {
            cfg = LanguageModels.config(model);
            checkMemory();
            tok = LanguageModels.tokenizer(tokFile, cfg);
        } catch (IOException e) {
            throw new UserError(Main.describe(e));
        }
        promptIds = tok.encode(prompt, true);
        if (promptIds.length == 0) throw new UserError("--prompt gives no tokens; give some text");
        int max = cfg.maxPositions();
        if (promptIds.length >= max) {
            throw new UserError("--prompt is " + promptIds.length + " tokens, the model takes at most " + max + " positions");
        }
        if (promptIds.length + (long) maxTokens > max) {
            throw new UserError("--max-tokens " + maxTokens + " after a " + promptIds.length + "-token prompt passes the model's "
                    + max + " positions; give --max-tokens " + (max - promptIds.length) + " or less");
        }
    }

    /** Weights as float32, the KV cache for the whole sequence and one row of logits, against the heap. */
    private void checkMemory() {
        long params = cfg.parameterCount();
        long positions = Math.min((long) cfg.maxPositions(), (long) prompt.length() + 2 + maxTokens);
        double cache = LanguageModels.kvCacheBytes(cfg, positions) + 4.0 * cfg.vocabSize() * positions;
        double need = params * 4.0 + cache;
        long heap = LanguageModels.heap();
        if (need > heap) {
            throw new UserError("the model needs about " + LanguageModels.size(need) + " (" + LanguageModels.count(params)
                    + " parameters × 4 bytes for float32 weights, plus ~" + LanguageModels.size(cache) + " for the KV cache and logits), the heap is "
                    + LanguageModels.size(heap) + ": run with SLUICE_JAVA_OPTS=" + LanguageModels.xmx(need));
        }
    }

    @Override
    int execute() throws IOException {
        long seedUsed = seed != null ? seed : new java.security.SecureRandom().nextLong() >>> 1;
        long t0 = System.nanoTime();
        CausalLM m = HfModels.load(model);
        m.eval();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        err().printf(Locale.ROOT, "%s: %s (%s, %s parameters) loaded in %.1f s; prompt %d tokens%n", name(), model,
                cfg.modelType(), LanguageModels.count(cfg.parameterCount()), loadSeconds, promptIds.length);
        Set<Integer> stop = LanguageModels.stopIds(tok, cfg);
        PrintWriter o = out();
        Streamer streamer = new Streamer(tok, promptIds);
        o.print(streamer.start());
        o.flush();
        long[] firstAt = {0};
        int[] count = {0};
        boolean[] atEos = {false};
        long start = System.nanoTime();
        int[] all = m.generate(promptIds, maxTokens, temperature, topK, new Generator(seedUsed), id -> {
            if (count[0]++ == 0) firstAt[0] = System.nanoTime();
            if (stop.contains(id)) {
                atEos[0] = true;
                return false;
            }
            o.print(streamer.next(id));
            o.flush();
            return true;
        });
        long end = System.nanoTime();
        o.println(streamer.finish());
        o.flush();
        int generated = all.length - promptIds.length;
        double prefill = (firstAt[0] - start) / 1e9, decode = (end - firstAt[0]) / 1e9;
        err().printf(Locale.ROOT, "%s: %d tokens (%s); prefill %d tokens in %.3f s (%.1f tokens/s); decode %d tokens in %.3f s (%.1f tokens/s); %s%n",
                name(), generated, atEos[0] ? "stopped at end of sequence" : "--max-tokens reached",
                promptIds.length, prefill, promptIds.length / Math.max(prefill, 1e-9),
                generated - 1, decode, generated > 1 ? (generated - 1) / Math.max(decode, 1e-9) : 0.0,
                temperature == 0 ? "greedy" : "seed " + seedUsed);
        if (streamer.unknown() > 0) {
            err().printf(Locale.ROOT, "%s: %d of the generated ids are beyond the tokenizer's %d tokens (the model's vocab_size is %d); they were skipped%n",
                    name(), streamer.unknown(), tok.vocabSize(), cfg.vocabSize());
        }
        return 0;
    }

    /**
     * Turns a growing list of token ids into text pieces to print: decodes the whole list (special tokens skipped)
     * and hands on what is new, holding back a trailing U+FFFD or lone high surrogate — the start of a character
     * whose remaining bytes are still to come in the next tokens (byte-level and byte-fallback vocabularies split
     * multi-byte characters) — until it is complete or the text ends.
     */
    static final class Streamer {
        private final Tokenizer tok;
        private int[] ids;
        private int size;
        private int emitted;
        private int unknown;

        /** How many ids {@link #next} skipped as unknown to the tokenizer. */
        int unknown() { return unknown; }

        Streamer(Tokenizer tok, int[] prompt) {
            this.tok = tok;
            this.ids = Arrays.copyOf(prompt, prompt.length + 16);
            this.size = prompt.length;
        }

        /** The prompt's text, as far as it is complete. */
        String start() { return piece(false); }

        /**
         * What token {@code id} adds to the text, possibly empty. An id the tokenizer does not know (a model's
         * embedding may have more rows than its tokenizer has tokens) adds nothing and is counted, as Hugging Face's
         * decode skips it.
         */
        String next(int id) {
            if (tok.idToToken(id).isEmpty()) {
                unknown++;
                return "";
            }
            if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
            ids[size++] = id;
            return piece(false);
        }

        /** The rest of the text, complete or not. */
        String finish() { return piece(true); }

        private String piece(boolean all) {
            String text = tok.decode(Arrays.copyOf(ids, size), true);
            int end = text.length();
            if (!all) {
                while (end > emitted && (text.charAt(end - 1) == '\uFFFD' || Character.isHighSurrogate(text.charAt(end - 1)))) end--;
            }
            if (end <= emitted) return "";
            String s = text.substring(emitted, end);
            emitted = end;
            return s;
        }
    }
}
