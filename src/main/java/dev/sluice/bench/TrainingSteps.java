package dev.sluice.bench;

import dev.sluice.backend.cpu.Parallel;
import dev.sluice.nn.Activation;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.optim.Adam;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One training step (forward, loss, backward, optimizer) of the three reference models, with the shapes, losses and
 * optimizers that {@code bench/torch_steps.py} uses for PyTorch:
 * <ul>
 *   <li>{@code gpt}: vocab 64, context 64, d_model 128, 4 heads, 4 layers, MLP 4× GELU, batch 32, AdamW(3e-4, wd 0.01)</li>
 *   <li>{@code mlp}: 784-512-512-10 ReLU, batch 128, cross-entropy, Adam(1e-3)</li>
 *   <li>{@code ae}: autoencoder 784-512-256-32-256-512-784 ReLU, batch 256, MSE, Adam(1e-3)</li>
 * </ul>
 */
public final class TrainingSteps {
    public static final List<String> MODELS = List.of("gpt", "mlp", "ae");

    /** Minimum warm-up time per model before measuring. */
    public static final double WARMUP_SECONDS = 3.0;

    private TrainingSteps() {}

    /** A ready-to-run step: each call performs one full training step. */
    public static Runnable make(String model) {
        Generator gen = new Generator(0);
        return switch (model) {
            case "gpt" -> {
                GPT net = new GPT(new GPT.Config(64, 64, 128, 4, 4, 0.0), gen);
                Tensor x = Tensor.randint(gen, 0, 64, 32, 64), y = Tensor.randint(gen, 0, 64, 32, 64);
                yield step(net, new AdamW(net.parameters(), 3e-4, 0.9, 0.999, 1e-8, 0.01),
                        () -> Losses.crossEntropy(net.forward(x), y));
            }
            case "mlp" -> {
                MLP net = new MLP(new int[] {784, 512, 512, 10}, Activation.RELU, gen);
                Tensor x = Tensor.randn(gen, DType.FLOAT32, 128, 784), y = Tensor.randint(gen, 0, 10, 128);
                yield step(net, new Adam(net.parameters(), 1e-3), () -> Losses.crossEntropy(net.forward(x), y));
            }
            case "ae" -> {
                MLP net = new MLP(new int[] {784, 512, 256, 32, 256, 512, 784}, Activation.RELU, gen);
                Tensor x = Tensor.rand(gen, DType.FLOAT32, 256, 784);
                yield step(net, new Adam(net.parameters(), 1e-3), () -> Losses.mse(net.forward(x), x));
            }
            default -> throw new IllegalArgumentException("unknown model '" + model + "'; available: " + MODELS);
        };
    }

    private static Runnable step(Module net, Optimizer opt, Supplier<Tensor> loss) {
        return () -> {
            opt.zeroGrad();
            loss.get().backward();
            opt.step();
        };
    }

    /**
     * Median milliseconds per step of each model with {@code threads} threads, after at least {@code warmup} steps and
     * at least {@link #WARMUP_SECONDS} of warm-up: the JIT compiles the hot kernels during the first seconds (a 5-step
     * warm-up measured the MLP step at 6.1 ms instead of its steady 3.6 ms).
     */
    /** One model's measurement: median step time and the bytes allocated per step (the step's garbage). */
    public record Measurement(double millis, double allocatedMegabytes) {}

    public static Map<String, Measurement> measure(List<String> models, int threads, int warmup, int steps) {
        Map<String, Measurement> result = new LinkedHashMap<>();
        var memory = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (var limit = Parallel.limitThreads(threads)) {
            for (String m : models) {
                Runnable step = make(m);
                long warmStart = System.nanoTime();
                for (int i = 0; i < warmup || System.nanoTime() - warmStart < WARMUP_SECONDS * 1e9; i++) step.run();
                double[] ms = new double[steps];
                long bytesBefore = memory.getTotalThreadAllocatedBytes();
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step.run();
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                double mb = (memory.getTotalThreadAllocatedBytes() - bytesBefore) / 1e6 / steps;
                Arrays.sort(ms);
                result.put(m, new Measurement(steps % 2 == 1 ? ms[steps / 2] : (ms[steps / 2 - 1] + ms[steps / 2]) / 2, mb));
            }
        }
        return result;
    }
}
