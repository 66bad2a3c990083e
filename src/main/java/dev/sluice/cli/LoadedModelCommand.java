package dev.sluice.cli;

import dev.sluice.autograd.GradMode;
import dev.sluice.io.AtomicFiles;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.models.ModelConfig;
import dev.sluice.tensor.Tensor;
import dev.sluice.text.Tokenizer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * What {@code sluice routing era}, {@code sluice undo model} and {@code sluice recontext model} share: a Hugging Face
 * model to start from (--model, --tokenizer), a new directory for the resulting model (--out), a results JSON
 * (--results, by default inside --out), text files cut into token blocks, and saving the result in the Hugging Face
 * layout with its tokenizer.
 */
abstract class LoadedModelCommand extends CliCommand {
    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "The model to start from: a Hugging Face directory (config.json, model.safetensors, tokenizer.json; gpt2, llama or qwen2).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer.json to use instead of the model directory's.")
    Path tokenizer;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Directory for the resulting model in the Hugging Face layout (created; must not hold a model).")
    Path outDir;

    @Option(names = "--results", paramLabel = "FILE", description = "Write the results JSON here (default: in --out).")
    Path results;

    @Option(names = "--seed", description = "Seed of the data order, new weights and sampling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    ModelConfig cfg;
    Tokenizer tok;
    Path tokenizerFile;

    /** The results file's name inside --out when --results is not given, e.g. era_results.json. */
    abstract String resultsName();

    Path resultsFile() { return results != null ? results : outDir.resolve(resultsName()); }

    /** Checks --model, --tokenizer, --out and --results, and reads the config and the tokenizer. */
    void validateModelAndOut() {
        LanguageModels.modelDir("--model", model);
        tokenizerFile = LanguageModels.tokenizerFile("--model", model, tokenizer);
        checkOut();
        Check.writableOut("--results", resultsFile());
        try {
            cfg = LanguageModels.config(model);
            tok = LanguageModels.tokenizer(tokenizerFile, cfg);
        } catch (IOException e) {
            throw new UserError(Main.describe(e));
        }
    }

    /** --out: a directory to create (or an existing one without a model), never the --model directory. */
    private void checkOut() {
        Path abs = Check.modelOutDir("--out", outDir, model);
        if (Files.exists(abs.resolve("config.json")) || Files.exists(abs.resolve("model.safetensors"))
                || Files.exists(abs.resolve("model.safetensors.index.json"))) {
            throw new UserError("--out " + outDir + " already holds a model; give a new or empty directory");
        }
    }

    /** A UTF-8 file's non-blank lines, or a {@link UserError} naming the option. */
    static List<String> lines(String option, Path file) {
        Check.readableFile(option, file, null);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new UserError(option + " " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UserError(option + " " + file + ": " + Main.describe(e));
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) if (!line.isBlank()) out.add(line);
        if (out.isEmpty()) throw new UserError(option + " " + file + " holds no text");
        return out;
    }

    /**
     * A text file as token blocks of seqLen, as {@code sluice finetune} reads --data: each non-blank line tokenized
     * with the tokenizer's special tokens and followed by the end-of-sequence token, the stream cut into blocks (the
     * remainder dropped).
     */
    long[][] blocks(String option, Path file, int seqLen) {
        List<String> docs = lines(option, file);
        OptionalInt eos = tok.eosTokenId();
        List<int[]> ids = new ArrayList<>();
        long n = 0;
        for (String d : docs) {
            int[] t = tok.encode(d, true);
            ids.add(t);
            n += t.length + (eos.isPresent() ? 1 : 0);
        }
        if (n < seqLen) {
            throw new UserError(option + " " + file + " gives " + n + " tokens, fewer than --seq-len " + seqLen + "; lower --seq-len or add text");
        }
        if (n / seqLen > Integer.MAX_VALUE - 8) throw new UserError(option + " " + file + " gives too many blocks");
        long[][] out = new long[(int) (n / seqLen)][seqLen];
        int k = 0;
        for (int[] t : ids) {
            for (int i = 0; i <= t.length; i++) {
                if (i == t.length && eos.isEmpty()) break;
                int id = i < t.length ? t[i] : eos.getAsInt();
                if (k / seqLen >= out.length) return out;
                out[k / seqLen][k % seqLen] = id;
                k++;
            }
        }
        return out;
    }

    /** Rows as an int64 [rows, T] tensor. */
    static Tensor tensor(long[][] rows) {
        int t = rows[0].length;
        long[] flat = new long[rows.length * t];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * t, t);
        return Tensor.of(flat, rows.length, t);
    }

    /**
     * A file's token blocks split into training rows and held-out rows, so that the losses a command reports are on
     * text it did not train on.
     *
     * @param train the rows the command trains on
     * @param heldOut the rows it measures on
     */
    record Split(long[][] train, long[][] heldOut) {
        /** The held-out rows' and the training rows' counts, for the results JSON. */
        Map<String, Object> toJson() { return Map.of("training_sequences", train.length, "held_out_sequences", heldOut.length); }
    }

    /**
     * Holds out the last {@code min(evalSequences, rows / 4)} blocks of a file (at least one): the tail of the file, so
     * that only one document can straddle training and evaluation text.
     */
    static Split holdOut(String option, Path file, long[][] rows, int evalSequences, int seqLen) {
        if (rows.length < 2) {
            throw new UserError(option + " " + file + " gives " + rows.length + " sequence of " + seqLen + " tokens; at least 2 are needed"
                    + " (the last ones are held out for evaluation); add text or lower --seq-len");
        }
        int k = Math.max(1, Math.min(evalSequences, rows.length / 4));
        return new Split(Arrays.copyOfRange(rows, 0, rows.length - k), Arrays.copyOfRange(rows, rows.length - k, rows.length));
    }

    /** The mean next-token loss over the rows, in batches of at most {@code batch}, without gradients, in eval mode. */
    static double meanLoss(CausalLM m, long[][] rows, int batch) {
        m.eval();
        double sum = 0;
        try (var ignored = GradMode.noGrad()) {
            for (int from = 0; from < rows.length; from += batch) {
                long[][] b = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + batch));
                sum += m.nextTokenLoss(tensor(b)).item() * b.length;
            }
        }
        return sum / rows.length;
    }

    /** Cycles through the rows in a fresh seeded shuffle each pass, {@code batch} rows at a time. */
    static final class Batches {
        private final long[][] rows;
        private final SplittableRandom rng;
        private int[] order;
        private int next;

        Batches(long[][] rows, long seed) {
            this.rows = rows;
            this.rng = new SplittableRandom(seed);
        }

        /** The next batch's row indices. */
        int[] nextIndices(int batch) {
            int b = Math.min(batch, rows.length);
            int[] out = new int[b];
            for (int i = 0; i < b; i++) {
                if (order == null || next == order.length) shuffle();
                out[i] = order[next++];
            }
            return out;
        }

        Tensor next(int batch) {
            int[] idx = nextIndices(batch);
            long[][] b = new long[idx.length][];
            for (int i = 0; i < idx.length; i++) b[i] = rows[idx[i]];
            return tensor(b);
        }

        private void shuffle() {
            order = new int[rows.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            next = 0;
        }
    }

    /** Saves a model in the Hugging Face layout (float32) with the tokenizer beside it. */
    void save(CausalLM m, Path dir) throws IOException {
        HfModels.save(m, dir, new HfModels.SaveOptions("F32", HfModels.DEFAULT_MAX_SHARD_BYTES));
        byte[] t = Files.readAllBytes(tokenizerFile);
        AtomicFiles.write(dir.resolve("tokenizer.json"), o -> o.write(t));
    }

    /**
     * A run went non-finite: writes the results (non-finite numbers as null, {@code "diverged": true}), saves no model,
     * prints one line and returns exit status 1.
     */
    int diverged(Map<String, Object> json, String what) throws IOException {
        json.put("diverged", true);
        json.put("diverged_in", what);
        Results.write(resultsFile(), json, true);
        err().println(name() + ": the " + what + " loss went non-finite; no model saved; results written to " + resultsFile()
                + " with null for non-finite numbers and \"diverged\": true");
        return 1;
    }

    /** A finite-number check for options given as lists (e.g. learning-rate grids). */
    static double[] finitePositiveList(String option, List<Double> values) {
        if (values == null || values.isEmpty()) throw new UserError(option + " must list at least one number");
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = Check.finitePositive(option, values.get(i));
        return out;
    }
}
