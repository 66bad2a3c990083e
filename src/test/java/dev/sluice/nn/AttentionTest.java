package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.testing.OpCheck.assertClose;
import static org.junit.jupiter.api.Assertions.*;

class AttentionTest {
    private static final GPT.Config TINY = new GPT.Config(12, 16, 32, 2, 2, 0.0);

    @Test
    void attentionIsCausal() {
        CausalSelfAttention attn = new CausalSelfAttention(16, 4, new Generator(1));
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT32, 2, 6, 16);
        Tensor y = attn.forward(x);
        // change position 4 in every batch row: outputs at positions 0..3 must not move
        Tensor x2 = x.clone();
        x2.narrow(1, 4, 1).add_(Tensor.ones(2, 1, 16));
        Tensor y2 = attn.forward(x2);
        assertArrayEquals(y.narrow(1, 0, 4).contiguous().toFloatArray(), y2.narrow(1, 0, 4).contiguous().toFloatArray());
        assertFalse(java.util.Arrays.equals(y.narrow(1, 4, 2).contiguous().toFloatArray(), y2.narrow(1, 4, 2).contiguous().toFloatArray()));
    }

    @Test
    void gptIsCausalAndGradientsReachEveryParameter() {
        GPT gpt = new GPT(TINY, new Generator(3));
        Tensor a = Tensor.of(new long[] {1, 2, 3, 4, 5}, 1, 5), b = Tensor.of(new long[] {1, 2, 3, 9, 0}, 1, 5);
        Tensor la = gpt.forward(a), lb = gpt.forward(b);
        assertArrayEquals(new int[] {1, 5, 12}, la.shape());
        assertArrayEquals(la.narrow(1, 0, 3).contiguous().toFloatArray(), lb.narrow(1, 0, 3).contiguous().toFloatArray());
        Losses.crossEntropy(la, Tensor.of(new long[] {2, 3, 4, 5, 6}, 1, 5)).backward();
        for (var e : gpt.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey());
    }

    @Test
    void cachedForwardMatchesFullForward() {
        GPT gpt = new GPT(TINY, new Generator(4));
        Tensor tokens = Tensor.of(new long[] {3, 1, 4, 1, 5, 9, 2, 6}, 1, 8);
        try (var ignored = GradMode.noGrad()) {
            Tensor full = gpt.forward(tokens);
            KVCache cache = gpt.newCache();
            Tensor prefix = gpt.forward(tokens.narrow(1, 0, 5), cache);     // prompt in one go
            assertEquals(5, cache.length());
            assertClose("prefix", full.narrow(1, 0, 5).contiguous().toDoubleArray(), prefix.toDoubleArray(), 1e-5, 1e-6);
            for (int t = 5; t < 8; t++) {
                Tensor step = gpt.forward(tokens.narrow(1, t, 1), cache);   // one token attending to the cache
                assertArrayEquals(new int[] {1, 1, 12}, step.shape());
                assertEquals(t + 1, cache.length());
                assertClose("position " + t, full.narrow(1, t, 1).contiguous().toDoubleArray(), step.toDoubleArray(), 1e-5, 1e-6);
            }
            assertThrows(IllegalArgumentException.class, () -> gpt.forward(Tensor.zeros(DType.INT64, 1, 9), cache));
        }
    }

    @Test
    void kvCacheGenerationEqualsUncachedGeneration() {
        GPT gpt = new GPT(TINY, new Generator(5));
        int[] prompt = {1, 7, 3};
        // 30 new tokens run past the context of 16, exercising the cropped window
        int[] cached = gpt.generate(prompt, 30, 0, 0, null);
        int[] uncached = gpt.generateWithoutCache(prompt, 30, 0, 0, null);
        assertEquals(33, cached.length);
        assertArrayEquals(uncached, cached);
        assertArrayEquals(prompt, java.util.Arrays.copyOf(cached, 3));
        // sampling with the same seed draws the same tokens both ways
        assertArrayEquals(gpt.generateWithoutCache(prompt, 20, 1.0, 5, new Generator(9)),
                gpt.generate(prompt, 20, 1.0, 5, new Generator(9)));
        assertTrue(gpt.isTraining(), "generation restores the training mode");
    }

    @Test
    void attentionWeightsGradientCheck() {
        // q: 2 new positions attending to 4 (2 cached + 2 new), as in cached decoding
        dev.sluice.testing.OpCheck.op("causal_attention",
                in -> CausalSelfAttention.causalWeights(in[0], in[1]).matmul(in[2])).input(2, 2, 3).input(2, 4, 3).input(2, 4, 3).run();
        dev.sluice.testing.OpCheck.op("causal_attention_square",
                in -> CausalSelfAttention.causalWeights(in[0], in[1]).matmul(in[2])).input(1, 2, 4, 3).input(1, 2, 4, 3).input(4, 3).run();
    }

    @Test
    void dropoutOnlyInTrainingMode() {
        GPT gpt = new GPT(new GPT.Config(12, 16, 32, 2, 2, 0.3), new Generator(8));
        Tensor tokens = Tensor.of(new long[] {1, 2, 3}, 1, 3);
        try (var ignored = GradMode.noGrad()) {
            assertFalse(java.util.Arrays.equals(gpt.forward(tokens).toFloatArray(), gpt.forward(tokens).toFloatArray()));
            gpt.eval();
            assertArrayEquals(gpt.forward(tokens).toFloatArray(), gpt.forward(tokens).toFloatArray());
        }
        // generation is deterministic (eval mode inside) even for a model left in training mode
        gpt.train();
        assertArrayEquals(gpt.generate(new int[] {1}, 8, 0, 0, null), gpt.generate(new int[] {1}, 8, 0, 0, null));
    }

    @Test
    void hookPointsAreNamed() {
        GPT gpt = new GPT(TINY, new Generator(6));
        assertEquals(List.of("blocks.0.mlp.hidden0", "blocks.0.mlp.out", "blocks.0.resid", "blocks.1.mlp.hidden0", "blocks.1.mlp.out", "blocks.1.resid"),
                List.copyOf(gpt.hookPoints().keySet()));
        assertTrue(gpt.stateDict().containsKey("blocks.1.attn.qkv.weight"));
        assertTrue(gpt.stateDict().containsKey("head.weight"));
        assertFalse(gpt.stateDict().containsKey("head.bias"));
        // zeroing the residual stream after the last block makes every position's logits identical
        gpt.hookPoints().get("blocks.1.resid").setHook(x -> x.mul(0.0));
        Tensor l = gpt.forward(Tensor.of(new long[] {1, 2}, 1, 2));
        assertArrayEquals(l.select(1, 0).toFloatArray(), l.select(1, 1).toFloatArray());
    }

    @Test
    void samplerRespectsTopKAndTemperature() {
        float[] logits = {0, 5, 1, 4};
        assertEquals(1, Sampler.sample(logits, 0, 0, null));
        Generator g = new Generator(7);
        for (int i = 0; i < 200; i++) {
            int s = Sampler.sample(logits, 2.0, 2, g);
            assertTrue(s == 1 || s == 3, "top-2 sampled " + s);
        }
        assertEquals(1, Sampler.sample(logits, 1.0, 1, g));
    }
}
