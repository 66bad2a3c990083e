package dev.sluice.cli;

import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import dev.sluice.io.SafeTensors;
import dev.sluice.io.SafeTensorsFile;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.models.ModelConfig;
import dev.sluice.nn.functional.F;
import dev.sluice.optim.Adam;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.GradClip;
import dev.sluice.optim.LrSchedule;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import dev.sluice.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * {@code sluice finetune}: fine-tunes a Hugging Face causal language model on a text file with the causal LM loss,
 * AdamW, a warm-up + cosine learning rate and gradient clipping; checkpoints into --out and resumes from there exactly.
 *
 * <p>The checkpoint in --out: the model as {@code config.json} + {@code model.safetensors} (float32; loads in
 * transformers), {@code tokenizer.json}, {@code optimizer.safetensors} (AdamW's moments, {@code <param>.exp_avg} and
 * {@code <param>.exp_avg_sq}, with the step in its metadata) and {@code trainer_state.json} (the step, the options,
 * a digest of the data's tokens, the loss history). They are written in that order, each file atomically,
 * {@code trainer_state.json} last: a save cut short leaves an optimizer step that disagrees with the trainer state,
 * which {@code --resume} refuses rather than continue from mixed weights.
 */
@Command(name = "finetune", description = {
        "Fine-tune a language model (a Hugging Face directory: config.json, model.safetensors, tokenizer.json) on a text file"
                + " with the causal LM loss, AdamW, warm-up + cosine learning rate and gradient clipping.",
        "--data is UTF-8 text, one document per line (blank lines skipped); each line is tokenized with the tokenizer's"
                + " special tokens and followed by the end-of-sequence token, and the token stream is cut into sequences of"
                + " --seq-len (the remainder dropped), shuffled with --seed every epoch.",
        "Checkpoints go to --out every --checkpoint-every steps and at the end; run the same command with --resume to"
                + " continue an interrupted run exactly."})
final class FinetuneCommand extends CliCommand {
    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "The model to start from (gpt2, llama or qwen2). With --resume the weights come from --out.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", required = true,
            description = "UTF-8 text, one document per line.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Directory for the checkpoints and the final model (created; must not hold a model unless --resume).")
    Path outDir;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer.json to use instead of the model directory's.")
    Path tokenizer;

    @Option(names = "--seq-len", paramLabel = "T", description = "Tokens per sequence, at most the model's positions (default: ${DEFAULT-VALUE}).")
    int seqLen = 128;

    @Option(names = "--batch-size", paramLabel = "B", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps to run (default: --epochs).")
    Integer steps;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the data, when --steps is not given (default: 1).")
    Integer epochs;

    @Option(names = "--lr", description = "Peak AdamW learning rate, > 0 (default: ${DEFAULT-VALUE}).")
    double lr = 5e-5;

    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine, >= 0 and <= --lr (default: ${DEFAULT-VALUE}).")
    double minLr = 0;

    @Option(names = "--warmup-steps", paramLabel = "N", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmupSteps = 0;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay, >= 0 (default: ${DEFAULT-VALUE}).")
    double weightDecay = 0;

    @Option(names = "--beta1", description = "AdamW β1, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double beta1 = 0.9;

    @Option(names = "--beta2", description = "AdamW β2, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double beta2 = 0.999;

    @Option(names = "--eps", description = "AdamW epsilon, >= 0 (default: ${DEFAULT-VALUE}).")
    double eps = 1e-8;

    @Option(names = "--clip", description = "Clip the gradients' total L2 norm to this; 0 for no clipping (default: ${DEFAULT-VALUE}).")
    double clip = 1.0;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Save a checkpoint every N steps; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = 500;

    @Option(names = "--log-every", paramLabel = "N",
            description = "Steps per progress line when stderr is not a terminal (default: ${DEFAULT-VALUE}).")
    int logEvery = 10;

    @Option(names = "--seed", description = "Seed for shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--stop-after", paramLabel = "N",
            description = "Stop after step N with a checkpoint, as if interrupted (the schedule still spans the whole run); continue later with --resume.")
    Integer stopAfter;

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out, with the same options.")
    boolean resume;

    static final String STATE = "trainer_state.json", OPTIMIZER = "optimizer.safetensors", FORMAT = "sluice-finetune-1";

    private ModelConfig cfg;
    private Path tokenizerFile;
    private long[] tokens;
    private int documents, sequences, stepsPerEpoch, totalSteps;
    private String digest;
    private Map<String, Object> saved;

    @Override
    void validate() {
        Check.positive("--seq-len", seqLen);
        Check.positive("--batch-size", batchSize);
        if (steps != null && epochs != null) throw new UserError("give --steps or --epochs, not both");
        if (steps != null) Check.positive("--steps", steps);
        if (epochs != null) Check.positive("--epochs", epochs);
        Check.finitePositive("--lr", lr);
        Check.finiteNonNegative("--min-lr", minLr);
        if (minLr > lr) throw new UserError("--min-lr " + Check.show(minLr) + " must not exceed --lr " + Check.show(lr));
        Check.nonNegative("--warmup-steps", warmupSteps);
        Check.finiteNonNegative("--weight-decay", weightDecay);
        beta("--beta1", beta1);
        beta("--beta2", beta2);
        Check.finiteNonNegative("--eps", eps);
        Check.finiteNonNegative("--clip", clip);
        Check.nonNegative("--checkpoint-every", checkpointEvery);
        Check.positive("--log-every", logEvery);

        LanguageModels.modelDir("--model", model);
        tokenizerFile = LanguageModels.tokenizerFile("--model", model, tokenizer);
        Check.readableFile("--data", data, null);
        checkOut();
        try {
            cfg = LanguageModels.config(model);
            if (seqLen > cfg.maxPositions()) {
                throw new UserError("--seq-len " + seqLen + " exceeds the model's " + cfg.maxPositions() + " positions");
            }
            checkMemory();
            Tokenizer tok = LanguageModels.tokenizer(tokenizerFile, cfg);
            readData(tok);
            if (resume) saved = readState();
        } catch (IOException e) {
            throw new UserError(Main.describe(e));
        }
        sequences = tokens.length / seqLen;
        stepsPerEpoch = (sequences + batchSize - 1) / batchSize;
        long total = steps != null ? steps : (long) (epochs != null ? epochs : 1) * stepsPerEpoch;
        if (total > Integer.MAX_VALUE) throw new UserError("--epochs " + epochs + " make more than " + Integer.MAX_VALUE + " steps");
        totalSteps = (int) total;
        if (stopAfter != null) Check.inRange("--stop-after", stopAfter, 1, totalSteps);
        if (warmupSteps > totalSteps) {
            throw new UserError("--warmup-steps " + warmupSteps + " exceeds the run's " + totalSteps + " steps");
        }
        if (resume) checkResumable();
    }

    private static void beta(String option, double v) {
        if (!(v >= 0 && v < 1)) throw new UserError(option + " must be in [0, 1), got " + Check.show(v));
    }

    /** --out: a directory to create, or (with --resume) the one holding the checkpoint; never the model itself. */
    private void checkOut() {
        Path abs = Check.modelOutDir("--out", outDir, model);
        boolean hasState = Files.exists(abs.resolve(STATE));
        if (resume && !hasState) {
            throw new UserError("--resume: --out " + outDir + " holds no checkpoint (" + STATE + "); run without --resume to start");
        }
        if (!resume && hasState) {
            throw new UserError("--out " + outDir + " already holds a fine-tuning checkpoint; add --resume to continue it, or give another --out");
        }
        if (!resume && (Files.exists(abs.resolve("config.json")) || Files.exists(abs.resolve("model.safetensors")))) {
            throw new UserError("--out " + outDir + " already holds a model; give a new or empty directory");
        }
    }

    /** Parameters × 16 bytes (weights, gradients, two AdamW moments) plus the activations, against the heap. */
    private void checkMemory() {
        LanguageModels.checkTrainingMemory(cfg, 16, "weights, gradients and AdamW moments", batchSize, seqLen);
    }

    /** Tokenizes --data: each non-blank line with the template's special tokens, then the end-of-sequence token. */
    private void readData(Tokenizer tok) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(data))).toString();
        } catch (CharacterCodingException e) {
            throw new UserError("--data " + data + " is not UTF-8 text");
        }
        OptionalInt eos = tok.eosTokenId();
        List<int[]> docs = new ArrayList<>();
        long n = 0;
        for (String line : text.split("\\R")) {
            if (line.isBlank()) continue;
            int[] ids = tok.encode(line, true);
            docs.add(ids);
            n += ids.length + (eos.isPresent() ? 1 : 0);
        }
        if (docs.isEmpty()) throw new UserError("--data " + data + " holds no text");
        if (n > Integer.MAX_VALUE - 8) throw new UserError("--data " + data + " gives " + n + " tokens, more than " + (Integer.MAX_VALUE - 8));
        if (n < seqLen) {
            throw new UserError("--data " + data + " gives " + n + " tokens, fewer than --seq-len " + seqLen + "; lower --seq-len or add text");
        }
        tokens = new long[(int) n];
        int k = 0;
        for (int[] d : docs) {
            for (int id : d) tokens[k++] = id;
            if (eos.isPresent()) tokens[k++] = eos.getAsInt();
        }
        documents = docs.size();
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * 1024);
            for (long t : tokens) {
                if (!b.hasRemaining()) {
                    sha.update(b.flip());
                    b.clear();
                }
                b.putLong(t);
            }
            sha.update(b.flip());
            digest = HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> readState() throws IOException {
        Path f = outDir.resolve(STATE);
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(f));
        } catch (dev.sluice.io.JsonParseException e) {
            throw new UserError(f + ": not a trainer state (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> m) || !FORMAT.equals(m.get("format"))) {
            throw new UserError(f + ": not a trainer state written by sluice finetune");
        }
        @SuppressWarnings("unchecked") Map<String, Object> state = (Map<String, Object>) m;
        return state;
    }

    /** The options that fix the data order and the schedule, as the trainer state records them. */
    private LinkedHashMap<String, Object> options() {
        LinkedHashMap<String, Object> o = new LinkedHashMap<>();
        o.put("seq_len", seqLen);
        o.put("batch_size", batchSize);
        o.put("total_steps", totalSteps);
        o.put("lr", lr);
        o.put("min_lr", minLr);
        o.put("warmup_steps", warmupSteps);
        o.put("weight_decay", weightDecay);
        o.put("beta1", beta1);
        o.put("beta2", beta2);
        o.put("eps", eps);
        o.put("clip", clip);
        o.put("seed", seed);
        o.put("data_sha256", digest);
        return o;
    }

    private void checkResumable() {
        Path f = outDir.resolve(STATE);
        if (Boolean.TRUE.equals(saved.get("diverged"))) {
            throw new UserError("--resume: the run in " + outDir + " diverged at step " + saved.get("diverged_at_step")
                    + "; start a new run (another --out), e.g. with a lower --lr");
        }
        if (!(saved.get("options") instanceof Map<?, ?> was) || !(saved.get("step") instanceof Number)) {
            throw new UserError(f + ": the trainer state lacks its options or step");
        }
        List<String> differ = new ArrayList<>();
        for (var e : options().entrySet()) {
            Object before = was.get(e.getKey()), now = e.getValue();
            boolean same = before instanceof Number a && now instanceof Number b ? a.doubleValue() == b.doubleValue() : now.equals(before);
            if (!same) {
                String opt = e.getKey().equals("data_sha256") ? "--data (its tokens)"
                        : e.getKey().equals("total_steps") ? "--steps/--epochs (total steps)" : "--" + e.getKey().replace('_', '-');
                differ.add(opt + " " + show(now) + " (checkpoint: " + show(before) + ")");
            }
        }
        if (!differ.isEmpty()) {
            throw new UserError("--resume: the checkpoint in " + outDir + " was made with other options: " + String.join(", ", differ)
                    + "; give the same options to continue it");
        }
        if (!Files.exists(outDir.resolve(OPTIMIZER)) && ((Number) saved.get("step")).intValue() > 0) {
            throw new UserError("--resume: " + outDir + " lacks " + OPTIMIZER);
        }
    }

    private static String show(Object v) {
        if (v instanceof Double d) return Check.show(d);
        if (v instanceof String s && s.length() == 64) return s.substring(0, 12) + "…";
        return String.valueOf(v);
    }

    /** A seed for (seed, index) pairs: epochs' shuffles and steps' dropout masks. */
    private static long mix(long seed, long index, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The order of the sequences in an epoch: a Fisher-Yates shuffle seeded by (--seed, epoch). */
    private int[] order(int epoch) {
        int[] p = new int[sequences];
        for (int i = 0; i < p.length; i++) p[i] = i;
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, 1));
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    int execute() throws IOException {
        int start = resume ? ((Number) saved.get("step")).intValue() : 0;
        List<Object> history = new ArrayList<>();
        if (resume && saved.get("log_history") instanceof List<?> h) history.addAll(h);
        if (resume && start >= totalSteps) {
            out().println("the run in " + outDir + " already finished (step " + start + " of " + totalSteps + "); nothing to do");
            return 0;
        }
        Generator dropout = new Generator(seed);
        long t0 = System.nanoTime();
        CausalLM m = HfModels.load(resume && start > 0 ? outDir : model, dropout);
        m.train();
        LinkedHashMap<String, Tensor> named = m.namedParameters();
        List<String> names = new ArrayList<>(named.keySet());
        List<Tensor> params = new ArrayList<>(named.values());
        AdamW opt = new AdamW(params, lr, beta1, beta2, eps, weightDecay);
        if (resume && start > 0) restoreOptimizer(opt, names, start);
        LrSchedule schedule = LrSchedule.warmupCosine(warmupSteps, totalSteps, lr, minLr);
        out().printf(Locale.ROOT, "fine-tuning %s (%s, %s parameters, loaded in %.1f s) on %s: %d documents, %s tokens, %d sequences of %d;"
                        + " batch %d, %d steps (%.2f epochs), AdamW lr %s%s%n",
                resume && start > 0 ? outDir + " (resumed at step " + start + ")" : model, cfg.modelType(),
                LanguageModels.count(cfg.parameterCount()), (System.nanoTime() - t0) / 1e9, data, documents,
                LanguageModels.count(tokens.length), sequences, seqLen, batchSize, totalSteps, (double) totalSteps / stepsPerEpoch,
                Check.show(lr), warmupSteps > 0 ? " (warm-up " + warmupSteps + ")" : "");
        out().flush();

        int end = stopAfter != null ? Math.max(start, Math.min(stopAfter, totalSteps)) : totalSteps;
        Progress progress = new Progress(totalSteps, end, start, logEvery, err(), System.console() != null && System.console().isTerminal());
        int[] order = null;
        int orderEpoch = -1;
        int lastSaved = start;
        double firstLoss = Double.NaN, lastLoss = Double.NaN;
        for (int step = start; step < end; step++) {
            int epoch = step / stepsPerEpoch, index = step % stepsPerEpoch;
            if (epoch != orderEpoch) {
                order = order(epoch);
                orderEpoch = epoch;
            }
            int from = index * batchSize, b = Math.min(batchSize, sequences - from);
            long[] ids = new long[b * seqLen];
            for (int i = 0; i < b; i++) System.arraycopy(tokens, order[from + i] * seqLen, ids, i * seqLen, seqLen);
            Tensor x = Tensor.of(ids, b, seqLen);
            dropout.reseed(mix(seed, step, 2));
            double rate = schedule.lr(step);
            opt.setLr(rate);
            opt.zeroGrad();
            Tensor logits = m.forward(x);
            Tensor loss = F.crossEntropy(logits.narrow(1, 0, seqLen - 1), x.narrow(1, 1, seqLen - 1));
            double l = loss.item();
            double norm = Double.NaN;
            if (Double.isFinite(l)) {
                loss.backward();
                norm = GradClip.clipGradNorm(params, clip > 0 ? clip : Double.POSITIVE_INFINITY);
            }
            if (!Double.isFinite(l) || !Double.isFinite(norm)) {
                progress.end();
                LinkedHashMap<String, Object> entry = new LinkedHashMap<>();
                entry.put("step", step + 1);
                entry.put("loss", l);
                entry.put("lr", rate);
                entry.put("grad_norm", norm);
                history.add(entry);
                writeState(lastSaved, history, false, step + 1);
                err().printf(Locale.ROOT, "%s: %s went non-finite (%s) at step %d (lr %s); %s%n", name(),
                        Double.isFinite(l) ? "the gradient norm" : "the loss", Double.isFinite(l) ? norm : l, step + 1,
                        Check.show(rate), lastSaved > 0
                                ? outDir + " keeps the checkpoint of step " + lastSaved + "; " + STATE + " says \"diverged\": true"
                                : "no checkpoint saved; " + outDir.resolve(STATE) + " says \"diverged\": true");
                return 1;
            }
            opt.step();
            if (Double.isNaN(firstLoss)) firstLoss = l;
            lastLoss = l;
            int done = step + 1;
            Progress.Logged logged = progress.step(done, l, rate, (long) b * seqLen);
            if (logged != null) {
                LinkedHashMap<String, Object> entry = new LinkedHashMap<>();
                entry.put("step", done);
                entry.put("loss", logged.meanLoss());
                entry.put("lr", rate);
                entry.put("grad_norm", norm);
                entry.put("tokens_per_second", logged.tokensPerSecond());
                history.add(entry);
            }
            if (done < end && checkpointEvery > 0 && done % checkpointEvery == 0) {
                save(m, opt, names, done, history, false);
                lastSaved = done;
            }
        }
        progress.end();
        if (end == start) {
            out().println("--stop-after " + stopAfter + ": the checkpoint in " + outDir + " is at step " + start + " already; nothing to do");
            return 0;
        }
        save(m, opt, names, end, history, end == totalSteps);
        out().printf(Locale.ROOT, "saved %s (step %d of %d): loss %.4f at step %d, %.4f at step %d; %,.0f tokens/s%s%n", outDir, end,
                totalSteps, firstLoss, start + 1, lastLoss, end, progress.tokensPerSecond(),
                end < totalSteps ? "; continue with --resume" : "");
        return 0;
    }

    private void restoreOptimizer(AdamW opt, List<String> names, int step) throws IOException {
        Path f = outDir.resolve(OPTIMIZER);
        SafeTensorsFile file = SafeTensors.read(f);
        String s = file.metadata() == null ? null : file.metadata().get("step");
        if (!String.valueOf(step).equals(s)) {
            throw new UserError("--resume: " + f + " is of step " + s + ", " + STATE + " of step " + step
                    + ": a checkpoint save was cut short; the checkpoint cannot be resumed");
        }
        Object ps = Json.parse(file.metadata().getOrDefault("param_steps", "[]"));
        List<?> paramSteps = ps instanceof List<?> l ? l : List.of();
        if (paramSteps.size() != names.size()) throw new UserError("--resume: " + f + " does not fit the model (" + paramSteps.size()
                + " parameters, the model " + names.size() + ")");
        for (int i = 0; i < names.size(); i++) {
            int t = ((Number) paramSteps.get(i)).intValue();
            String n = names.get(i);
            if (t == 0) {
                opt.loadState(i, new Adam.ParamState(null, null, 0));
            } else if (!file.contains(n + ".exp_avg") || !file.contains(n + ".exp_avg_sq")) {
                throw new UserError("--resume: " + f + " lacks the moments of " + n);
            } else {
                opt.loadState(i, new Adam.ParamState(file.tensor(n + ".exp_avg"), file.tensor(n + ".exp_avg_sq"), t));
            }
        }
    }

    /** Optimizer, model, tokenizer, then the trainer state (see the class comment for why in this order). */
    private void save(CausalLM m, AdamW opt, List<String> names, int step, List<Object> history, boolean finished) throws IOException {
        LinkedHashMap<String, Tensor> moments = new LinkedHashMap<>();
        List<Integer> paramSteps = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Adam.ParamState s = opt.state(i);
            paramSteps.add(s.step());
            if (s.step() > 0) {
                moments.put(names.get(i) + ".exp_avg", s.expAvg());
                moments.put(names.get(i) + ".exp_avg_sq", s.expAvgSq());
            }
        }
        SafeTensors.write(outDir.resolve(OPTIMIZER), moments, Map.of("step", Integer.toString(step), "param_steps", Json.write(paramSteps)));
        HfModels.save(m, outDir, new HfModels.SaveOptions("F32", HfModels.DEFAULT_MAX_SHARD_BYTES));
        byte[] tok = Files.readAllBytes(tokenizerFile);
        AtomicFiles.write(outDir.resolve("tokenizer.json"), o -> o.write(tok));
        writeState(step, history, finished, 0);
    }

    private void writeState(int step, List<Object> history, boolean finished, int divergedAt) throws IOException {
        LinkedHashMap<String, Object> s = new LinkedHashMap<>();
        s.put("format", FORMAT);
        s.put("step", step);
        s.put("total_steps", totalSteps);
        s.put("epoch", (double) step / stepsPerEpoch);
        s.put("finished", finished);
        s.put("diverged", divergedAt > 0);
        if (divergedAt > 0) s.put("diverged_at_step", divergedAt);
        s.put("base_model", model.toAbsolutePath().normalize().toString());
        s.put("data", data.toAbsolutePath().normalize().toString());
        s.put("documents", documents);
        s.put("tokens", tokens.length);
        s.put("sequences", sequences);
        s.put("steps_per_epoch", stepsPerEpoch);
        s.put("options", options());
        s.put("log_history", history);
        AtomicFiles.writeString(outDir.resolve(STATE), Json.writeNonFiniteAsNull(s, true) + "\n");
    }

    /**
     * The progress display on stderr: on a terminal one line redrawn with {@code \r} every step, otherwise a line every
     * {@code every} steps and at the last; step/total, mean loss since the last line, learning rate, tokens/s, and the
     * ETA of the step this run stops at ({@code end}: the total, or --stop-after).
     */
    static final class Progress {
        /** What a logged line showed. */
        record Logged(double meanLoss, double tokensPerSecond) {}

        private final int total, end, start, every;
        private final java.io.PrintWriter err;
        private final boolean terminal;
        private final long t0 = System.nanoTime();
        private long tokensSeen;
        private double lossSum;
        private int lossCount;
        private boolean drawn;

        Progress(int total, int end, int start, int every, java.io.PrintWriter err, boolean terminal) {
            this.total = total;
            this.end = end;
            this.start = start;
            this.every = every;
            this.err = err;
            this.terminal = terminal;
        }

        private long lastStepAt = t0;

        /** Tokens per second over the steps so far (checkpoint saves between steps included, the final one not). */
        double tokensPerSecond() { return tokensSeen / Math.max(1e-9, (lastStepAt - t0) / 1e9); }

        /** Records a finished step; returns what was logged when this step is a logging step (every N, and the last). */
        Logged step(int done, double loss, double lr, long tokens) {
            tokensSeen += tokens;
            lossSum += loss;
            lossCount++;
            lastStepAt = System.nanoTime();
            double seconds = (lastStepAt - t0) / 1e9;
            double eta = seconds / (done - start) * (end - done);
            double mean = lossSum / lossCount;
            String line = String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.3e  %,.0f tokens/s  ETA %s", done, total, mean, lr,
                    tokensPerSecond(), clock(eta));
            boolean log = done % every == 0 || done == end;
            if (terminal) {
                err.print("\r" + line + "\u001b[K");
                err.flush();
                drawn = true;
            } else if (log) {
                err.println(line);
                err.flush();
            }
            if (!log) return null;
            lossSum = 0;
            lossCount = 0;
            return new Logged(mean, tokensPerSecond());
        }

        /** Ends the redrawn line. */
        void end() {
            if (drawn) err.println();
            drawn = false;
            err.flush();
        }

        static String clock(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }
}
