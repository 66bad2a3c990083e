package dev.sluice.methods;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

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
}
