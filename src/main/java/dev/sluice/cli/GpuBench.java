package dev.sluice.cli;

import dev.sluice.backend.cuda.CudaBackend;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sluice bench gpu}: on cuda:0, the memory-bound kernels' GB/s against the device's measured copy bandwidth,
 * GEMM TFLOP/s through cuBLAS and through Sluice's own kernel (square 1024–8192 and the GPT training shapes), and a
 * GPT training step. Every timing synchronises the device before reading the clock. Without a usable GPU it prints
 * "sluice bench: GPU unavailable: reason" and exits with status 2.
 */
final class GpuBench {
    private GpuBench() {}

    /** How big the benchmark's problems are: the reported run, a quick look, or a smoke test of the code itself. */
    enum Sizes { FULL, QUICK, SMOKE }

    /**
     * Why cuda:0 cannot be benchmarked ("GPU unavailable: reason"), or null when it can (the emulator only when
     * {@code allowEmulator}, for smoke runs).
     */
    static String unavailableReason(boolean allowEmulator) {
        if (!allowEmulator && dev.sluice.backend.cuda.CudaAvailability.isEmulated()) {
            return "GPU unavailable: cuda:0 is the CUDA emulator (SLUICE_CUDA=emulate), whose timings would "
                    + "measure the CPU; bench gpu runs on a real GPU only";
        }
        try {
            CudaBackend.forDevice(0);
            return null;
        } catch (UnsupportedOperationException | LinkageError e) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("GPU unavailable:") ? m : "GPU unavailable: " + m;
        }
    }

    /** The backend of cuda:0, or null after printing why it is unavailable (the emulator only for smoke runs). */
    static CudaBackend backendOrExplain(boolean allowEmulator) {
        String why = unavailableReason(allowEmulator);
        if (why != null) {
            System.err.println(why);
            return null;
        }
        return CudaBackend.forDevice(0);
    }

    private interface Body { void run(); }

    /** Seconds per call of body (synchronised), after a warm-up, over at least minSeconds. */
    private static double time(CudaBackend gpu, double minSeconds, Body body) {
        body.run();
        gpu.synchronize();
        int reps = 0;
        long start = System.nanoTime(), elapsed;
        do {
            body.run();
            reps++;
            gpu.synchronize();
            elapsed = System.nanoTime() - start;
        } while (elapsed < minSeconds * 1e9);
        return elapsed / 1e9 / reps;
    }

    static Map<String, Object> run(boolean quick, double minSeconds) { return run(quick ? Sizes.QUICK : Sizes.FULL, minSeconds); }

    /**
     * The benchmark at the given sizes. SMOKE (tiny problems, for tests) also runs on the CUDA emulator, which makes its
     * timings meaningless: it checks that the benchmark's code works before a GPU's time is spent on it.
     */
    static Map<String, Object> run(Sizes sizes, double minSeconds) {
        boolean quick = sizes != Sizes.FULL, smoke = sizes == Sizes.SMOKE;
        CudaBackend gpu = backendOrExplain(smoke);
        if (gpu == null) return null;
        Device cuda = Device.cuda(0);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("device", gpu.describe());
        System.out.println("device: " + gpu.describe());
        Generator gen = new Generator(0);

        // memory-bound kernels vs copy bandwidth (bytes moved: reads + writes)
        int n = smoke ? 1 << 14 : quick ? 1 << 22 : 1 << 26;
        Tensor a = Tensor.randn(gen, DType.FLOAT32, n).to(cuda), b = Tensor.randn(gen, DType.FLOAT32, n).to(cuda);
        Tensor rows = a.reshape(n / 1024, 1024);
        double bytes = 4.0 * n;
        double copy = 2 * bytes / time(gpu, minSeconds, () -> a.clone());
        List<Map<String, Object>> mem = new ArrayList<>();
        Object[][] kernels = {
                {"add", 3.0, (Body) () -> a.add(b)},
                {"mul scalar", 2.0, (Body) () -> a.mul(1.5)},
                {"relu", 2.0, (Body) () -> a.relu()},
                {"gelu", 2.0, (Body) () -> a.gelu()},
                {"sum rows", 1.0, (Body) () -> rows.sum(new int[] {1}, false)},
                {"softmax rows", 2.0, (Body) () -> rows.softmax(1)},
                {"layer_norm rows", 2.0, (Body) () -> dev.sluice.ops.NeuralOps.layerNorm(rows, new int[] {1024}, null, null, 1e-5)},
        };
        System.out.printf(Locale.ROOT, "%-18s %10s %8s%n", "kernel", "GB/s", "x copy");
        System.out.printf(Locale.ROOT, "%-18s %10.1f %8.2f%n", "copy", copy / 1e9, 1.0);
        for (Object[] k : kernels) {
            double gbs = (double) k[1] * bytes / time(gpu, minSeconds, (Body) k[2]);
            mem.add(Map.of("kernel", k[0], "GBps", gbs / 1e9, "vsCopy", gbs / copy));
            System.out.printf(Locale.ROOT, "%-18s %10.1f %8.2f%n", k[0], gbs / 1e9, gbs / copy);
        }
        json.put("copyGBps", copy / 1e9);
        json.put("memory", mem);

        // GEMM: square and GPT training shapes (tokens x d_model x 4 d_model), cuBLAS and the own kernel
        int[][] shapes = smoke ? new int[][] {{64, 96, 80}} : quick ? new int[][] {{1024, 1024, 1024}}
                : new int[][] {{1024, 1024, 1024}, {2048, 2048, 2048}, {4096, 4096, 4096}, {8192, 8192, 8192},
                {8192, 3072, 768}, {8192, 768, 3072}, {8192, 2304, 768}, {8192, 768, 768}};
        List<Map<String, Object>> gemm = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-18s %12s %12s%n", "gemm MxNxK", "cuBLAS TF/s", "own TF/s");
        boolean hadCublas = gpu.usesCublas();
        for (int[] s : shapes) {
            Tensor x = Tensor.randn(gen, DType.FLOAT32, s[0], s[2]).to(cuda), w = Tensor.randn(gen, DType.FLOAT32, s[2], s[1]).to(cuda);
            double flops = 2.0 * s[0] * s[1] * s[2];
            Double cublas = null;
            if (hadCublas) {
                gpu.useCublas(true);
                cublas = flops / time(gpu, minSeconds, () -> x.matmul(w)) / 1e12;
            }
            gpu.useCublas(false);
            double own = flops / time(gpu, minSeconds, () -> x.matmul(w)) / 1e12;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("m", s[0]); row.put("n", s[1]); row.put("k", s[2]);
            row.put("cublasTFLOPs", cublas); row.put("ownTFLOPs", own);
            gemm.add(row);
            System.out.printf(Locale.ROOT, "%-18s %12s %12.2f%n", s[0] + "x" + s[1] + "x" + s[2],
                    cublas == null ? "n/a" : String.format(Locale.ROOT, "%.2f", cublas), own);
        }
        gpu.useCublas(hadCublas);
        json.put("gemm", gemm);

        // GPT training step (forward, cross entropy, backward, AdamW)
        GPT.Config cfg = smoke ? new GPT.Config(32, 16, 32, 2, 2, 0.0)
                : quick ? new GPT.Config(256, 64, 64, 2, 2, 0.0) : new GPT.Config(1024, 256, 384, 6, 6, 0.0);
        int batch = smoke ? 2 : quick ? 4 : 16, seq = smoke ? 8 : quick ? 32 : 256;
        GPT model = new GPT(cfg, new Generator(1)).to(cuda);
        AdamW opt = new AdamW(model.parameters(), 3e-4, 0.9, 0.95, 1e-8, 0.1);
        long[] ids = new long[batch * seq], next = new long[batch * seq];
        for (int i = 0; i < ids.length; i++) { ids[i] = (i * 31 + 7) % cfg.vocabSize(); next[i] = (i * 31 + 38) % cfg.vocabSize(); }
        Tensor in = Tensor.of(ids, batch, seq).to(cuda), out = Tensor.of(next, batch, seq).to(cuda);
        double step = time(gpu, minSeconds, () -> {
            opt.zeroGrad();
            Tensor l = Losses.crossEntropy(model.forward(in), out);
            l.backward();
            opt.step();
        });
        System.out.printf(Locale.ROOT, "GPT step (%s, batch %d x %d tokens): %.2f ms%n", cfg, batch, seq, step * 1e3);
        json.put("gptStepMs", step * 1e3);
        return json;
    }
}
