package dev.sluice.models;

import dev.sluice.nn.functional.F;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A random model of SmolLM-135M's shape (vocab 49152, hidden 576, 30 layers, 9 heads / 3 kv heads, tied): save, load,
 * generation speed with the KV cache, one AdamW step. Off by default: {@code -Dsluice.bench135m=true}.
 */
@EnabledIfSystemProperty(named = "sluice.bench135m", matches = "true")
class SmolLmSizeBenchTest {
    @TempDir
    Path tmp;

    static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void smolLm135mShape() throws Exception {
        LlamaConfig c = new LlamaConfig("llama", 49152, 576, 1536, 30, 9, 3, 64, 2048, 1e-5, 10000, null, false, false,
                false, true, 0, 0.02, null);
        long t0 = System.nanoTime();
        CausalLM m = new LlamaModel(c, new Generator(0));
        System.out.printf("parameters %d, created in %.1f s%n", m.parameterCount(), (System.nanoTime() - t0) / 1e9);
        Path dir = tmp.resolve("smol");
        t0 = System.nanoTime();
        HfModels.save(m, dir, new HfModels.SaveOptions("BF16", HfModels.DEFAULT_MAX_SHARD_BYTES));
        System.out.printf("saved BF16 (%d MB) in %.1f s%n", Files.size(dir.resolve("model.safetensors")) >> 20, (System.nanoTime() - t0) / 1e9);
        m = null;
        long before = usedHeap();
        t0 = System.nanoTime();
        CausalLM loaded = HfModels.load(dir);
        System.out.printf("loaded in %.1f s, heap +%d MB%n", (System.nanoTime() - t0) / 1e9, (usedHeap() - before) >> 20);
        int[] prompt = new int[32];
        for (int i = 0; i < prompt.length; i++) prompt[i] = 100 + i;
        loaded.generate(prompt, 4, 0, 0, null); // warm-up
        t0 = System.nanoTime();
        loaded.generate(prompt, 32, 0, 0, null);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("generate 32 prompt + 32 new tokens (KV cache): %.2f s, %.1f tokens/s%n", s, 32 / s);
        loaded.train();
        AdamW opt = new AdamW(loaded.parameters(), 1e-4);
        int batch = Integer.getInteger("sluice.bench135m.batch", 4);
        long[] ids = new long[batch * 128];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 7919L) % 49152;
        Tensor x = Tensor.of(ids, batch, 128);
        for (int step = 0; step < 2; step++) {
            t0 = System.nanoTime();
            Tensor logits = loaded.forward(x);
            Tensor loss = F.crossEntropy(logits.narrow(1, 0, 127), x.narrow(1, 1, 127));
            loss.backward();
            opt.step();
            opt.zeroGrad();
            double lossValue = loss.item();
            logits = null;
            loss = null;
            System.out.printf("AdamW step [%d, 128]: %.1f s, loss %.4f, heap after %d MB (max %d MB)%n", batch, (System.nanoTime() - t0) / 1e9,
                    lossValue, usedHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
    }
}
