package dev.sluice.methods;

import dev.sluice.methods.recontext.CausalLMPolicy;
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

    static Tokenizer tokenizer() throws IOException { return Tokenizer.load(Path.of("src/test/resources/tokenizers/corpus-bpe-2k.json")); }

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
