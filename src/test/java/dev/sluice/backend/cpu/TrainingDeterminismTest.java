package dev.sluice.backend.cpu;

import dev.sluice.Sluice;
import dev.sluice.nn.Activation;
import dev.sluice.nn.ActivationLayer;
import dev.sluice.nn.LayerNorm;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Losses;
import dev.sluice.nn.Sequential;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded CPU training is bit-reproducible: run to run in one JVM with the pool at 2 threads (chunks claimed
 * dynamically, pooled buffers reused between runs), and across thread counts. The model has a LayerNorm over rows
 * enough to be split between threads (its dgamma/dbeta are per-chunk partial sums added in order), a GELU and Adam.
 * (Across JVMs the same holds; across vector widths it does not: float sums change order with the width, chapter 5.)
 */
class TrainingDeterminismTest {
    private final int initialThreads = Sluice.threads();

    @AfterEach
    void restore() { Sluice.setThreads(initialThreads); }

    /** 50 Adam steps on a fixed batch of 2048 rows; every parameter's raw bits, in parameter order. */
    private static int[] train(long seed) {
        Generator gen = new Generator(seed);
        Sequential model = new Sequential(new Linear(32, 64, gen), new LayerNorm(64), new ActivationLayer(Activation.GELU),
                new Linear(64, 10, gen));
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 2048, 32);
        Tensor y = Tensor.randint(gen, 0, 10, 2048);
        Adam opt = new Adam(model.parameters(), 3e-3);
        for (int step = 0; step < 50; step++) {
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(x), y).backward();
            opt.step();
        }
        List<Integer> bits = new ArrayList<>();
        for (Tensor p : model.parameters()) for (float f : p.toFloatArray()) bits.add(Float.floatToRawIntBits(f));
        return bits.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void twoRunsInOneJvmOnTwoThreadsAreBitIdentical() {
        Sluice.setThreads(2);
        int[] a = train(11), b = train(11), other = train(12);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, other), "a different seed must give different weights");
    }

    @Test
    void theThreadCountDoesNotChangeABit() {
        int[][] runs = new int[3][];
        for (int t = 1; t <= 3; t++) {
            Sluice.setThreads(t);
            runs[t - 1] = train(11);
        }
        assertArrayEquals(runs[0], runs[1], "1 vs 2 threads");
        assertArrayEquals(runs[0], runs[2], "1 vs 3 threads");
    }
}
