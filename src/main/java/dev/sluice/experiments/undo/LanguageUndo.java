package dev.sluice.experiments.undo;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.undo.OutputDistillation;
import dev.sluice.methods.undo.RelearningAttack;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.methods.undo.StopRule;
import dev.sluice.methods.undo.UnlearningLosses;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.models.LlamaConfig;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.GradClip;
import dev.sluice.optim.LrSchedule;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import dev.sluice.text.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * UNDO's language setting (papers.md §2.1) on real text, small enough for two CPU cores: retain = English fortunes +
 * the King James Bible, forget = German (or Spanish) fortunes, a byte-level BPE of 2,048 tokens trained on these corpora.
 * <ol>
 *   <li>Pretrain a small Llama on retain + forget ("pretrained", saved in the Hugging Face layout and reloaded), and the
 *       same model from the same init on retain only ("data-filtered").</li>
 *   <li>Unlearn the pretrained model with MaxEnt (KL(U‖p) on forget text + 4 × CE on retain text) until the held-out
 *       forget CE reaches a target while the retain perplexity stays within 2% of the pretrained model's → the teacher
 *       ("unlearn-only").</li>
 *   <li>UNDO: copies of the teacher shrink-and-perturbed at α ∈ {0.3, 0.6, 0.8} (β = 0.1), each distilled from the
 *       teacher (forward KL, T = 1) on a 50/50 retain/forget mix until its held-out retain perplexity is within 5% of
 *       the pretrained model's, checked every k steps.</li>
 *   <li>Relearning attack on every model: fine-tune on forget training text over a learning-rate grid; the attacker's
 *       best (lowest) held-out forget CE at each evaluated step.</li>
 * </ol>
 */
public final class LanguageUndo {
    /** The bundled tokenizer: the committed 2,048-token BPE trained on the four corpora (CorpusTokenizerTest). */
    public static final String BUNDLED_TOKENIZER = "corpus-bpe-2k.json";
    /** The data split does not depend on --seed: every seed sees the same held-out text. */
    static final long DATA_SEED = 20_251_207L;

    /**
     * Settings; {@link #defaults()} are the demo's, {@link #tiny()} a test's.
     *
     * @param seed the seed of inits, batches, noise
     * @param forget "de" (German, the default) or "es" (Spanish)
     * @param fortunes the fortunes folder
     * @param hidden residual width
     * @param layers decoder layers
     * @param heads query heads
     * @param kvHeads key/value heads
     * @param mlp MLP width
     * @param context block length (tokens)
     * @param maxChars characters read per corpus (English fortunes, KJV, forget fortunes)
     * @param batch pretraining / unlearning / distillation batch (blocks)
     * @param pretrainSteps pretraining steps (each of the two pretrained models)
     * @param pretrainLr peak AdamW rate of pretraining (warm-up 5%, cosine to a tenth)
     * @param unlearnSteps the most MaxEnt steps
     * @param unlearnLr MaxEnt's AdamW rate
     * @param unlearnTargetFraction stop unlearning when held-out forget CE ≥ this fraction of ln V
     * @param checkEvery the stop rules' check interval
     * @param alphas UNDO's α values
     * @param beta UNDO's β
     * @param maxDistillSteps the most distillation steps
     * @param distillLr distillation's AdamW rate
     * @param attackLrs the attacker's learning-rate grid
     * @param attackSteps attack steps
     * @param attackEvery evaluate the attacked copies every this many steps
     * @param attackBatch attack batch (blocks)
     * @param evalBlocks held-out blocks per split (retain: half English, half KJV)
     * @param saveDir where to save the pretrained model (Hugging Face layout), or null for a temporary folder
     * @param unlearnRetainWeight the weight of MaxEnt's retain CE term
     * @param unlearnRetainSlack unlearning also waits until the teacher's retain perplexity is at most (1 + this) × the
     *                           pretrained model's, so that the students have room to stay within {@code retainTolerance}
     * @param retainTolerance distillation stops when a student's retain perplexity is at most (1 + this) × the
     *                        pretrained model's (the "within 5%": 0.05)
     */
    public record Config(long seed, String forget, Path fortunes, int hidden, int layers, int heads, int kvHeads, int mlp,
                         int context, int maxChars, int batch, int pretrainSteps, double pretrainLr, int unlearnSteps,
                         double unlearnLr, double unlearnTargetFraction, int checkEvery, double[] alphas, double beta,
                         int maxDistillSteps, double distillLr, double[] attackLrs, int attackSteps, int attackEvery,
                         int attackBatch, int evalBlocks, Path saveDir, double unlearnRetainWeight, double unlearnRetainSlack,
                         double retainTolerance) {
        public static Config defaults() {
            return new Config(0, "de", LanguageCorpora.FORTUNES, 128, 4, 4, 2, 384, 128, 1_000_000, 16, 800, 3e-3,
                    300, 3e-4, 0.9, 25, new double[] {0.3, 0.6, 0.8}, 0.1, 1000, 3e-3, new double[] {3e-4, 1e-3}, 100, 10,
                    8, 32, null, 4.0, 0.02, 0.05);
        }

        /** A few-second pipeline for tests: tiny model, little text. */
        public static Config tiny() {
            return new Config(0, "de", LanguageCorpora.FORTUNES, 32, 2, 2, 1, 64, 32, 60_000, 8, 500, 1e-2,
                    120, 1e-3, 0.8, 10, new double[] {0.3, 0.8}, 0.1, 200, 3e-3, new double[] {1e-3, 3e-3}, 30, 10,
                    8, 16, null, 1.0, 1.0, 0.5);
        }

        public Config withSeed(long s) { return new Config(s, forget, fortunes, hidden, layers, heads, kvHeads, mlp, context, maxChars, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, attackLrs, attackSteps, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        public Config withForget(String f) { return new Config(seed, f, fortunes, hidden, layers, heads, kvHeads, mlp, context, maxChars, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, attackLrs, attackSteps, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        public Config withFortunes(Path f) { return new Config(seed, forget, f, hidden, layers, heads, kvHeads, mlp, context, maxChars, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, attackLrs, attackSteps, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        public Config withSaveDir(Path d) { return new Config(seed, forget, fortunes, hidden, layers, heads, kvHeads, mlp, context, maxChars, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, attackLrs, attackSteps, attackEvery, attackBatch, evalBlocks, d, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        /** Another model shape. */
        public Config withModel(int h, int l, int nh, int kv, int m, int ctx) { return new Config(seed, forget, fortunes, h, l, nh, kv, m, ctx, maxChars, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, attackLrs, attackSteps, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        /** Other step budgets: pretraining, unlearning, the distillation cap, the attack. */
        public Config withSteps(int pretrain, int unlearn, int maxDistill, int attack) { return new Config(seed, forget, fortunes, hidden, layers, heads, kvHeads, mlp, context, maxChars, batch, pretrain, pretrainLr, unlearn, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistill, distillLr, attackLrs, attack, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        public Config withMaxChars(int c) { return new Config(seed, forget, fortunes, hidden, layers, heads, kvHeads, mlp, context, c, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, attackLrs, attackSteps, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }
        public Config withAttackLrs(double[] lrs) { return new Config(seed, forget, fortunes, hidden, layers, heads, kvHeads, mlp, context, maxChars, batch, pretrainSteps, pretrainLr, unlearnSteps, unlearnLr, unlearnTargetFraction, checkEvery, alphas, beta, maxDistillSteps, distillLr, lrs.clone(), attackSteps, attackEvery, attackBatch, evalBlocks, saveDir, unlearnRetainWeight, unlearnRetainSlack, retainTolerance); }

        /** The attack's evaluated steps: 0, every, 2·every, ..., attackSteps. */
        public int[] attackEvalSteps() {
            List<Integer> s = new ArrayList<>();
            for (int i = 0; i < attackSteps; i += attackEvery) s.add(i);
            s.add(attackSteps);
            return s.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The Llama config of every model of the run. */
        public LlamaConfig llama(int vocab) { return LlamaConfig.llama(vocab, hidden, mlp, layers, heads, kvHeads, context, true); }

        public String forgetName() { return forget.equals("de") ? "German fortunes" : "Spanish fortunes"; }
    }

    /**
     * One model's numbers.
     *
     * @param name the model
     * @param retainCe held-out retain CE (mean of English fortunes and KJV)
     * @param englishCe held-out English-fortune CE
     * @param kjvCe held-out KJV CE
     * @param forgetCe held-out forget CE before any attack
     * @param steps what it cost to make this model from the previous stage (pretraining, unlearning or distillation steps)
     * @param seconds the same, in seconds
     * @param attack the relearning attack (metric = −held-out forget CE), or null when not attacked
     */
    public record ModelResult(String name, double retainCe, double englishCe, double kjvCe, double forgetCe, int steps,
                              double seconds, RelearningAttack.Result attack) {
        /** The attacker's lowest held-out forget CE at each evaluated step (over learning rates). */
        public double[] attackedForgetCe() {
            return attack == null ? new double[0] : Arrays.stream(attack.best()).map(v -> -v).toArray();
        }

        /** The attacker's lowest held-out forget CE over all steps and learning rates. */
        public double bestAttackedForgetCe() { return attack == null ? Double.NaN : -attack.overallBest(); }

        Map<String, Object> toJson(double originalRetainCe) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("retain_ce", retainCe);
            m.put("retain_perplexity", Math.exp(retainCe));
            m.put("retain_perplexity_vs_pretrained", Math.exp(retainCe - originalRetainCe));
            m.put("english_fortunes_ce", englishCe);
            m.put("kjv_ce", kjvCe);
            m.put("forget_ce_before_attack", forgetCe);
            m.put("steps", steps);
            m.put("seconds", seconds);
            if (attack != null) {
                m.put("attack_eval_steps", Arrays.stream(attack.config().evalSteps()).boxed().toList());
                m.put("attacked_forget_ce_per_step", Arrays.stream(attackedForgetCe()).boxed().toList());
                m.put("attacked_forget_ce_min", bestAttackedForgetCe());
                Map<String, Object> per = new LinkedHashMap<>();
                for (var e : attack.curves().entrySet()) per.put(String.valueOf(e.getKey()), Arrays.stream(e.getValue()).map(v -> -v).boxed().toList());
                m.put("attacked_forget_ce_per_learning_rate", per);
            }
            return m;
        }
    }

    /**
     * All models of a run.
     *
     * @param config the settings
     * @param vocab the tokenizer's vocabulary size
     * @param parameters parameters per model
     * @param tokens training tokens: retain (English + KJV), forget
     * @param models pretrained, data-filtered, unlearn-only, undo-a…
     * @param pretrainedDir where the pretrained model was saved
     * @param reloadMaxDiff the largest logit difference between the trained and the reloaded pretrained model
     * @param seconds the whole run
     */
    public record Result(Config config, int vocab, long parameters, long[] tokens, List<ModelResult> models, Path pretrainedDir,
                         double reloadMaxDiff, double seconds) {
        public ModelResult get(String name) {
            for (ModelResult m : models) if (m.name().equals(name)) return m;
            throw new IllegalArgumentException("no model '" + name + "'; have " + models.stream().map(ModelResult::name).toList());
        }

        /** The attacked models, in table order. */
        public List<ModelResult> attacked() { return models.stream().filter(m -> m.attack() != null).toList(); }

        /**
         * Relative robustness at each attack step (papers.md §2.1, secondary source):
         * (CE_model − CE_unlearn-only) / (CE_data-filtered − CE_unlearn-only) on the attacker's best held-out forget CE;
         * 0 = no better than unlearning alone, 1 = as robust as data filtering.
         */
        public double[] relativeRobustness(String name) {
            double[] u = get("unlearn-only").attackedForgetCe(), f = get("data-filtered").attackedForgetCe(), m = get(name).attackedForgetCe();
            double[] r = new double[m.length];
            for (int i = 0; i < r.length; i++) r[i] = (m[i] - u[i]) / (f[i] - u[i]);
            return r;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", "undo-language");
            m.put("retain", "English fortunes (fortunes) + King James Bible (bible-kjv)");
            m.put("forget", config.forgetName() + " (fortunes-" + config.forget() + ")");
            m.put("tokenizer", "byte-level BPE, " + vocab + " tokens, trained on the four corpora (" + BUNDLED_TOKENIZER + ")");
            Map<String, Object> model = new LinkedHashMap<>(config.llama(vocab).toJson());
            m.put("model", model);
            m.put("parameters", parameters);
            m.put("seed", config.seed());
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("context", config.context());
            c.put("max_chars_per_corpus", config.maxChars());
            c.put("batch", config.batch());
            c.put("pretrain_steps", config.pretrainSteps());
            c.put("pretrain_lr", config.pretrainLr());
            c.put("unlearning", "MaxEnt: KL(U||p) on forget + " + config.unlearnRetainWeight() + " * CE on retain");
            c.put("unlearn_stop", String.format(java.util.Locale.ROOT, "held-out forget CE >= target and retain perplexity <= %.2f * pretrained",
                    1 + config.unlearnRetainSlack()));
            c.put("unlearn_max_steps", config.unlearnSteps());
            c.put("unlearn_lr", config.unlearnLr());
            c.put("unlearn_target_forget_ce", config.unlearnTargetFraction() * Math.log(vocab));
            c.put("check_every", config.checkEvery());
            c.put("alphas", Arrays.stream(config.alphas()).boxed().toList());
            c.put("beta", config.beta());
            c.put("distill_stop", String.format(java.util.Locale.ROOT, "student held-out retain perplexity <= %.2f * pretrained", 1 + config.retainTolerance()));
            c.put("distill_schedule", "AdamW, warm-up 5% then cosine to a tenth over max_distill_steps");
            c.put("max_distill_steps", config.maxDistillSteps());
            c.put("distill_lr", config.distillLr());
            c.put("attack_lrs", Arrays.stream(config.attackLrs()).boxed().toList());
            c.put("attack_steps", config.attackSteps());
            c.put("attack_batch", config.attackBatch());
            c.put("eval_blocks", config.evalBlocks());
            m.put("config", c);
            m.put("training_tokens", Map.of("retain", tokens[0], "forget", tokens[1]));
            m.put("uniform_ce", Math.log(vocab));
            m.put("pretrained_dir", String.valueOf(pretrainedDir));
            m.put("pretrained_reload_max_logit_diff", reloadMaxDiff);
            double orig = get("pretrained").retainCe();
            List<Object> ms = new ArrayList<>();
            for (ModelResult r : models) {
                Map<String, Object> j = r.toJson(orig);
                if (r.attack() != null && !r.name().equals("unlearn-only") && !r.name().equals("data-filtered")) {
                    j.put("relative_robustness_per_step", Arrays.stream(relativeRobustness(r.name())).boxed().toList());
                }
                ms.add(j);
            }
            m.put("models", ms);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** A progress line. */
    public record Progress(String stage, String detail) {}

    /** Token blocks of the run: training blocks as rows, held-out blocks as tensors. */
    record Data(long[][] retainTrain, long[][] forgetTrain, Tensor englishEval, Tensor kjvEval, Tensor retainEval, Tensor forgetEval) {}

    private LanguageUndo() {}

    /**
     * The bundled tokenizer.
     *
     * @return the 2,048-token BPE trained on the corpora
     */
    public static Tokenizer tokenizer() {
        try (InputStream in = LanguageUndo.class.getResourceAsStream(BUNDLED_TOKENIZER)) {
            if (in == null) throw new IllegalStateException("the bundled tokenizer " + BUNDLED_TOKENIZER + " is missing from the jar");
            return Tokenizer.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Result run(Config cfg, Consumer<Progress> progress) throws IOException {
        long t0 = System.nanoTime();
        Tokenizer tok = tokenizer();
        int vocab = tok.vocabSize();
        Data data = data(cfg, tok);
        progress.accept(new Progress("data", String.format("retain %d training blocks, forget (%s) %d, %d held-out blocks each, %d tokens per block (%.1f s)",
                data.retainTrain().length, cfg.forgetName(), data.forgetTrain().length, cfg.evalBlocks(), cfg.context(), secs(t0))));
        List<ModelResult> results = new ArrayList<>();

        // 1. pretraining: retain + forget, and retain only (data filtering), from the same init
        long t = System.nanoTime();
        long[][] all = concat(data.retainTrain(), data.forgetTrain());
        CausalLM trained = pretrain(cfg, vocab, all, "pretrained", progress);
        double pretrainSeconds = secs(t);
        Path dir = cfg.saveDir() != null ? cfg.saveDir() : Files.createTempDirectory("sluice-undo-lm");
        HfModels.save(trained, dir);
        Files.writeString(dir.resolve("tokenizer.json"), new String(LanguageUndo.class.getResourceAsStream(BUNDLED_TOKENIZER).readAllBytes(), StandardCharsets.UTF_8));
        CausalLM base = HfModels.load(dir);
        double reloadDiff = maxLogitDiff(trained, base, data.retainEval().narrow(0, 0, 2).contiguous());
        progress.accept(new Progress("save", String.format("pretrained model saved to %s and reloaded (max logit difference %.1e)", dir, reloadDiff)));
        results.add(evaluate("pretrained", base, data, cfg.pretrainSteps(), pretrainSeconds, null, cfg, progress));

        t = System.nanoTime();
        CausalLM filtered = pretrain(cfg, vocab, data.retainTrain(), "data-filtered", progress);
        double filteredSeconds = secs(t);

        // 2. unlearn (MaxEnt) → teacher
        t = System.nanoTime();
        double origRetain = results.get(0).retainCe();
        double target = cfg.unlearnTargetFraction() * Math.log(vocab);
        CausalLM teacher = base.deepCopy();
        int unlearnSteps = unlearn(cfg, teacher, data, target, origRetain + Math.log1p(cfg.unlearnRetainSlack()), progress);
        double unlearnSeconds = secs(t);
        double teacherRetain = ce(teacher, data.retainEval());

        RelearningAttack.Config attack = new RelearningAttack.Config(cfg.attackLrs(), cfg.attackSteps(), cfg.attackEvalSteps(), 0.9, 0.999, 1.0);
        results.add(evaluate("data-filtered", filtered, data, cfg.pretrainSteps(), filteredSeconds, attack, cfg, progress));
        results.add(evaluate("unlearn-only", teacher, data, unlearnSteps, unlearnSeconds, attack, cfg, progress));

        // 3. noise + distil
        for (double alpha : cfg.alphas()) {
            t = System.nanoTime();
            CausalLM student = teacher.deepCopy();
            ShrinkPerturb.builder(alpha, cfg.beta(), cfg.seed() + 100).build().apply(student);
            double start = ce(student, data.retainEval());
            AdamW opt = new AdamW(student.parameters(), cfg.distillLr(), 0.9, 0.999, 1e-8, 0.0);
            SplittableRandom rng = new SplittableRandom(cfg.seed() + 3);
            int half = Math.max(1, cfg.batch() / 2);
            double stopAt = origRetain + Math.log1p(cfg.retainTolerance());
            StopRule stop = new StopRule(cfg.checkEvery(), () -> ce(student, data.retainEval()) <= stopAt);
            LrSchedule schedule = LrSchedule.warmupCosine(Math.max(1, cfg.maxDistillSteps() / 20), cfg.maxDistillSteps(), cfg.distillLr(), cfg.distillLr() / 10);
            var r = OutputDistillation.run(student, teacher,
                    step -> batch(concat(sample(data.retainTrain(), half, rng), sample(data.forgetTrain(), half, rng))), opt, cfg.maxDistillSteps(), stop, schedule);
            progress.accept(new Progress("distill", String.format("alpha %.1f: retain CE %.3f after noise -> %s after %d steps (teacher %.3f, stop at %.3f)%s",
                    alpha, start, fmt(ce(student, data.retainEval())), r.steps(), teacherRetain, stopAt, r.stopped() ? "" : " (cap reached)")));
            results.add(evaluate("undo-a" + alpha, student, data, r.steps(), secs(t), attack, cfg, progress));
        }
        progress.accept(new Progress("done", String.format("original retain CE %.3f", origRetain)));
        return new Result(cfg, vocab, trained.config() instanceof LlamaConfig lc ? lc.parameterCount() : -1,
                new long[] {(long) data.retainTrain().length * cfg.context(), (long) data.forgetTrain().length * cfg.context()},
                results, dir, reloadDiff, secs(t0));
    }

    /** Pretraining: AdamW (β2 0.95, wd 0.1), warm-up 5% then cosine to a tenth, clip 1, same init seed for both models. */
    static CausalLM pretrain(Config cfg, int vocab, long[][] blocks, String name, Consumer<Progress> progress) {
        long t = System.nanoTime();
        CausalLM model = HfModels.create(cfg.llama(vocab), new Generator(cfg.seed() + 1));
        AdamW opt = new AdamW(model.parameters(), cfg.pretrainLr(), 0.9, 0.95, 1e-8, 0.1);
        LrSchedule lr = LrSchedule.warmupCosine(Math.max(1, cfg.pretrainSteps() / 20), cfg.pretrainSteps(), cfg.pretrainLr(), cfg.pretrainLr() / 10);
        SplittableRandom rng = new SplittableRandom(cfg.seed() + 1);
        int every = Math.max(1, cfg.pretrainSteps() / 10);
        double avg = 0;
        for (int step = 0; step < cfg.pretrainSteps(); step++) {
            opt.setLr(lr.lr(step));
            opt.zeroGrad();
            Tensor loss = model.nextTokenLoss(batch(sample(blocks, cfg.batch(), rng)));
            loss.backward();
            GradClip.clipGradNorm(opt.params(), 1.0);
            opt.step();
            avg += loss.item();
            if ((step + 1) % every == 0) {
                progress.accept(new Progress("pretrain", String.format("%s step %d/%d: train CE %.3f (%.0f s)", name, step + 1, cfg.pretrainSteps(), avg / every, secs(t))));
                avg = 0;
            }
        }
        return model;
    }

    /**
     * MaxEnt unlearning: half a batch of forget blocks (KL to uniform on every position), half of retain blocks (next-token
     * CE, weighted); stops when held-out forget CE ≥ target and held-out retain CE ≤ retainCap, checked every k steps
     * (with the retain weight of 1 the first MaxEnt steps cost the retain text 12–16% perplexity, which distillation
     * cannot win back: the students only approach their teacher). Returns the steps.
     */
    static int unlearn(Config cfg, CausalLM teacher, Data data, double target, double retainCap, Consumer<Progress> progress) {
        AdamW opt = new AdamW(teacher.parameters(), cfg.unlearnLr(), 0.9, 0.999, 1e-8, 0.0);
        SplittableRandom rng = new SplittableRandom(cfg.seed() + 2);
        int half = Math.max(1, cfg.batch() / 2);
        StopRule stop = new StopRule(cfg.checkEvery(), () -> ce(teacher, data.forgetEval()) >= target && ce(teacher, data.retainEval()) <= retainCap);
        int step = 0;
        while (step < cfg.unlearnSteps()) {
            Tensor fb = batch(sample(data.forgetTrain(), half, rng)), rb = batch(sample(data.retainTrain(), half, rng));
            int t = rb.size(1);
            opt.zeroGrad();
            Tensor loss = UnlearningLosses.maxEnt(teacher.forward(fb), null, teacher.forward(rb.narrow(1, 0, t - 1).contiguous()),
                    rb.narrow(1, 1, t - 1).contiguous(), cfg.unlearnRetainWeight());
            loss.backward();
            GradClip.clipGradNorm(opt.params(), 1.0);
            opt.step();
            step++;
            if (stop.shouldStop(step)) break;
        }
        progress.accept(new Progress("unlearn", String.format("MaxEnt %d steps: held-out forget CE %.3f (target %.3f, ln V = %.3f), retain CE %.3f (at most %.3f)",
                step, ce(teacher, data.forgetEval()), target, Math.log(teacher.vocabSize()), ce(teacher, data.retainEval()), retainCap)));
        return step;
    }

    static ModelResult evaluate(String name, CausalLM model, Data data, int steps, double seconds, RelearningAttack.Config attack,
                                Config cfg, Consumer<Progress> progress) {
        double en = ce(model, data.englishEval()), kjv = ce(model, data.kjvEval()), fo = ce(model, data.forgetEval());
        RelearningAttack.Result r = null;
        if (attack != null) {
            // the same batch at a given step for every learning rate and every model
            r = RelearningAttack.run(model, attack,
                    (m, step) -> ((CausalLM) m).nextTokenLoss(batch(sample(data.forgetTrain(), cfg.attackBatch(), new SplittableRandom(cfg.seed() * 1_000_003L + step)))),
                    m -> -ce((CausalLM) m, data.forgetEval()));
        }
        ModelResult mr = new ModelResult(name, (en + kjv) / 2, en, kjv, fo, steps, seconds, r);
        progress.accept(new Progress("evaluate", String.format("%-14s retain CE %.3f (EN %.3f, KJV %.3f)  forget CE %.3f  steps %d%s", name, mr.retainCe(), en, kjv, fo, steps,
                r == null ? "" : String.format("  attacked forget CE: step %d %.3f, step %d %.3f",
                        cfg.attackEvery(), mr.attackedForgetCe()[1], cfg.attackSteps(), mr.attackedForgetCe()[mr.attackedForgetCe().length - 1]))));
        return mr;
    }

    /** Mean next-token CE over held-out blocks, in chunks of 8, under no-grad and in eval mode. */
    public static double ce(CausalLM model, Tensor blocks) {
        boolean training = model.isTraining();
        model.eval();
        try (var ignored = GradMode.noGrad()) {
            double sum = 0;
            int n = blocks.size(0);
            for (int i = 0; i < n; i += 8) {
                int k = Math.min(8, n - i);
                sum += model.nextTokenLoss(blocks.narrow(0, i, k).contiguous()).item() * k;
            }
            return sum / n;
        } finally {
            if (training) model.train();
        }
    }

    static double maxLogitDiff(CausalLM a, CausalLM b, Tensor tokens) {
        try (var ignored = GradMode.noGrad()) {
            return a.forward(tokens).sub(b.forward(tokens)).abs().max().item();
        }
    }

    /** Reads, tokenizes and splits the corpora; held-out documents come first in a fixed shuffle, whole documents only. */
    static Data data(Config cfg, Tokenizer tok) {
        String missing = LanguageCorpora.missing(cfg.fortunes(), cfg.forget());
        if (missing != null) throw new IllegalStateException(missing);
        int eos = tok.eosTokenId().orElseThrow();
        int half = Math.max(1, cfg.evalBlocks() / 2);
        long[][][] en = split(LanguageCorpora.english(cfg.fortunes()), tok, eos, cfg, half, 1);
        long[][][] kjv = split(LanguageCorpora.kjv(20), tok, eos, cfg, half, 2);
        long[][][] fo = split(LanguageCorpora.foreign(cfg.fortunes(), cfg.forget()), tok, eos, cfg, cfg.evalBlocks(), 3);
        Tensor enEval = batch(en[0]), kjvEval = batch(kjv[0]);
        return new Data(concat(en[1], kjv[1]), fo[1], enEval, kjvEval, Tensor.cat(0, enEval, kjvEval).contiguous(), batch(fo[0]));
    }

    /** [held-out blocks, training blocks] of one corpus: documents shuffled, ended by EOS, up to maxChars characters. */
    static long[][][] split(List<String> docs, Tokenizer tok, int eos, Config cfg, int evalBlocks, int salt) {
        List<String> shuffled = new ArrayList<>(docs);
        Collections.shuffle(shuffled, new Random(DATA_SEED + salt));
        int need = evalBlocks * cfg.context();
        List<Long> eval = new ArrayList<>(), train = new ArrayList<>();
        long chars = 0;
        for (String d : shuffled) {
            if (chars >= cfg.maxChars()) break;
            chars += d.length();
            List<Long> into = eval.size() < need ? eval : train;
            for (int id : tok.encode(d, false)) into.add((long) id);
            into.add((long) eos);
        }
        if (eval.size() < need || train.size() < cfg.context() * 4) {
            throw new IllegalStateException("not enough text: " + chars + " characters give " + eval.size() + " held-out and " + train.size() + " training tokens");
        }
        return new long[][][] {blocks(eval, evalBlocks, cfg.context()), blocks(train, train.size() / cfg.context(), cfg.context())};
    }

    static long[][] blocks(List<Long> ids, int n, int len) {
        long[][] b = new long[n][len];
        for (int i = 0; i < n; i++) for (int j = 0; j < len; j++) b[i][j] = ids.get(i * len + j);
        return b;
    }

    static long[][] sample(long[][] blocks, int n, SplittableRandom rng) {
        long[][] out = new long[n][];
        for (int i = 0; i < n; i++) out[i] = blocks[rng.nextInt(blocks.length)];
        return out;
    }

    static Tensor batch(long[][] rows) {
        int len = rows[0].length;
        long[] flat = new long[rows.length * len];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * len, len);
        return Tensor.of(flat, rows.length, len);
    }

    static long[][] concat(long[][] a, long[][] b) {
        long[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double secs(long t0) { return (System.nanoTime() - t0) / 1e9; }

    private static String fmt(double v) { return String.format("%.3f", v); }
}
