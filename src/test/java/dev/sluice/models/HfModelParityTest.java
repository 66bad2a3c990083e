package dev.sluice.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.io.Json;
import dev.sluice.io.SafeTensors;
import dev.sluice.io.SafeTensorsFile;
import dev.sluice.nn.functional.F;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture under src/test/resources/hf (tiny random models stored as transformers stores them, with reference
 * outputs computed in PyTorch): logits, loss, every gradient, 64 greedy tokens with and without the KV cache, and a
 * save → reload round trip with byte-identical tensors.
 */
class HfModelParityTest {
    @TempDir
    Path tmp;

    static Path fixture(String variant) throws URISyntaxException {
        return Path.of(HfModelParityTest.class.getResource("/hf/" + variant + "/config.json").toURI()).getParent();
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        assertArrayEquals(b.shape(), a.shape());
        float[] x = a.contiguous().toFloatArray(), y = b.contiguous().toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs((double) x[i] - y[i]));
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "gpt2-f16", "llama-mha-untied", "llama-gqa-tied", "llama-gqa-tied-sharded",
            "llama-gqa-bf16", "qwen2-gqa-bias", "llama3-rope-scaling"})
    void matchesPyTorch(String variant) throws Exception {
        Path dir = fixture(variant);
        SafeTensorsFile ref = SafeTensors.read(dir.resolve("reference.safetensors"));
        CausalLM model = HfModels.load(dir);
        model.eval();
        Tensor ids = ref.tensor("input_ids");

        Tensor logits = model.forward(ids);
        double dLogits = maxAbsDiff(logits, ref.tensor("logits"));
        assertTrue(dLogits <= 1e-4, variant + ": logits differ by " + dLogits);

        int t = ids.size(1);
        Tensor loss = F.crossEntropy(logits.narrow(1, 0, t - 1), ids.narrow(1, 1, t - 1));
        double dLoss = Math.abs(loss.item() - ref.tensor("loss").item());
        assertTrue(dLoss <= 1e-5, variant + ": loss " + loss.item() + " vs " + ref.tensor("loss").item());
        loss.backward();
        Map<String, Tensor> params = model.namedParameters();
        int grads = 0;
        double worst = 0;
        for (String name : ref.names()) {
            if (!name.startsWith("grad.")) continue;
            String p = name.substring(5);
            Tensor param = params.get(p);
            assertNotNull(param, variant + ": reference has a gradient for '" + p + "', which the model lacks");
            assertNotNull(param.grad(), variant + ": no gradient for " + p);
            double d = maxAbsDiff(param.grad(), ref.tensor(name));
            worst = Math.max(worst, d);
            assertTrue(d <= 1e-4, variant + ": gradient of " + p + " differs by " + d);
            grads++;
        }
        assertEquals(params.size(), grads, variant + ": every parameter has a reference gradient");

        int[] prompt = Arrays.stream(ref.tensor("greedy_prompt").toLongArray()).mapToInt(l -> (int) l).toArray();
        int[] want = Arrays.stream(ref.tensor("greedy_ids").toLongArray()).mapToInt(l -> (int) l).toArray();
        int[] cached = model.generate(prompt, want.length, 0, 0, null);
        int[] full = model.generateWithoutCache(prompt, want.length, 0, 0, null);
        assertArrayEquals(want, Arrays.copyOfRange(cached, prompt.length, cached.length), variant + ": greedy with KV cache");
        assertArrayEquals(want, Arrays.copyOfRange(full, prompt.length, full.length), variant + ": greedy without cache");
        System.out.printf("%s: logits max|d| %.2e, loss |d| %.2e, grads max|d| %.2e (%d tensors), 64 greedy tokens equal%n",
                variant, dLogits, dLoss, worst, grads);

        // save -> reload: same logits, same tensor bytes, same config
        Path out = tmp.resolve(variant);
        HfModels.save(model, out);
        CausalLM again = HfModels.load(out);
        again.eval();
        assertEquals(0.0, maxAbsDiff(again.forward(ids), model.forward(ids)), variant + ": reloaded logits");
        assertEquals(model.config().toJson(), again.config().toJson());
        assertEquals(rawTensors(dir), rawTensors(out), variant + ": tensor bytes after load -> save");
        Map<?, ?> savedConfig = (Map<?, ?>) Json.parse(Files.readString(out.resolve("config.json")));
        Map<?, ?> origConfig = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("config.json")));
        assertEquals(origConfig.get("torch_dtype"), savedConfig.get("torch_dtype"));
    }

    /** Every tensor's dtype, shape and raw data bytes, by name, over the single file or all shards. */
    static Map<String, String> rawTensors(Path dir) throws IOException {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("model") && p.toString().endsWith(".safetensors")).toList()) {
                byte[] b = Files.readAllBytes(f);
                long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                Map<?, ?> header = (Map<?, ?>) Json.parse(new String(b, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
                for (var e : header.entrySet()) {
                    if (e.getKey().equals("__metadata__")) continue;
                    Map<?, ?> info = (Map<?, ?>) e.getValue();
                    java.util.List<?> off = (java.util.List<?>) info.get("data_offsets");
                    int from = (int) (8 + n + (Long) off.get(0)), to = (int) (8 + n + (Long) off.get(1));
                    String digest = java.util.HexFormat.of().formatHex(sha256(Arrays.copyOfRange(b, from, to)));
                    out.put((String) e.getKey(), info.get("dtype") + " " + info.get("shape") + " " + digest);
                }
            }
        }
        return out;
    }

    static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
