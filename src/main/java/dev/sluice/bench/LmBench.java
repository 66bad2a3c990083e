package dev.sluice.bench;

import dev.sluice.backend.cpu.CpuBufferPool;
import dev.sluice.backend.cpu.Parallel;
import dev.sluice.models.CausalLM;
import dev.sluice.models.LlamaConfig;
import dev.sluice.models.LlamaModel;
import dev.sluice.nn.functional.F;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * A language model at a real size, as `sluice bench lm` measures it: SmolLM-135M's shape (vocab 49152, hidden 576,
 * 30 layers, 9 heads / 3 key-value heads, MLP 1536, tied embeddings) with random float32 weights. Greedy decoding
 * with the KV cache (prefill time, then tokens/s for one sequence) and one AdamW fine-tuning step (causal-LM loss),
 * with the heap it needed. The PyTorch peer ({@code bench/torch_lm.py}) runs the same shapes.
 */
public final class LmBench {
    /** SmolLM-135M's architecture (HuggingFaceTB/SmolLM-135M config.json), random weights. */
    public static LlamaConfig smolLm135m() {
        return LlamaConfig.llama(49152, 576, 1536, 30, 9, 3, 2048, true);
    }

    /** What one run measured. */
    public record Measurement(long parameters, double prefillMillis, double decodeTokensPerSecond, double stepMillis,
                              double heapAfterStepMiB, double pooledMiB, double maxHeapMiB) {
        /** Weights, gradients and AdamW's two moments: 16 bytes per parameter, in MiB. */
        public double stateMiB() { return parameters * 16.0 / 1048576.0; }
    }

    private LmBench() {}

    /**
     * Measures generation and a training step on {@code threads} threads.
     *
     * @param promptTokens tokens of the prompt (prefill)
     * @param newTokens    tokens generated greedily after it
     * @param batch        sequences per training step
     * @param seq          tokens per sequence in the training step
     * @param steps        timed training steps (after one untimed)
     */
    public static Measurement measure(int threads, int promptTokens, int newTokens, int batch, int seq, int steps) {
        return measure(threads, promptTokens, newTokens, batch, seq, steps, null);
    }

    /**
     * As {@link #measure(int, int, int, int, int, int)}, and writes a live heap dump (HPROF) at the moment the heap is
     * measured, so that what the heap holds can be itemised ({@code bench/hprof_arrays.py} groups its arrays by length).
     *
     * @param heapDump the HPROF file to write (atomically), or null for none
     */
    public static Measurement measure(int threads, int promptTokens, int newTokens, int batch, int seq, int steps, Path heapDump) {
        try (var limit = Parallel.limitThreads(threads)) {
            CausalLM model = new LlamaModel(smolLm135m(), new Generator(0));
            model.eval();
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < prompt.length; i++) prompt[i] = (int) ((i * 7919L + 13) % 49152);
            model.generate(Arrays.copyOf(prompt, 8), 4, 0, 0, null);        // compiles the decode path
            long t0 = System.nanoTime();
            model.generate(prompt, 1, 0, 0, null);
            double prefill = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            model.generate(prompt, newTokens, 0, 0, null);
            double total = (System.nanoTime() - t0) / 1e6;
            double decodeTps = (newTokens - 1) / Math.max(1e-9, (total - prefill) / 1e3);

            model.train();
            AdamW opt = new AdamW(model.parameters(), 1e-4);
            long[] ids = new long[batch * seq];
            for (int i = 0; i < ids.length; i++) ids[i] = (i * 104729L + 7) % 49152;
            Tensor x = Tensor.of(ids, batch, seq);
            double[] times = new double[steps + 1];
            for (int s = 0; s <= steps; s++) {
                t0 = System.nanoTime();
                Tensor logits = model.forward(x);
                Tensor loss = F.crossEntropy(logits.narrow(1, 0, seq - 1), x.narrow(1, 1, seq - 1));
                opt.zeroGrad();
                loss.backward();
                opt.step();
                loss.item();
                times[s] = (System.nanoTime() - t0) / 1e6;
            }
            double[] timed = Arrays.copyOfRange(times, 1, times.length);
            Arrays.sort(timed);
            System.gc();
            Runtime r = Runtime.getRuntime();
            double after = (r.totalMemory() - r.freeMemory()) / 1048576.0;
            if (heapDump != null) dumpLiveHeap(heapDump);
            return new Measurement(model.parameterCount(), prefill, decodeTps, timed[timed.length / 2], after,
                    CpuBufferPool.pooledBytes() / 1048576.0, r.maxMemory() / 1048576.0);
        }
    }

    /** A live-objects HPROF dump, written beside the target and renamed into place (the JVM refuses an existing file). */
    static void dumpLiveHeap(Path target) {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".part-" + ProcessHandle.current().pid() + ".hprof");
        try {
            Files.deleteIfExists(tmp);
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap(tmp.toString(), true);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("bench lm: could not write the heap dump " + abs, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the dump failed already; its error is the one to report
            }
        }
    }
}
