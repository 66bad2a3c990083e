package dev.sluice.cli;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.routing.Era;
import dev.sluice.methods.routing.TokenRouter;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** {@code sluice routing model}: Expand-Route-Ablate on the MLPs of a Hugging Face language model. */
@Command(name = "model", description = {
        "Expand-Route-Ablate on a language model (a Hugging Face directory): widen the MLPs of --layers by --expand units,"
                + " train with next-token loss while forget targets' gradients reach only the new units (the original units'"
                + " gradient × --forget-value), then cut the new units away and save the model in the Hugging Face layout.",
        "Forget targets are the tokens of --forget-tokens (in every sequence, or only in --forget's sequences when both are"
                + " given), or every token of the labelled --forget file. Text files are read as sluice finetune reads --data.",
        "The results JSON holds the retain and forget losses before training, before and after ablation, measured on held-out"
                + " text: the last --eval-sequences blocks of each file, which training never sees."})
final class RoutingModelCommand extends LoadedModelCommand {
    @Option(names = "--retain", paramLabel = "FILE", required = true, description = "Retain text, one document per line (never routed).")
    Path retain;

    @Option(names = "--forget", paramLabel = "FILE", description = "Labelled forget text, one document per line.")
    Path forget;

    @Option(names = "--forget-tokens", paramLabel = "FILE",
            description = "Words to route, one per line: the tokens of each word at the start of a text and after a space.")
    Path forgetTokens;

    @Option(names = "--layers", split = ",", paramLabel = "L", description = "Layers whose MLPs are expanded and routed (default: the first half).")
    int[] layers;

    @Option(names = "--expand", paramLabel = "K", description = "Hidden units added to each routed MLP (default: ${DEFAULT-VALUE}).")
    int expand = 64;

    @Option(names = "--forget-value", paramLabel = "V",
            description = "Gradient mask on the original units for forget targets; 0 blocks them (default: ${DEFAULT-VALUE}, the paper's TinyStories value).")
    double forgetValue = -0.75;

    @Option(names = "--train", paramLabel = "WHAT", description = "Parameters to train: all or mlp (default: ${DEFAULT-VALUE}).")
    String train = "all";

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps = 100;

    @Option(names = "--lr", description = "AdamW learning rate, > 0 (default: ${DEFAULT-VALUE}).")
    double lr = 1e-4;

    @Option(names = "--seq-len", paramLabel = "T", description = "Tokens per sequence, 2 or more (default: ${DEFAULT-VALUE}).")
    int seqLen = 128;

    @Option(names = "--batch-size", paramLabel = "B", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--eval-sequences", paramLabel = "N", description = "Sequences held out from the end of each file, at most a quarter of it, to measure the losses on (default: ${DEFAULT-VALUE}).")
    int evalSequences = 32;

    @Option(names = "--log-every", paramLabel = "N", description = "Steps per progress line on stderr (default: ${DEFAULT-VALUE}).")
    int logEvery = 10;

    private Split retainRows, forgetRows;
    private int[] forgetIds;

    @Override
    String resultsName() { return "era_results.json"; }

    @Override
    void validate() {
        if (forget == null && forgetTokens == null) throw new UserError("give --forget FILE (labelled forget text) or --forget-tokens FILE (or both)");
        Check.positive("--expand", expand);
        if (!Double.isFinite(forgetValue)) throw new UserError("--forget-value must be a finite number, got " + Check.show(forgetValue));
        train = Check.oneOf("--train", train, List.of("all", "mlp"));
        Check.positive("--steps", steps);
        Check.finitePositive("--lr", lr);
        Check.inRange("--seq-len", seqLen, 2, Integer.MAX_VALUE);
        Check.positive("--batch-size", batchSize);
        Check.positive("--eval-sequences", evalSequences);
        Check.positive("--log-every", logEvery);
        validateModelAndOut();
        int n = cfg.numLayers();
        if (layers == null) {
            layers = new int[Math.max(1, n / 2)];
            for (int i = 0; i < layers.length; i++) layers[i] = i;
        }
        if (layers.length == 0) throw new UserError("--layers must name at least one layer");
        for (int l : layers) Check.inRange("--layers", l, 0, n - 1);
        if (Arrays.stream(layers).distinct().count() != layers.length) throw new UserError("--layers repeats a layer: " + join(layers));
        if (seqLen > cfg.maxPositions()) throw new UserError("--seq-len " + seqLen + " exceeds the model's " + cfg.maxPositions() + " positions");
        LanguageModels.checkTrainingMemory(cfg, 16, "weights, gradients and AdamW moments", batchSize, seqLen);
        if (forgetTokens != null) forgetIds = tokenIds(lines("--forget-tokens", forgetTokens));
        retainRows = holdOut("--retain", retain, blocks("--retain", retain, seqLen), evalSequences, seqLen);
        if (forget != null) forgetRows = holdOut("--forget", forget, blocks("--forget", forget, seqLen), evalSequences, seqLen);
    }

    private int[] tokenIds(List<String> words) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (String w : words) {
            String s = w.strip();
            for (String v : List.of(s, " " + s)) for (int id : tok.encode(v, false)) ids.add(id);
        }
        for (int id : ids) {
            if (id >= cfg.vocabSize()) throw new UserError("--forget-tokens: token id " + id + " is beyond the model's vocab_size " + cfg.vocabSize());
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String join(int[] v) { return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList()); }

    @Override
    int execute() throws IOException {
        long t0 = System.nanoTime();
        CausalLM m = HfModels.load(model, new Generator(seed));
        // training rows: retain (never routed) then forget (labelled); with only a token list every row is routed
        List<long[]> rows = new ArrayList<>(Arrays.asList(retainRows.train()));
        if (forgetRows != null) rows.addAll(Arrays.asList(forgetRows.train()));
        boolean[] flags = new boolean[rows.size()];
        for (int i = 0; i < flags.length; i++) flags[i] = forget == null || i >= retainRows.train().length;
        long[][] all = rows.toArray(long[][]::new);
        long[][] retainEval = retainRows.heldOut(), forgetEval = forgetRows == null ? null : forgetRows.heldOut();
        out().printf(Locale.ROOT, "ERA on %s (%s, %s parameters, loaded in %.1f s): layers %s + %d units each; %d retain and %d forget training sequences of %d (%d and %d held out);"
                        + " %s routed; %d steps of batch %d, AdamW lr %s%n", model, cfg.modelType(), LanguageModels.count(cfg.parameterCount()),
                (System.nanoTime() - t0) / 1e9, join(layers), expand, retainRows.train().length, forgetRows == null ? 0 : forgetRows.train().length, seqLen,
                retainRows.heldOut().length, forgetRows == null ? 0 : forgetRows.heldOut().length,
                forgetIds != null ? forgetIds.length + " token ids" : "every token of --forget", steps, batchSize, Check.show(lr));
        out().flush();

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", "era");
        json.put("model", model.toAbsolutePath().normalize().toString());
        json.put("layers", Arrays.stream(layers).boxed().toList());
        json.put("expand", expand);
        json.put("forget_value", forgetValue);
        json.put("train", train);
        json.put("steps", steps);
        json.put("lr", lr);
        json.put("seq_len", seqLen);
        json.put("batch_size", batchSize);
        json.put("seed", seed);
        json.put("routing", forgetIds == null ? "labelled forget file" : forget == null ? "forget tokens in every sequence" : "forget tokens in labelled forget sequences");
        if (forgetIds != null) json.put("forget_token_ids", Arrays.stream(forgetIds).boxed().toList());
        json.put("forget_loss_on", forget != null ? "--forget sequences" : "--retain positions whose target is a forget token");
        json.put("retain_loss_on", forgetIds != null ? "--retain positions whose target is not a forget token" : "--retain sequences");
        json.put("retain_data", retainRows.toJson());
        if (forgetRows != null) json.put("forget_data", forgetRows.toJson());
        json.put("before_training", losses(m, retainEval, forgetEval));

        Era era = Era.expand(m, layers, expand, new Generator(seed + 1));
        double[] weights = forgetIds != null ? Era.forgetTokenWeights(cfg.vocabSize(), forgetIds) : new double[cfg.vocabSize()];
        TokenRouter router = era.router(weights, forgetValue);
        List<Tensor> params = train.equals("mlp") ? m.freezeExcept(n -> n.contains(".mlp.")) : m.parameters();
        AdamW opt = new AdamW(params, lr);
        Batches batches = new Batches(all, seed);
        List<Object> history = new ArrayList<>();
        json.put("loss_history", history);
        m.train();
        double sum = 0;
        int count = 0;
        for (int step = 1; step <= steps; step++) {
            int[] idx = batches.nextIndices(batchSize);
            long[][] b = new long[idx.length][];
            boolean[] f = new boolean[idx.length];
            for (int i = 0; i < idx.length; i++) {
                b[i] = all[idx[i]];
                f[i] = flags[idx[i]];
            }
            opt.zeroGrad();
            Tensor loss = era.loss(router, tensor(b), f);
            double l = loss.item();
            if (!Double.isFinite(l)) {
                history.add(Map.of("step", step, "loss", l));
                return diverged(json, "training");
            }
            loss.backward();
            opt.step();
            sum += l;
            count++;
            if (step % logEvery == 0 || step == steps) {
                err().printf(Locale.ROOT, "step %d/%d  routed loss %.4f%n", step, steps, sum / count);
                err().flush();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("step", step);
                e.put("loss", sum / count);
                history.add(e);
                sum = 0;
                count = 0;
            }
        }
        m.unfreeze();
        Map<String, Object> before = losses(m, retainEval, forgetEval);
        era.ablate();
        Map<String, Object> after = losses(m, retainEval, forgetEval);
        json.put("before_ablation", before);
        json.put("after_ablation", after);
        json.put("diverged", false);
        if (dev.sluice.io.Json.containsNonFinite(json)) return diverged(json, "evaluation");
        save(m, outDir);
        Results.write(resultsFile(), json, true);
        out().printf(Locale.ROOT, "ablation: retain loss %.4f -> %.4f, forget loss %.4f -> %.4f; saved %s and %s%n",
                (double) before.get("retain_loss"), (double) after.get("retain_loss"), (double) before.get("forget_loss"),
                (double) after.get("forget_loss"), outDir, resultsFile());
        return 0;
    }

    /**
     * The retain and forget losses: with --forget, its sequences' mean loss is the forget loss; with only a token list,
     * the retain sequences' positions are split by whether their target is a forget token.
     */
    private Map<String, Object> losses(CausalLM m, long[][] retainEval, long[][] forgetEval) {
        boolean[] isForget = new boolean[cfg.vocabSize()];
        if (forgetIds != null && forget == null) for (int id : forgetIds) isForget[id] = true;
        double[] r = positionLosses(m, retainEval, isForget);
        Map<String, Object> out = new LinkedHashMap<>();
        if (forget != null) {
            double[] f = positionLosses(m, forgetEval, new boolean[cfg.vocabSize()]);
            out.put("retain_loss", r[0] / r[1]);
            out.put("forget_loss", f[0] / f[1]);
        } else {
            out.put("retain_loss", r[1] > 0 ? r[0] / r[1] : Double.NaN);
            out.put("forget_loss", r[3] > 0 ? r[2] / r[3] : Double.NaN);
            out.put("forget_positions", (long) r[3]);
        }
        return out;
    }

    /** {sum of losses at other targets, their count, sum at forget targets, their count}, in eval mode without gradients. */
    private double[] positionLosses(CausalLM m, long[][] rows, boolean[] isForget) {
        m.eval();
        double[] acc = new double[4];
        int v = cfg.vocabSize();
        try (var ignored = GradMode.noGrad()) {
            for (int from = 0; from < rows.length; from += batchSize) {
                long[][] b = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + batchSize));
                Tensor x = tensor(b);
                int t = seqLen - 1;
                Tensor logits = m.forward(x.narrow(1, 0, t).contiguous());
                int width = logits.size(2);
                float[] z = logits.toFloatArray();
                for (int i = 0; i < b.length; i++) {
                    for (int j = 0; j < t; j++) {
                        int off = (i * t + j) * width;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < width; k++) max = Math.max(max, z[off + k]);
                        double s = 0;
                        for (int k = 0; k < width; k++) s += Math.exp(z[off + k] - max);
                        int target = (int) b[i][j + 1];
                        double loss = max + Math.log(s) - z[off + target];
                        int slot = target < v && isForget[target] ? 2 : 0;
                        acc[slot] += loss;
                        acc[slot + 1]++;
                    }
                }
            }
        }
        return acc;
    }
}
