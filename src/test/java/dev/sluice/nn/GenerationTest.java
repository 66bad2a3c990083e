package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Left-padded batches, batched sampling with a KV cache, and teacher-forced response scores. */
class GenerationTest {
    private static final int[][] PROMPTS = {{3, 1, 4, 1, 5}, {9}, {2, 6}, {5, 3, 5, 8}};

    private static GPT model() { return new GPT(new GPT.Config(13, 24, 32, 4, 2, 0.0), new Generator(11)); }

    private static Generator[] gens(long seed, int n) {
        Generator[] g = new Generator[n];
        for (int i = 0; i < n; i++) g[i] = new Generator(seed * 1000 + i);
        return g;
    }

    @Test
    void paddedRowsComputeWhatTheyComputeAlone() {
        GPT gpt = model();
        try (var ignored = GradMode.noGrad()) {
            long[] padded = {0, 0, 0, 7, 2, 4, 1, 8, 3, 6};
            Tensor batch = gpt.forward(Tensor.of(padded, 2, 5), new int[] {3, 0}, null);
            Tensor alone = gpt.forward(Tensor.of(new long[] {7, 2}, 1, 2));
            float[] a = batch.select(0, 0).narrow(0, 3, 2).contiguous().toFloatArray(), e = alone.toFloatArray();
            for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-5);
            float[] full = gpt.forward(Tensor.of(new long[] {4, 1, 8, 3, 6}, 1, 5)).toFloatArray();
            float[] row1 = batch.select(0, 1).contiguous().toFloatArray();
            for (int i = 0; i < full.length; i++) assertEquals(full[i], row1[i], 1e-5);
        }
    }

    @Test
    void batchedSamplingEqualsOneRowAtATimeAndIsSeeded() {
        GPT gpt = model();
        var cfg = new Generation.Config(6, 1.0, 0, -1);
        int[][] batched = Generation.generate(gpt, PROMPTS, cfg, gens(5, PROMPTS.length), true);
        for (int i = 0; i < PROMPTS.length; i++) {
            int[][] alone = Generation.generate(gpt, new int[][] {PROMPTS[i]}, cfg, new Generator[] {new Generator(5000 + i)}, true);
            assertArrayEquals(alone[0], batched[i], "row " + i);
        }
        assertArrayEquals(batched, Generation.generate(gpt, PROMPTS, cfg, gens(5, PROMPTS.length), true));
        assertFalse(java.util.Arrays.deepEquals(batched, Generation.generate(gpt, PROMPTS, cfg, gens(6, PROMPTS.length), true)),
                "another seed should give other samples");
    }

    @Test
    void cachedGenerationEqualsUncachedAndTheSingleSequenceApi() {
        GPT gpt = model();
        var cfg = new Generation.Config(8, 0.8, 5, -1);
        assertArrayEquals(Generation.generate(gpt, PROMPTS, cfg, gens(3, 4), false), Generation.generate(gpt, PROMPTS, cfg, gens(3, 4), true));
        var greedy = new Generation.Config(8, 0, 0, -1);
        int[][] g = Generation.generate(gpt, PROMPTS, greedy, new Generator[4], true);
        for (int i = 0; i < PROMPTS.length; i++) {
            int[] full = gpt.generate(PROMPTS[i], 8, 0, 0, null);
            assertArrayEquals(java.util.Arrays.copyOfRange(full, PROMPTS[i].length, full.length), g[i]);
        }
    }

    @Test
    void eosEndsARowAndIsKept() {
        GPT gpt = model();
        int[][] greedy = Generation.generate(gpt, PROMPTS, new Generation.Config(8, 0, 0, -1), new Generator[4], true);
        int eos = greedy[0][2]; // the third greedy token of row 0 becomes EOS: row 0 stops there
        int[][] stopped = Generation.generate(gpt, PROMPTS, new Generation.Config(8, 0, 0, eos), new Generator[4], true);
        for (int i = 0; i < PROMPTS.length; i++) {
            int cut = 0;
            while (cut < 8 && greedy[i][cut] != eos) cut++;
            assertArrayEquals(java.util.Arrays.copyOf(greedy[i], Math.min(8, cut + 1)), stopped[i], "row " + i);
        }
    }

    @Test
    void responseScoresEqualADirectForwardPass() {
        GPT gpt = model();
        int[][] responses = {{7, 7, 1}, {2}, {12, 0}, {4, 4, 4}};
        ResponseScores s = ResponseScores.of(gpt, PROMPTS, responses, true);
        assertArrayEquals(new int[] {4, 3}, s.tokenLogProbs().shape());
        float[] lp = s.tokenLogProbs().toFloatArray(), sums = s.sum().toFloatArray(), ent = s.entropy().toFloatArray();
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < PROMPTS.length; i++) {
                int p = PROMPTS[i].length, r = responses[i].length;
                long[] seq = new long[p + r];
                for (int j = 0; j < p; j++) seq[j] = PROMPTS[i][j];
                for (int j = 0; j < r; j++) seq[p + j] = responses[i][j];
                Tensor logp = gpt.forward(Tensor.of(seq, 1, p + r)).select(0, 0).logSoftmax(-1); // [T, V]
                double total = 0;
                for (int j = 0; j < 3; j++) {
                    if (j < r) {
                        double want = logp.select(0, p - 1 + j).select(0, responses[i][j]).item();
                        assertEquals(want, lp[i * 3 + j], 1e-5, "row " + i + " token " + j);
                        float[] row = logp.select(0, p - 1 + j).toFloatArray();
                        double h = 0;
                        for (float v : row) h -= Math.exp(v) * v;
                        assertEquals(h, ent[i * 3 + j], 1e-4);
                        total += want;
                    } else {
                        assertEquals(0, lp[i * 3 + j], 0.0);
                    }
                }
                assertEquals(total, sums[i], 1e-4);
            }
        }
        // differentiable: the sequence log-probability has a gradient on the weights
        s.sum().sum().backward();
        assertNotNull(gpt.parameters().get(0).grad());
    }

    @Test
    void clearErrors() {
        GPT gpt = model();
        var e = assertThrows(IllegalArgumentException.class,
                () -> Generation.generate(gpt, new int[][] {new int[20]}, new Generation.Config(8, 0, 0, -1), new Generator[1], true));
        assertTrue(e.getMessage().contains("context length 24"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ResponseScores.of(gpt, new int[][] {{1}}, new int[][] {{}}, false));
        assertTrue(e.getMessage().contains("row 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpt.forward(Tensor.of(new long[] {1, 2}, 1, 2), new int[] {2}, null));
        assertTrue(e.getMessage().contains("leftPad 2"), e.getMessage());
    }
}
