package dev.sluice.cli;

import dev.sluice.methods.undo.OutputDistillation;
import dev.sluice.methods.undo.RelearningAttack;
import dev.sluice.methods.undo.Rmu;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.methods.undo.UnlearningLosses;
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
import java.util.OptionalDouble;

/** {@code sluice undo model}: UNDO (unlearn, shrink-and-perturb, distil, attack) on a Hugging Face language model. */
@Command(name = "model", description = {
        "UNDO on a language model (a Hugging Face directory): unlearn --forget while keeping --retain (--method maxent,"
                + " graddiff or rmu) to make a teacher; shrink and perturb a copy of it (--alpha, --beta); distil the teacher's"
                + " outputs into the copy on the retain + forget mix until its KL to the teacher is within --stop-within; then"
                + " attack the student by fine-tuning on the forget training text (--attack-lrs) and report the held-out forget loss.",
        "The student is saved in --out in the Hugging Face layout (the teacher in --save-teacher if given); the results JSON"
                + " holds the retain and forget losses of the original, the teacher and the student, the KL and the attack, all measured"
                + " on held-out text: the last --eval-sequences blocks of each file, which no stage trains on."})
final class UndoModelCommand extends LoadedModelCommand {
    @Option(names = "--retain", paramLabel = "FILE", required = true, description = "Retain text, one document per line.")
    Path retain;

    @Option(names = "--forget", paramLabel = "FILE", required = true, description = "Forget text, one document per line.")
    Path forget;

    @Option(names = "--method", paramLabel = "M", description = "Unlearning method: maxent, graddiff or rmu (default: ${DEFAULT-VALUE}).")
    String method = "maxent";

    @Option(names = "--retain-weight", paramLabel = "W",
            description = "Weight of the retain term, >= 0 (default: 1 for maxent and graddiff, 100 for rmu).")
    Double retainWeight;

    @Option(names = "--rmu-layer", paramLabel = "L", description = "RMU: the layer whose residual stream is steered (default: the middle layer).")
    Integer rmuLayer;

    @Option(names = "--rmu-steering", paramLabel = "C", description = "RMU: the steering coefficient c, > 0 (default: ${DEFAULT-VALUE}).")
    double rmuSteering = 6.5;

    @Option(names = "--unlearn-steps", paramLabel = "N", description = "Unlearning steps (default: ${DEFAULT-VALUE}).")
    int unlearnSteps = 100;

    @Option(names = "--unlearn-lr", description = "AdamW learning rate of the unlearning, > 0 (default: ${DEFAULT-VALUE}).")
    double unlearnLr = 1e-5;

    @Option(names = "--alpha", description = "Shrink-and-perturb α in [0, 1]: θ ← (1−α)·θ + α·β·noise (default: ${DEFAULT-VALUE}).")
    double alpha = 0.6;

    @Option(names = "--beta", description = "Shrink-and-perturb noise scale β, >= 0 (default: ${DEFAULT-VALUE}).")
    double beta = 0.1;

    @Option(names = "--distill-steps", paramLabel = "N", description = "The most distillation steps (default: ${DEFAULT-VALUE}).")
    int distillSteps = 500;

    @Option(names = "--distill-lr", description = "AdamW learning rate of the distillation, > 0 (default: ${DEFAULT-VALUE}).")
    double distillLr = 1e-4;

    @Option(names = "--stop-within", paramLabel = "KL",
            description = "Stop distilling once the student's KL to the teacher (nats per token) is at most this; checked every --check-every steps (default: run all steps).")
    Double stopWithin;

    @Option(names = "--check-every", paramLabel = "N", description = "Steps between stop-rule checks (default: ${DEFAULT-VALUE}).")
    int checkEvery = 10;

    @Option(names = "--attack-steps", paramLabel = "N", description = "Relearning-attack steps per learning rate; 0 for no attack (default: ${DEFAULT-VALUE}).")
    int attackSteps = 20;

    @Option(names = "--attack-lrs", split = ",", paramLabel = "LR", description = "The attack's learning rates (default: 1e-4,3e-4).")
    List<Double> attackLrs = List.of(1e-4, 3e-4);

    @Option(names = "--attack-teacher", description = "Also attack the teacher, for comparison.")
    boolean attackTeacher;

    @Option(names = "--save-teacher", paramLabel = "DIR", description = "Also save the unlearned teacher here (Hugging Face layout).")
    Path saveTeacher;

    @Option(names = "--seq-len", paramLabel = "T", description = "Tokens per sequence, 2 or more (default: ${DEFAULT-VALUE}).")
    int seqLen = 128;

    @Option(names = "--batch-size", paramLabel = "B", description = "Sequences per step (of each file while unlearning) (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--eval-sequences", paramLabel = "N", description = "Sequences held out from the end of each file, at most a quarter of it, to measure the losses, the KL and the attack on (default: ${DEFAULT-VALUE}).")
    int evalSequences = 32;

    @Option(names = "--log-every", paramLabel = "N", description = "Steps per progress line on stderr (default: ${DEFAULT-VALUE}).")
    int logEvery = 10;

    private Split retainRows, forgetRows;
    private double[] lrs;

    @Override
    String resultsName() { return "undo_results.json"; }

    @Override
    void validate() {
        method = Check.oneOf("--method", method, List.of("maxent", "graddiff", "rmu"));
        if (retainWeight == null) retainWeight = method.equals("rmu") ? 100.0 : 1.0;
        Check.finiteNonNegative("--retain-weight", retainWeight);
        Check.finitePositive("--rmu-steering", rmuSteering);
        Check.positive("--unlearn-steps", unlearnSteps);
        Check.finitePositive("--unlearn-lr", unlearnLr);
        Check.fraction("--alpha", alpha, true);
        Check.finiteNonNegative("--beta", beta);
        Check.positive("--distill-steps", distillSteps);
        Check.finitePositive("--distill-lr", distillLr);
        if (stopWithin != null) Check.finitePositive("--stop-within", stopWithin);
        Check.positive("--check-every", checkEvery);
        Check.nonNegative("--attack-steps", attackSteps);
        lrs = finitePositiveList("--attack-lrs", attackLrs);
        Check.inRange("--seq-len", seqLen, 2, Integer.MAX_VALUE);
        Check.positive("--batch-size", batchSize);
        Check.positive("--eval-sequences", evalSequences);
        Check.positive("--log-every", logEvery);
        validateModelAndOut();
        if (saveTeacher != null) {
            Path t = saveTeacher.toAbsolutePath().normalize();
            if (t.equals(outDir.toAbsolutePath().normalize())) throw new UserError("--save-teacher " + saveTeacher + " is --out; give another directory");
            if (java.nio.file.Files.exists(t.resolve("config.json"))) throw new UserError("--save-teacher " + saveTeacher + " already holds a model; give a new or empty directory");
            Check.writableOut("--save-teacher", t.resolve("config.json"));
        }
        if (rmuLayer == null) rmuLayer = (cfg.numLayers() - 1) / 2;
        Check.inRange("--rmu-layer", rmuLayer, 0, cfg.numLayers() - 1);
        if (seqLen > cfg.maxPositions()) throw new UserError("--seq-len " + seqLen + " exceeds the model's " + cfg.maxPositions() + " positions");
        LanguageModels.checkTrainingMemory(cfg, 24, "the trained model's weights, gradients and AdamW moments and two float32 copies"
                + " (teacher, student or the frozen original)", 2 * batchSize, seqLen);
        retainRows = holdOut("--retain", retain, blocks("--retain", retain, seqLen), evalSequences, seqLen);
        forgetRows = holdOut("--forget", forget, blocks("--forget", forget, seqLen), evalSequences, seqLen);
    }

    @Override
    int execute() throws IOException {
        long t0 = System.nanoTime();
        CausalLM teacher = HfModels.load(model, new Generator(seed));
        long[][] retainEval = retainRows.heldOut(), forgetEval = forgetRows.heldOut();
        long[][] mixEval = concat(retainEval, forgetEval);
        out().printf(Locale.ROOT, "UNDO on %s (%s, %s parameters, loaded in %.1f s): %d retain and %d forget training sequences of %d (%d and %d held out); %s for %d steps,"
                        + " shrink-perturb α %s β %s, distil up to %d steps%n", model, cfg.modelType(), LanguageModels.count(cfg.parameterCount()),
                (System.nanoTime() - t0) / 1e9, retainRows.train().length, forgetRows.train().length, seqLen, retainEval.length, forgetEval.length, method, unlearnSteps, Check.show(alpha),
                Check.show(beta), distillSteps);
        out().flush();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", method);
        json.put("model", model.toAbsolutePath().normalize().toString());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("retain_weight", retainWeight);
        if (method.equals("rmu")) {
            options.put("rmu_layer", rmuLayer);
            options.put("rmu_steering", rmuSteering);
        }
        options.put("unlearn_steps", unlearnSteps);
        options.put("unlearn_lr", unlearnLr);
        options.put("alpha", alpha);
        options.put("beta", beta);
        options.put("distill_steps", distillSteps);
        options.put("distill_lr", distillLr);
        options.put("stop_within", stopWithin);
        options.put("seq_len", seqLen);
        options.put("batch_size", batchSize);
        options.put("seed", seed);
        json.put("options", options);
        json.put("retain_data", retainRows.toJson());
        json.put("forget_data", forgetRows.toJson());
        json.put("original", losses(teacher, retainEval, forgetEval));

        // 1. unlearn: the model becomes the teacher
        Map<String, Object> unlearning = new LinkedHashMap<>();
        List<Object> history = new ArrayList<>();
        unlearning.put("loss_history", history);
        json.put("unlearning", unlearning);
        if (!unlearn(teacher, history)) return diverged(json, "unlearning");
        teacher.unfreeze();
        teacher.eval();
        teacher.zeroGrad();   // the optimiser died with unlearn(); the gradients it read stay on the parameters until here
        Map<String, Object> teacherLosses = losses(teacher, retainEval, forgetEval);
        json.put("teacher", teacherLosses);

        // 2. shrink and perturb a copy
        CausalLM student = teacher.deepCopy();
        ShrinkPerturb.builder(alpha, beta, seed).build().apply(student);
        Map<String, Object> noised = losses(student, retainEval, forgetEval);
        noised.put("kl_to_teacher", kl(student, teacher, mixEval));
        json.put("student_after_noise", noised);

        // 3. distil the teacher's outputs on the retain + forget mix
        Map<String, Object> distillation = new LinkedHashMap<>();
        List<Object> klHistory = new ArrayList<>();
        distillation.put("kl_history", klHistory);
        json.put("distillation", distillation);
        OptionalDouble distilled = distil(student, teacher, mixEval, (double) noised.get("kl_to_teacher"), distillation, klHistory);
        if (distilled.isEmpty()) return diverged(json, "distillation");
        double lastKl = distilled.getAsDouble();
        int done = (int) distillation.get("steps");
        student.zeroGrad();   // the attack copies the student; its copy trains with an optimiser of its own
        Map<String, Object> studentLosses = losses(student, retainEval, forgetEval);
        studentLosses.put("kl_to_teacher", lastKl);
        json.put("student", studentLosses);
        if (dev.sluice.io.Json.containsNonFinite(json)) return diverged(json, "evaluation");

        save(student, outDir);
        if (saveTeacher != null) save(teacher, saveTeacher);
        out().printf(Locale.ROOT, "teacher: retain %.4f forget %.4f (original %.4f, %.4f); student after %d distillation steps: retain %.4f forget %.4f,"
                        + " KL to teacher %.4f -> %.4f; saved %s%n", (double) teacherLosses.get("retain_loss"), (double) teacherLosses.get("forget_loss"),
                (double) ((Map<?, ?>) json.get("original")).get("retain_loss"), (double) ((Map<?, ?>) json.get("original")).get("forget_loss"),
                done, (double) studentLosses.get("retain_loss"), (double) studentLosses.get("forget_loss"),
                (double) noised.get("kl_to_teacher"), lastKl, outDir);

        // 4. relearning attack: fine-tune copies on the forget training text, measure the held-out forget text
        if (attackSteps > 0) {
            long[][] attackRows = forgetRows.train(), held = forgetEval;
            Map<String, Object> attack = new LinkedHashMap<>();
            attack.put("train_sequences", attackRows.length);
            attack.put("held_out_sequences", held.length);
            attack.put("student", attack(student, attackRows, held));
            if (attackTeacher) attack.put("teacher", attack(teacher, attackRows, held));
            json.put("attack", attack);
            out().printf(Locale.ROOT, "relearning attack (%d steps, lr %s): student's held-out forget loss at best %.4f%s%n", attackSteps,
                    String.join(",", attackLrs.stream().map(Check::show).toList()), ((Map<?, ?>) attack.get("student")).get("best_forget_loss"),
                    attackTeacher ? String.format(Locale.ROOT, ", teacher's %.4f", ((Map<?, ?>) attack.get("teacher")).get("best_forget_loss")) : "");
        }
        json.put("diverged", false);
        if (Results.write(resultsFile(), json, true)) {
            err().println(name() + ": the relearning attack went non-finite; the student is saved in " + outDir + "; " + Results.divergedLine(resultsFile()));
            return 1;
        }
        out().println("wrote " + resultsFile());
        return 0;
    }

    /**
     * Stage 1: unlearns --forget on the teacher (MaxEnt, GradDiff or RMU), logging to {@code history}; false when the
     * loss went non-finite (the history ends with it). A method of its own so that its AdamW moments and RMU's frozen
     * copy (16-20 bytes per parameter) are garbage when it returns: at 135M parameters, keeping them beside the
     * relearning attack's copy ran a 6 GB heap out of memory.
     */
    private boolean unlearn(CausalLM teacher, List<Object> history) {
        Rmu rmu = null;
        List<Tensor> params;
        if (method.equals("rmu")) {
            CausalLM frozen = teacher.deepCopy();
            frozen.freeze();
            rmu = new Rmu(teacher, frozen, teacher.residHook(rmuLayer), rmuSteering, retainWeight, seed);
            params = teacher.freezeExcept(n -> n.endsWith("mlp.down_proj.weight") || n.endsWith("mlp.c_proj.weight"));
        } else {
            params = teacher.parameters();
        }
        AdamW opt = new AdamW(params, unlearnLr);
        Batches retainBatches = new Batches(retainRows.train(), seed), forgetBatches = new Batches(forgetRows.train(), seed + 1);
        teacher.train();
        double sum = 0;
        int count = 0;
        for (int step = 1; step <= unlearnSteps; step++) {
            Tensor r = retainBatches.next(batchSize), f = forgetBatches.next(batchSize);
            opt.zeroGrad();
            Tensor loss;
            if (rmu != null) {
                loss = rmu.loss(f, r);
            } else {
                int t = seqLen - 1;
                Tensor fIn = f.narrow(1, 0, t).contiguous(), fTgt = f.narrow(1, 1, t).contiguous();
                Tensor rIn = r.narrow(1, 0, t).contiguous(), rTgt = r.narrow(1, 1, t).contiguous();
                loss = method.equals("graddiff")
                        ? UnlearningLosses.gradDiff(teacher.forward(fIn), fTgt, teacher.forward(rIn), rTgt, retainWeight)
                        : UnlearningLosses.maxEnt(teacher.forward(fIn), null, teacher.forward(rIn), rTgt, retainWeight);
            }
            double l = loss.item();
            if (!Double.isFinite(l)) {
                history.add(Map.of("step", step, "loss", l));
                return false;
            }
            loss.backward();
            opt.step();
            sum += l;
            count++;
            if (step % logEvery == 0 || step == unlearnSteps) {
                err().printf(Locale.ROOT, "unlearn step %d/%d  %s loss %.4f%n", step, unlearnSteps, method, sum / count);
                err().flush();
                history.add(entry(step, "loss", sum / count));
                sum = 0;
                count = 0;
            }
        }
        return true;
    }

    /**
     * Stage 3: distils the teacher's outputs into the student on the retain + forget mix until the KL on
     * {@code mixEval} is within --stop-within; records steps, the stop and the KL history. Empty when the loss went
     * non-finite. Its optimiser, like the unlearning's, is garbage when it returns.
     */
    private OptionalDouble distil(CausalLM student, CausalLM teacher, long[][] mixEval, double startKl, Map<String, Object> distillation,
                                  List<Object> klHistory) {
        Batches mix = new Batches(concat(retainRows.train(), forgetRows.train()), seed + 2);
        AdamW dopt = new AdamW(student.parameters(), distillLr);
        int done = 0;
        boolean stopped = false;
        double lastKl = startKl;
        teacher.eval();
        for (int step = 1; step <= distillSteps; step++) {
            student.train();
            dopt.zeroGrad();
            Tensor loss = OutputDistillation.loss(student, teacher, mix.next(batchSize), null);
            double l = loss.item();
            if (!Double.isFinite(l)) {
                klHistory.add(entry(step, "loss", l));
                distillation.put("steps", step);
                return OptionalDouble.empty();
            }
            loss.backward();
            dopt.step();
            done = step;
            boolean check = step % checkEvery == 0 || step == distillSteps;
            if (check) {
                lastKl = kl(student, teacher, mixEval);
                klHistory.add(entry(step, "kl_to_teacher", lastKl));
                err().printf(Locale.ROOT, "distil step %d/%d  loss %.4f  KL to teacher %.4f%n", step, distillSteps, l, lastKl);
                err().flush();
                if (stopWithin != null && lastKl <= stopWithin) {
                    stopped = step < distillSteps;
                    break;
                }
            }
        }
        distillation.put("steps", done);
        distillation.put("stopped_by_rule", stopped);
        return OptionalDouble.of(lastKl);
    }

    /** The attack at every learning rate, reported as held-out forget losses (the attacker's best is the lowest). */
    private Map<String, Object> attack(CausalLM target, long[][] attackRows, long[][] held) {
        int[] evalSteps = attackSteps >= 2 ? new int[] {0, attackSteps / 2, attackSteps} : new int[] {0, attackSteps};
        Batches data = new Batches(attackRows, seed + 3);
        List<Tensor> batches = new ArrayList<>();
        for (int i = 0; i < attackSteps; i++) batches.add(data.next(batchSize));
        RelearningAttack.Result r = RelearningAttack.run(target, new RelearningAttack.Config(lrs, attackSteps, evalSteps, 0.9, 0.999, 1.0),
                (m, step) -> ((CausalLM) m).nextTokenLoss(batches.get(step)), m -> -meanLoss((CausalLM) m, held, batchSize));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("eval_steps", Arrays.stream(evalSteps).boxed().toList());
        Map<String, Object> per = new LinkedHashMap<>();
        for (var e : r.curves().entrySet()) per.put(Check.show(e.getKey()), Arrays.stream(e.getValue()).map(v -> -v).boxed().toList());
        out.put("forget_loss_per_lr", per);
        out.put("best_forget_loss_per_step", Arrays.stream(r.best()).map(v -> -v).boxed().toList());
        out.put("best_forget_loss", -r.overallBest());
        target.eval();
        return out;
    }

    private static Map<String, Object> entry(int step, String key, double v) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("step", step);
        e.put(key, v);
        return e;
    }

    private Map<String, Object> losses(CausalLM m, long[][] retainEval, long[][] forgetEval) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("retain_loss", meanLoss(m, retainEval, batchSize));
        out.put("forget_loss", meanLoss(m, forgetEval, batchSize));
        return out;
    }

    /** The mean forward KL per position of the student to the teacher, in batches. */
    private double kl(CausalLM student, CausalLM teacher, long[][] rows) {
        student.eval();
        teacher.eval();
        double sum = 0;
        for (int from = 0; from < rows.length; from += batchSize) {
            long[][] b = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + batchSize));
            sum += OutputDistillation.kl(student, teacher, tensor(b), null) * b.length;
        }
        return sum / rows.length;
    }

    private static long[][] concat(long[][] a, long[][] b) {
        long[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
