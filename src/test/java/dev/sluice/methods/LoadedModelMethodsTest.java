package dev.sluice.methods;

import dev.sluice.methods.recontext.CausalLMPolicy;
import dev.sluice.methods.routing.Era;
import dev.sluice.methods.routing.TokenRouter;
import dev.sluice.methods.undo.OutputDistillation;
import dev.sluice.methods.undo.RelearningAttack;
import dev.sluice.methods.undo.Rmu;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.methods.undo.StopRule;
import dev.sluice.methods.undo.UnlearningLosses;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.Grpo;
import dev.sluice.methods.recontext.Policy;
import dev.sluice.methods.recontext.PromptTemplates;
import dev.sluice.methods.recontext.PromptTransform;
import dev.sluice.methods.recontext.Reward;
import dev.sluice.methods.recontext.Rollouts;
import dev.sluice.models.CausalLM;
import dev.sluice.models.Gpt2Config;
import dev.sluice.models.Gpt2Model;
import dev.sluice.models.HfModels;
import dev.sluice.models.LlamaConfig;
import dev.sluice.models.LlamaModel;
import dev.sluice.nn.Generation;
import dev.sluice.nn.KVCache;
import dev.sluice.autograd.GradMode;
import dev.sluice.models.TokenBlocks;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import dev.sluice.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The three methods on Hugging Face models (tiny random Llama / GPT-2 models). */
class LoadedModelMethodsTest {
    @TempDir
    Path tmp;

    static LlamaModel llama(long seed) {
        // GQA (4 query heads, 2 kv heads), untied head
        return new LlamaModel(LlamaConfig.llama(60, 16, 24, 2, 4, 2, 64, false), new Generator(seed));
    }

    static Gpt2Model gpt2(long seed) { return new Gpt2Model(Gpt2Config.of(60, 64, 16, 2, 4), new Generator(seed)); }

    private static Tensor row(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return Tensor.of(l, 1, ids.length);
    }

    // ---------------------------------------------------------------- left padding

    @Test
    void leftPaddedBatchComputesEachRowAsAlone() {
        for (CausalLM m : new CausalLM[] {llama(1), gpt2(1)}) {
            m.eval();
            int[][] rows = {{3, 4, 5, 6, 7}, {8, 9}, {10, 11, 12}};
            int p = 5;
            long[] flat = new long[rows.length * p];
            int[] pad = new int[rows.length];
            for (int r = 0; r < rows.length; r++) {
                pad[r] = p - rows[r].length;
                for (int j = 0; j < rows[r].length; j++) flat[r * p + pad[r] + j] = rows[r][j];
            }
            float[] batch = m.forward(Tensor.of(flat, rows.length, p), pad, null).toFloatArray();
            int v = 60;
            for (int r = 0; r < rows.length; r++) {
                float[] alone = m.forward(row(rows[r])).toFloatArray();
                for (int j = 0; j < rows[r].length; j++) {
                    for (int k = 0; k < v; k++) {
                        assertEquals(alone[j * v + k], batch[(r * p + pad[r] + j) * v + k], 1e-4, m.getClass().getSimpleName() + " row " + r + " col " + j);
                    }
                }
            }
            // a cache filled with one padding refuses another
            KVCache cache = m.newCache();
            m.forward(Tensor.of(flat, rows.length, p), pad, cache);
            assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.of(new long[] {1, 2, 3}, 3, 1), new int[] {0, 0, 0}, cache));
        }
    }

    @Test
    void batchedCachedSamplingEqualsUncachedAndSingleRowGeneration() {
        for (CausalLM m : new CausalLM[] {llama(2), gpt2(2)}) {
            int[][] prompts = {{3, 4, 5, 6}, {8}, {10, 11}};
            Generation.Config greedy = new Generation.Config(6, 0, 0, -1);
            Generator[] none = new Generator[3];
            int[][] cached = Generation.generate(m, prompts, greedy, none, true);
            int[][] full = Generation.generate(m, prompts, greedy, none, false);
            assertArrayEquals(full, cached);
            for (int r = 0; r < prompts.length; r++) {
                int[] alone = m.generate(prompts[r], 6, 0, 0, null);
                assertArrayEquals(Arrays.copyOfRange(alone, prompts[r].length, alone.length), cached[r], "row " + r);
            }
        }
    }

    // ---------------------------------------------------------------- recontextualization

    static Tokenizer tokenizer() throws IOException { return Tokenizer.load(Path.of("src/main/resources/dev/sluice/experiments/undo/corpus-bpe-2k.json")); }

    static LlamaModel textLlama(Tokenizer tok, long seed) {
        return new LlamaModel(LlamaConfig.llama(tok.vocabSize(), 32, 48, 2, 4, 2, 128, true), new Generator(seed));
    }

    private static double rate(Policy policy, int[][] problems, PromptTransform gen, Reward reward, Generation.Config sampling, long seed) {
        return Rollouts.sample(policy, problems, 16, gen, sampling, reward, reward, new SplittableRandom(seed)).meanReward();
    }

    @Test
    void expertIterationWithARegexRewardRaisesThePatternRateOnALlama() throws IOException {
        Tokenizer tok = tokenizer();
        LlamaModel model = textLlama(tok, 5);
        Path file = tmp.resolve("templates.json");
        Files.writeString(file, "{\"generation\": \"Q: {problem}\\nA:\", \"training\": \"Question: {problem}\\nAnswer:\"}");
        PromptTemplates templates = PromptTemplates.load(file);
        PromptTransform gen = templates.generation(tok), train = templates.training(tok);
        int[][] problems = {tok.encode("two plus two", false), tok.encode("the sky is", false), tok.encode("once upon a time", false)};
        assertArrayEquals(tok.encode("Q: two plus two\nA:"), gen.apply(problems[0]));
        assertEquals(0, train.apply(problems[1])[0], "the BOS the tokenizer's template adds");
        Reward reward = Reward.regex(tok, "[0-9]");
        Generation.Config sampling = new Generation.Config(4, 1.0, 0, tok.eosTokenId().orElse(-1));
        Policy policy = new CausalLMPolicy(model);
        double before = rate(policy, problems, gen, reward, sampling, 99);
        ExpertIteration ei = new ExpertIteration(new ExpertIteration.Config(16, 15, 6, 1e-2, sampling));
        SplittableRandom rng = new SplittableRandom(1);
        for (int round = 0; round < 3; round++) ei.round(policy, problems, gen, train, reward, reward, rng);
        double after = rate(policy, problems, gen, reward, sampling, 99);
        System.out.printf("expert iteration, regex [0-9]: rate %.3f -> %.3f%n", before, after);
        assertTrue(after > before + 0.3, before + " -> " + after);
        assertSavedModelGivesSameLogits(model);
    }

    @Test
    void grpoWithARegexRewardRaisesThePatternRateOnAGpt2() throws IOException {
        Tokenizer tok = tokenizer();
        Gpt2Model model = new Gpt2Model(Gpt2Config.of(tok.vocabSize(), 64, 32, 2, 4), new Generator(6));
        PromptTemplates templates = new PromptTemplates("Q: {problem}\nA:", "Question: {problem}\nAnswer:");
        PromptTransform gen = templates.generation(tok), train = templates.training(tok);
        int[][] problems = {tok.encode("two plus two", false), tok.encode("the sky is", false)};
        Reward reward = Reward.regex(tok, "^\\s*[a-f]");
        Generation.Config sampling = new Generation.Config(4, 1.0, 0, -1);
        Policy policy = new CausalLMPolicy(model);
        double before = rate(policy, problems, gen, reward, sampling, 7);
        Grpo grpo = new Grpo(policy, policy.frozenCopy(), new Grpo.Config(16, 4, 0.5, 0.0, 0.0, 2e-2, sampling));
        SplittableRandom rng = new SplittableRandom(2);
        for (int step = 0; step < 20; step++) {
            Grpo.StepStats st = grpo.step(problems, gen, train, reward, reward, rng);
            System.out.printf("GRPO step %d: reward %.3f ratio dev %.3f%n", step, st.meanReward(), st.firstRatioMaxDev());
        }
        double after = rate(policy, problems, gen, reward, sampling, 7);
        System.out.printf("GRPO, regex ^\\s*[a-f]: rate %.3f -> %.3f%n", before, after);
        assertTrue(after > before + 0.2, before + " -> " + after);
        assertSavedModelGivesSameLogits(model);
    }

    @Test
    void commandRewardReadsStdoutAndFailsLoudly() throws IOException {
        Tokenizer tok = tokenizer();
        int[] problem = tok.encode("abc", false), response = tok.encode("hello 42", false);
        Reward count = Reward.command(tok, List.of("sh", "-c", "test \"$SLUICE_PROBLEM\" = abc && grep -c 42"), Duration.ofSeconds(10));
        assertEquals(1.0, count.score(problem, response));
        var exit = assertThrows(IllegalStateException.class, () -> Reward.command(tok, List.of("sh", "-c", "echo bad >&2; exit 3"),
                Duration.ofSeconds(10)).score(problem, response));
        assertTrue(exit.getMessage().contains("status 3") && exit.getMessage().contains("bad"), exit.getMessage());
        var nan = assertThrows(IllegalStateException.class, () -> Reward.command(tok, List.of("echo", "yes"), Duration.ofSeconds(10)).score(problem, response));
        assertTrue(nan.getMessage().contains("\"yes\""), nan.getMessage());
        long t0 = System.nanoTime();
        var slow = assertThrows(IllegalStateException.class, () -> Reward.command(tok, List.of("sleep", "20"), Duration.ofMillis(300)).score(problem, response));
        assertTrue(slow.getMessage().contains("timed out"), slow.getMessage());
        assertTrue(System.nanoTime() - t0 < 10e9);
        assertThrows(IllegalStateException.class, () -> Reward.command(tok, List.of("/no/such/program"), Duration.ofSeconds(1)).score(problem, response));
        assertEquals(1.0, Reward.regex(tok, "^hello").score(problem, response));
        assertEquals(0.0, Reward.regex(tok, "^42").score(problem, response));
    }

    @Test
    void templatesFileErrorsNameTheProblem() throws IOException {
        Path f = tmp.resolve("t.json");
        Files.writeString(f, "{\"generation\": \"{problem}\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptTemplates.load(f)).getMessage().contains("training"));
        Files.writeString(f, "{\"generation\": \"x\", \"training\": \"{problem}\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptTemplates.load(f)).getMessage().contains("{problem}"));
        Files.writeString(f, "{\"generation\": \"{problem}\", \"training\": \"{problem}\", \"x\": 1}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptTemplates.load(f)).getMessage().contains("\"x\""));
    }

    // ---------------------------------------------------------------- synthetic data: two token "languages"

    /** Retain sequences over tokens 0..49, forget sequences over 50..59, each a noisy deterministic chain. */
    static Tensor sequences(boolean forget, int n, int length, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int base = forget ? 50 : 0, size = forget ? 10 : 50;
        long[] flat = new long[n * length];
        for (int r = 0; r < n; r++) {
            int t = rng.nextInt(size);
            for (int i = 0; i < length; i++) {
                flat[r * length + i] = base + t;
                t = rng.nextDouble() < 0.9 ? (t * 3 + 1) % size : rng.nextInt(size);
            }
        }
        return Tensor.of(flat, n, length);
    }

    static double loss(CausalLM m, Tensor tokens) {
        try (var ignored = GradMode.noGrad()) {
            return m.nextTokenLoss(tokens).item();
        }
    }

    /** A model that has learnt both languages. */
    static LlamaModel pretrained(long seed, int steps) {
        LlamaModel m = llama(seed);
        AdamW opt = new AdamW(m.parameters(), 1e-2);
        for (int step = 0; step < steps; step++) {
            Tensor batch = Tensor.cat(0, sequences(false, 8, 17, seed * 1000 + step), sequences(true, 8, 17, seed * 2000 + step));
            opt.zeroGrad();
            m.nextTokenLoss(batch).backward();
            opt.step();
        }
        return m;
    }

    // ---------------------------------------------------------------- UNDO

    @Test
    void shrinkPerturbClassifiesHuggingFaceParameters() {
        Map<String, ShrinkPerturb.Kind> llama = ShrinkPerturb.kinds(llama(1));
        assertEquals(ShrinkPerturb.Kind.GAIN, llama.get("model.norm.weight"));
        assertEquals(ShrinkPerturb.Kind.GAIN, llama.get("model.layers.0.input_layernorm.weight"));
        assertEquals(ShrinkPerturb.Kind.GAIN, llama.get("model.layers.1.post_attention_layernorm.weight"));
        assertEquals(ShrinkPerturb.Kind.MATRIX, llama.get("model.embed_tokens.weight"));
        assertEquals(ShrinkPerturb.Kind.MATRIX, llama.get("model.layers.0.mlp.down_proj.weight"));
        assertEquals(ShrinkPerturb.Kind.MATRIX, llama.get("lm_head.weight"));
        Map<String, ShrinkPerturb.Kind> gpt2 = ShrinkPerturb.kinds(gpt2(1));
        assertEquals(ShrinkPerturb.Kind.GAIN, gpt2.get("transformer.h.0.ln_1.weight"));
        assertEquals(ShrinkPerturb.Kind.VECTOR, gpt2.get("transformer.h.0.ln_1.bias"));
        assertEquals(ShrinkPerturb.Kind.GAIN, gpt2.get("transformer.ln_f.weight"));
        assertEquals(ShrinkPerturb.Kind.MATRIX, gpt2.get("transformer.h.0.attn.c_attn.weight"));
        assertEquals(ShrinkPerturb.Kind.VECTOR, gpt2.get("transformer.h.0.mlp.c_fc.bias"));
        assertEquals(ShrinkPerturb.Kind.MATRIX, gpt2.get("transformer.wpe.weight"));
        // α = 1: gains become 1 exactly, biases 0
        Gpt2Model m = gpt2(2);
        ShrinkPerturb.builder(1, 1, 3).build().apply(m);
        for (float v : m.namedParameters().get("transformer.h.1.ln_2.weight").toFloatArray()) assertEquals(1f, v);
        for (float v : m.namedParameters().get("transformer.h.1.ln_2.bias").toFloatArray()) assertEquals(0f, v);
    }

    @Test
    void undoPipelineOnALlama() throws IOException {
        LlamaModel base = pretrained(11, 60);
        Tensor retain = sequences(false, 16, 17, 1), forget = sequences(true, 16, 17, 2);
        double retain0 = loss(base, retain), forget0 = loss(base, forget);

        // 1a. GradDiff: forget loss rises, retain loss stays low
        LlamaModel teacher = base.deepCopy();
        AdamW opt = new AdamW(teacher.parameters(), 3e-3);
        Tensor fIn = forget.narrow(1, 0, 16).contiguous(), fTgt = forget.narrow(1, 1, 16).contiguous();
        Tensor rIn = retain.narrow(1, 0, 16).contiguous(), rTgt = retain.narrow(1, 1, 16).contiguous();
        for (int step = 0; step < 15; step++) {
            opt.zeroGrad();
            UnlearningLosses.gradDiff(teacher.forward(fIn), fTgt, teacher.forward(rIn), rTgt, 1.0).backward();
            opt.step();
        }
        double retainT = loss(teacher, retain), forgetT = loss(teacher, forget);
        System.out.printf("GradDiff: retain %.3f -> %.3f, forget %.3f -> %.3f%n", retain0, retainT, forget0, forgetT);
        assertTrue(forgetT > forget0 + 1, forget0 + " -> " + forgetT);
        assertTrue(retainT < retain0 + 0.5, retain0 + " -> " + retainT);

        // 1b. MaxEnt: the forget predictions move toward uniform
        LlamaModel maxEnt = base.deepCopy();
        AdamW opt2 = new AdamW(maxEnt.parameters(), 3e-3);
        double kl0 = Double.NaN, kl = Double.NaN;
        for (int step = 0; step < 10; step++) {
            opt2.zeroGrad();
            Tensor l = UnlearningLosses.maxEnt(maxEnt.forward(fIn), null, maxEnt.forward(rIn), rTgt, 1.0);
            l.backward();
            opt2.step();
            if (step == 0) kl0 = l.item();
            kl = l.item();
        }
        assertTrue(kl < kl0, kl0 + " -> " + kl);

        // 1c. RMU at the residual stream after layer 1, training only the MLP down projections
        LlamaModel rmuModel = base.deepCopy();
        Rmu rmu = new Rmu(rmuModel, base.deepCopy().freeze(), rmuModel.residHook(1), 6.5, 100, 4);
        List<Tensor> trainable = rmuModel.freezeExcept(name -> name.endsWith("mlp.down_proj.weight"));
        assertEquals(2, trainable.size());
        Map<String, Tensor> before = rmuModel.stateDictCopy();
        AdamW opt3 = new AdamW(trainable, 1e-2);
        double rmu0 = Double.NaN, rmuLast = Double.NaN;
        for (int step = 0; step < 15; step++) {
            opt3.zeroGrad();
            Tensor l = rmu.loss(fIn, rIn);
            l.backward();
            opt3.step();
            if (step == 0) rmu0 = l.item();
            rmuLast = l.item();
        }
        assertTrue(rmuLast < rmu0, rmu0 + " -> " + rmuLast);
        for (var e : rmuModel.stateDict().entrySet()) {
            boolean changed = !Arrays.equals(before.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray());
            assertEquals(e.getKey().endsWith("mlp.down_proj.weight"), changed, e.getKey());
        }

        // 2. Shrink and perturb a copy of the teacher; 3. distil on retain + forget text
        LlamaModel student = teacher.deepCopy();
        ShrinkPerturb.builder(0.6, 0.5, 42).build().apply(student);
        Tensor mix = Tensor.cat(0, retain, forget);
        double klBefore = OutputDistillation.kl(student, teacher, mix, null);
        StopRule stop = new StopRule(5, () -> OutputDistillation.kl(student, teacher, mix, null) < 0.02);
        OutputDistillation.Result r = OutputDistillation.run(student, teacher, step -> mix, new AdamW(student.parameters(), 1e-2), 60, stop);
        double klAfter = OutputDistillation.kl(student, teacher, mix, null);
        System.out.printf("UNDO distillation: KL %.4f -> %.4f in %d steps (stopped %b)%n", klBefore, klAfter, r.steps(), r.stopped());
        assertTrue(klAfter < klBefore / 3, klBefore + " -> " + klAfter);

        // 4. Relearning attack on the student: fine-tuning on forget data brings the forget loss down
        Tensor attackData = sequences(true, 8, 17, 3), held = sequences(true, 16, 17, 4);
        RelearningAttack.Result attack = RelearningAttack.run(student, new RelearningAttack.Config(new double[] {1e-3, 1e-2}, 10,
                        new int[] {0, 10}, 0.9, 0.95, 1.0),
                (m, step) -> ((CausalLM) m).nextTokenLoss(attackData), m -> -loss((CausalLM) m, held));
        System.out.println("relearning attack: " + attack.toJson());
        assertTrue(attack.best()[1] > attack.best()[0] + 0.1, Arrays.toString(attack.best()));
        assertSavedModelGivesSameLogits(student);
    }

    // ---------------------------------------------------------------- gradient routing (ERA)

    /** A model trained on the retain language only. */
    static CausalLM retainOnly(CausalLM m, int steps) {
        AdamW opt = new AdamW(m.parameters(), 1e-2);
        for (int step = 0; step < steps; step++) {
            opt.zeroGrad();
            m.nextTokenLoss(sequences(false, 16, 17, 9000 + step)).backward();
            opt.step();
        }
        return m;
    }

    @Test
    void expandRouteAblateOnLoadedModelsForgetsTheRoutedTokens() throws IOException {
        for (CausalLM model : new CausalLM[] {retainOnly(llama(21), 60), retainOnly(gpt2(21), 60)}) {
            String name = model.getClass().getSimpleName();
            Tensor retain = sequences(false, 32, 17, 7), forget = sequences(true, 32, 17, 8);
            double forgetUntrained = loss(model, forget);
            int width = model.mlpWidth(0);
            Era era = Era.expand(model, new int[] {0, 1}, 16, new Generator(5));
            assertEquals(width + 16, model.mlpWidth(1));
            assertThrows(IllegalStateException.class, () -> HfModels.save(model, tmp.resolve("expanded-" + name)));
            int[] forgetTokens = {50, 51, 52, 53, 54, 55, 56, 57, 58, 59};
            TokenRouter router = era.router(Era.forgetTokenWeights(60, forgetTokens), 0.0);
            // fine-tune the MLPs (the routed region) on a mix of both languages
            AdamW opt = new AdamW(model.freezeExcept(n -> n.contains(".mlp.")), 1e-2);
            boolean[] all = new boolean[16];
            Arrays.fill(all, true);                        // route by the forget-token list in every sequence
            for (int step = 0; step < 100; step++) {
                Tensor batch = Tensor.cat(0, sequences(false, 8, 17, 5000 + step), sequences(true, 8, 17, 6000 + step));
                opt.zeroGrad();
                era.loss(router, batch, all).backward();
                opt.step();
            }
            model.unfreeze();
            double retainBefore = loss(model, retain), forgetBefore = loss(model, forget);
            era.ablate();
            assertEquals(width, model.mlpWidth(0));
            double retainAfter = loss(model, retain), forgetAfter = loss(model, forget);
            System.out.printf("ERA %s: forget before fine-tuning %.3f; after ablation retain %.3f -> %.3f, forget %.3f -> %.3f%n",
                    name, forgetUntrained, retainBefore, retainAfter, forgetBefore, forgetAfter);
            assertTrue(forgetBefore < forgetUntrained - 1, name + ": the forget language was learnt: " + forgetUntrained + " -> " + forgetBefore);
            assertTrue(forgetAfter - forgetBefore > 1.0, name + ": forget " + forgetBefore + " -> " + forgetAfter);
            assertTrue(retainAfter - retainBefore < 0.25 * (forgetAfter - forgetBefore), name + ": retain " + retainBefore + " -> " + retainAfter);
            assertSavedModelGivesSameLogits(model);
        }
    }

    @Test
    void tokenBlocksCutTextIntoRows() throws IOException {
        Tokenizer tok = tokenizer();
        int[] ids = tok.encode("the quick brown fox jumps over the lazy dog again and again", false);
        Tensor blocks = TokenBlocks.fromText(tok, "the quick brown fox jumps over the lazy dog again and again", 4);
        assertEquals(ids.length / 4, blocks.size(0));
        assertEquals(ids[5], blocks.toLongArray()[5]);
        assertThrows(IllegalArgumentException.class, () -> TokenBlocks.of(new int[] {1, 2}, 3));
    }

    // ---------------------------------------------------------------- saving

    /** Save in the Hugging Face layout, load back: the same logits. */
    void assertSavedModelGivesSameLogits(CausalLM model) throws IOException {
        Path dir = tmp.resolve("saved-" + System.nanoTime());
        HfModels.save(model, dir);
        CausalLM back = HfModels.load(dir);
        model.eval();
        back.eval();
        Tensor x = Tensor.of(new long[] {1, 5, 9, 13, 17, 21}, 1, 6);
        assertArrayEquals(model.forward(x).toFloatArray(), back.forward(x).toFloatArray(), 0f);
    }
}
