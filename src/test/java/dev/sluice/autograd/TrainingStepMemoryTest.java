package dev.sluice.autograd;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 1,000 training steps of a small two-layer network written with raw ops: the heap after warm-up stays flat (the
 * graph and its saved tensors are released every step), and two runs from one seed are bit-identical.
 */
class TrainingStepMemoryTest {
    private static final int IN = 64, HIDDEN = 128, OUT = 10, BATCH = 32;

    /** Trains for {@code steps} steps; returns the weights, and fills heap[i] with used bytes after step marks. */
    private static float[] train(long seed, int steps, long[] heapAt100And1000) {
        Generator g = new Generator(seed);
        Tensor w1 = Tensor.randn(g, DType.FLOAT32, IN, HIDDEN).mul(0.1).requiresGrad(true);
        Tensor w2 = Tensor.randn(g, DType.FLOAT32, HIDDEN, OUT).mul(0.1).requiresGrad(true);
        Tensor x = Tensor.randn(g, DType.FLOAT32, BATCH, IN);
        Tensor target = Tensor.randint(g, 0, OUT, BATCH);
        for (int step = 1; step <= steps; step++) {
            Tensor logits = x.matmul(w1).relu().matmul(w2);
            Tensor loss = logits.logSoftmax(-1).gather(1, target.unsqueeze(1)).mean().neg();
            loss.backward();
            try (var ignored = GradMode.noGrad()) {
                w1.sub_(w1.grad().mul(0.05));
                w2.sub_(w2.grad().mul(0.05));
            }
            w1.zeroGrad();
            w2.zeroGrad();
            if (heapAt100And1000 != null && (step == 100 || step == steps)) {
                heapAt100And1000[step == 100 ? 0 : 1] = usedHeapAfterGc();
            }
        }
        return Tensor.cat(0, w1.detach().reshape(-1), w2.detach().reshape(-1)).toFloatArray();
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    @Test
    void heapStaysFlatOverAThousandSteps() {
        long[] heap = new long[2];
        train(1, 1000, heap);
        long growth = heap[1] - heap[0];
        assertTrue(growth < 4L << 20, "heap grew by " + (growth >> 10) + " KiB between step 100 and step 1000");
    }

    @Test
    void seededRunsAreBitIdentical() {
        float[] a = train(7, 30, null), b = train(7, 30, null), c = train(8, 30, null);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }
}
