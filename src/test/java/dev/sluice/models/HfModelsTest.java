package dev.sluice.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.io.Json;
import dev.sluice.nn.KVCache;
import dev.sluice.nn.RmsNorm;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfModelsTest {
    @TempDir
    Path tmp;

    static LlamaConfig smallLlama(int kvHeads, boolean tied) {
        return LlamaConfig.llama(50, 16, 24, 2, 4, kvHeads, 40, tied);
    }

    static Tensor tokens(long... ids) { return Tensor.of(ids, 1, ids.length); }

    @Test
    void ropeMatchesHandComputedValues() {
        RotaryEmbedding rope = new RotaryEmbedding(4, 10000, null);
        assertArrayEquals(new float[] {1f, 0.01f}, rope.inverseFrequencies(), 1e-7f);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);                 // one position, d = 4
        float[] y = rope.apply(x, rope.cosSin(1, 1)).toFloatArray();          // position 1
        double c1 = Math.cos(1), s1 = Math.sin(1), c2 = Math.cos(0.01), s2 = Math.sin(0.01);
        // rotate_half([1,2,3,4]) = [-3,-4,1,2]
        assertArrayEquals(new float[] {(float) (1 * c1 - 3 * s1), (float) (2 * c2 - 4 * s2), (float) (3 * c1 + 1 * s1),
                (float) (4 * c2 + 2 * s2)}, y, 1e-6f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, rope.apply(x, rope.cosSin(0, 1)).toFloatArray(), 0f); // position 0
        assertArrayEquals(new float[] {-3, -4, 1, 2}, RotaryEmbedding.rotateHalf(x).toFloatArray(), 0f);
    }

    @Test
    void llama3ScalingKeepsHighDividesLowAndSmoothsTheMiddle() {
        // head_dim 8, theta 1e4: [1, 0.1, 0.01, 0.001]; factor 8, low 1, high 4, original context 96
        float[] f = new RotaryEmbedding(8, 10000, RopeScaling.llama3(8, 1, 4, 96)).inverseFrequencies();
        assertEquals(1.0, f[0], 1e-7);                        // wavelength 6.3 < 24: kept
        assertEquals(0.001 / 8, f[3], 1e-9);                  // wavelength 6283 > 96: divided by 8
        assertEquals(0.01 / 8, f[2], 1e-9);                   // wavelength 628 > 96
        double wavelen = 2 * Math.PI / 0.1, smooth = (96 / wavelen - 1) / 3;
        assertEquals((1 - smooth) * 0.1 / 8 + smooth * 0.1, f[1], 1e-6); // 62.8 in [24, 96]: smoothed
        float[] lin = new RotaryEmbedding(8, 10000, RopeScaling.linear(2)).inverseFrequencies();
        assertEquals(0.05, lin[1], 1e-7);
    }

    @Test
    void rmsNormMatchesHandComputedValues() {
        RmsNorm n = new RmsNorm(Tensor.of(new float[] {1, 2}), 0.0);
        float[] y = n.forward(Tensor.of(new float[] {3, 4}, 1, 2)).toFloatArray();
        double rms = Math.sqrt((9 + 16) / 2.0);
        assertArrayEquals(new float[] {(float) (3 / rms), (float) (2 * 4 / rms)}, y, 1e-6f);
    }

    static Map<String, Object> llamaJson() {
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) Json.parse(
                "{\"model_type\":\"llama\",\"vocab_size\":50,\"hidden_size\":16,\"intermediate_size\":24,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"rope_theta\":10000.0,"
                + "\"torch_dtype\":\"float32\",\"bos_token_id\":1,\"architectures\":[\"LlamaForCausalLM\"]}");
        return m;
    }

    static String refusal(String field, Object value) {
        Map<String, Object> j = llamaJson();
        j.put(field, value);
        return assertThrows(IllegalArgumentException.class, () -> HfModels.config(j)).getMessage();
    }

    @Test
    void configFieldsThatWouldChangeTheMathAreRefusedByName() {
        assertTrue(refusal("rope_scaling", Json.parse("{\"rope_type\":\"yarn\",\"factor\":4.0}")).contains("yarn"));
        assertTrue(refusal("rope_scaling", Json.parse("{\"type\":\"dynamic\",\"factor\":2.0}")).contains("dynamic"));
        String m = refusal("rope_scaling", Json.parse("{\"rope_type\":\"linear\",\"factor\":2.0,\"beta\":1}"));
        assertTrue(m.contains("rope_scaling.beta"), m);
        m = refusal("hidden_act", "gelu");
        assertTrue(m.contains("'hidden_act'") && m.contains("gelu"), m);
        m = refusal("some_new_field", 3);
        assertTrue(m.contains("'some_new_field'") && m.contains("= 3"), m);
        m = refusal("partial_rotary_factor", 0.5);
        assertTrue(m.contains("'partial_rotary_factor'") && m.contains("0.5"), m);
        m = refusal("quantization_config", Json.parse("{\"bits\":4}"));
        assertTrue(m.contains("'quantization_config'"), m);
        Map<String, Object> q = llamaJson();
        q.put("model_type", "qwen2");
        q.put("use_sliding_window", true);
        m = assertThrows(IllegalArgumentException.class, () -> HfModels.config(q)).getMessage();
        assertTrue(m.contains("'use_sliding_window'"), m);
        q.put("model_type", "mistral");
        m = assertThrows(IllegalArgumentException.class, () -> HfModels.config(q)).getMessage();
        assertTrue(m.contains("'model_type'") && m.contains("mistral"), m);
        @SuppressWarnings("unchecked") Map<String, Object> g = (Map<String, Object>) Json.parse(
                "{\"model_type\":\"gpt2\",\"n_embd\":16,\"n_head\":2,\"n_layer\":1,\"scale_attn_weights\":false}");
        m = assertThrows(IllegalArgumentException.class, () -> HfModels.config(g)).getMessage();
        assertTrue(m.contains("'scale_attn_weights'") && m.contains("false"), m);
        // harmless fields are accepted and kept
        LlamaConfig ok = (LlamaConfig) HfModels.config(llamaJson());
        assertEquals(1L, ok.toJson().get("bos_token_id"));
        assertEquals(2, ok.numKvHeads());
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadWithRepeatedKeyValueWeights() {
        LlamaModel gqa = new LlamaModel(smallLlama(2, false), new Generator(1));
        LlamaModel mha = new LlamaModel(smallLlama(4, false), new Generator(2));
        Map<String, Tensor> state = new LinkedHashMap<>(gqa.stateDict());
        int hd = 4;
        for (String name : gqa.stateDict().keySet()) {
            if (!name.endsWith("k_proj.weight") && !name.endsWith("v_proj.weight")) continue;
            Tensor w = gqa.stateDict().get(name);                            // [2·hd, 16]
            Tensor[] rows = new Tensor[4];
            for (int h = 0; h < 4; h++) rows[h] = w.narrow(0, (h / 2) * hd, hd);   // query head h reads kv head h/2
            state.put(name, Tensor.cat(0, rows).detach());
        }
        mha.loadStateDict(state);
        Tensor ids = tokens(3, 7, 11, 2, 40, 9);
        float[] a = gqa.forward(ids).toFloatArray(), b = mha.forward(ids).toFloatArray();
        assertArrayEquals(b, a, 1e-5f);
    }

    static void cachedEqualsFull(CausalLM model) {
        model.eval();
        Tensor ids = tokens(3, 7, 11, 2, 40, 9, 1, 0);
        float[] full = model.forward(ids).toFloatArray();
        KVCache cache = model.newCache();
        int v = model.config().vocabSize();
        // prompt of 3, then one token at a time
        float[] first = model.forward(ids.narrow(1, 0, 3), cache).toFloatArray();
        for (int i = 0; i < 3 * v; i++) assertEquals(full[i], first[i], 1e-5f);
        for (int t = 3; t < 8; t++) {
            float[] step = model.forward(ids.narrow(1, t, 1), cache).toFloatArray();
            for (int i = 0; i < v; i++) assertEquals(full[t * v + i], step[i], 1e-5f, "position " + t);
        }
        assertEquals(8, cache.length());
        int[] prompt = {5, 6, 7};
        assertArrayEquals(model.generateWithoutCache(prompt, 20, 0, 0, null), model.generate(prompt, 20, 0, 0, null));
        assertArrayEquals(model.generateWithoutCache(prompt, 20, 0.8, 5, new Generator(9)),
                model.generate(prompt, 20, 0.8, 5, new Generator(9)));
    }

    @Test
    void kvCacheEqualsFullRecompute() {
        cachedEqualsFull(new LlamaModel(smallLlama(2, true).withRope(500, RopeScaling.llama3(4, 1, 4, 16))
                .withBiases(true, false, false), new Generator(3)));
        cachedEqualsFull(new Gpt2Model(Gpt2Config.of(50, 40, 16, 2, 4), new Generator(4)));
    }

    private static long counted(CausalLM m) {
        long n = 0;
        for (Tensor p : m.namedParameters().values()) n += p.numel();
        return n;
    }

    @Test
    void parameterCountFromTheConfigEqualsTheModelsParameters() throws IOException {
        for (String v : new String[] {"llama-gqa-tied", "llama-mha-untied", "qwen2-gqa-bias", "gpt2", "llama3-rope-scaling"}) {
            Path dir = Path.of("src/test/resources/hf", v);
            assertEquals(counted(HfModels.load(dir)), HfModels.readConfig(dir).parameterCount(), v);
        }
        LlamaConfig biased = smallLlama(2, false).withBiases(true, true, true);
        assertEquals(counted(new LlamaModel(biased, new Generator(1))), biased.parameterCount());
        Gpt2Config untied = new Gpt2Config(50, 40, 16, 2, 4, 20, "gelu_new", 1e-5, 0, 0, 0, false, false, 0.02, null);
        assertEquals(counted(new Gpt2Model(untied, new Generator(1))), untied.parameterCount());
    }

    @Test
    void streamingGenerateHandsOverEachTokenAndStopsWhenAsked() {
        LlamaModel m = new LlamaModel(smallLlama(2, true), new Generator(6));
        int[] prompt = {1, 2, 3};
        int[] all = m.generate(prompt, 12, 0.9, 0, new Generator(11));
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        int[] streamed = m.generate(prompt, 12, 0.9, 0, new Generator(11), t -> { seen.add(t); return true; });
        assertArrayEquals(all, streamed);
        assertEquals(12, seen.size());
        for (int i = 0; i < 12; i++) assertEquals(all[3 + i], seen.get(i));
        int[] stopped = m.generate(prompt, 12, 0.9, 0, new Generator(11), t -> seen.size() < 0);
        assertArrayEquals(java.util.Arrays.copyOf(all, 4), stopped);
    }

    @Test
    void saveLoadRoundTripSingleShardedAndHalf() throws IOException {
        LlamaModel m = new LlamaModel(smallLlama(2, false), new Generator(5));
        Tensor ids = tokens(1, 2, 3, 4);
        float[] want = m.forward(ids).toFloatArray();

        HfModels.save(m, tmp.resolve("single"));
        assertTrue(Files.exists(tmp.resolve("single/model.safetensors")));
        assertArrayEquals(want, HfModels.load(tmp.resolve("single")).forward(ids).toFloatArray(), 0f);

        HfModels.save(m, tmp.resolve("sharded"), new HfModels.SaveOptions(null, 4000));
        assertTrue(Files.exists(tmp.resolve("sharded/model.safetensors.index.json")));
        assertFalse(Files.exists(tmp.resolve("sharded/model.safetensors")));
        assertArrayEquals(want, HfModels.load(tmp.resolve("sharded")).forward(ids).toFloatArray(), 0f);
        assertEquals(HfModelParityTest.rawTensors(tmp.resolve("single")), HfModelParityTest.rawTensors(tmp.resolve("sharded")));

        // saving over the sharded directory as one file removes the old shards and keeps other files
        Files.writeString(tmp.resolve("sharded/tokenizer.json"), "{}");
        HfModels.save(m, tmp.resolve("sharded"));
        try (var files = Files.list(tmp.resolve("sharded"))) {
            assertEquals(java.util.Set.of("config.json", "model.safetensors", "tokenizer.json"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }

        HfModels.save(m, tmp.resolve("bf16"), new HfModels.SaveOptions("BF16", HfModels.DEFAULT_MAX_SHARD_BYTES));
        CausalLM half = HfModels.load(tmp.resolve("bf16"));
        assertEquals("BF16", half.loadedDtypes().get("model.norm.weight"));
        HfModels.save(half, tmp.resolve("bf16-again"));
        assertEquals(HfModelParityTest.rawTensors(tmp.resolve("bf16")), HfModelParityTest.rawTensors(tmp.resolve("bf16-again")));
        assertTrue(Files.readString(tmp.resolve("bf16/config.json")).contains("\"bfloat16\""));
    }

    /** A saved model directory gets the mode mkdir gives (the umask's), not a temporary directory's private 0700. */
    @Test
    void savedDirectoryHasTheUsualMode() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "POSIX file modes only");
        HfModels.save(new LlamaModel(smallLlama(2, true), new Generator(6)), tmp.resolve("model"));
        Path plain = Files.createDirectory(tmp.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(tmp.resolve("model")));
        Path plainFile = Files.writeString(tmp.resolve("plain.txt"), "x");
        assertEquals(Files.getPosixFilePermissions(plainFile),
                Files.getPosixFilePermissions(tmp.resolve("model/model.safetensors")));
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary left behind");
        }
    }

    @Test
    void checkpointProblemsAreNamed() throws IOException {
        assertThrows(NoSuchFileException.class, () -> HfModels.load(tmp.resolve("nothing")));
        Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(NoSuchFileException.class, () -> HfModels.load(tmp.resolve("empty"))).getMessage().contains("config.json"));

        LlamaModel m = new LlamaModel(smallLlama(2, true), new Generator(6));
        Path dir = tmp.resolve("m");
        HfModels.save(m, dir);
        Path weights = dir.resolve("model.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>(dev.sluice.io.SafeTensors.readAll(weights));
        t.put("model.layers.0.self_attn.q_proj.weight", Tensor.zeros(8, 16));
        t.remove("model.norm.weight");
        t.put("model.layers.0.self_attn.rotary_emb.inv_freq", Tensor.zeros(2));
        dev.sluice.io.SafeTensors.write(weights, t);
        String msg = assertThrows(IllegalArgumentException.class, () -> HfModels.load(dir)).getMessage();
        assertTrue(msg.contains("'model.layers.0.self_attn.q_proj.weight' has shape [8, 16]") && msg.contains("[16, 16]"), msg);
        assertTrue(msg.contains("missing parameter 'model.norm.weight'"), msg);
        assertTrue(msg.contains("unexpected parameter 'model.layers.0.self_attn.rotary_emb.inv_freq'"), msg);
    }
}
