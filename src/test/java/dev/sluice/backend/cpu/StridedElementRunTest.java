package dev.sluice.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.UnaryOp;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Elementwise loops over a contiguous tensor see one long row; forEachElementRun cuts it into pieces so every thread
 * gets work. Each element must be visited exactly once, with every operand's offset shifted by its own stride, and
 * the result must not depend on the thread count.
 */
class StridedElementRunTest {
    @Test
    void piecesCoverEveryElementOnceWithEachOperandsStride() {
        int rows = 1, inner = 300_001; // one coalesced row, not a multiple of 64
        // operand 0 contiguous, operand 1 with stride 2 along the run, operand 2 broadcast (stride 0)
        Strided it = Strided.of(new int[] {rows, inner}, new int[][] {{inner, 1}, {2 * inner, 2}, {0, 0}}, new int[] {5, 7, 3});
        AtomicIntegerArray seen = new AtomicIntegerArray(inner);
        int[] pieces = {0};
        it.forEachElementRun(true, (off, n) -> {
            int start = off[0] - 5;
            synchronized (pieces) { pieces[0]++; }
            assertEquals(7 + 2 * start, off[1], "operand 1 shifted by its stride");
            assertEquals(3, off[2], "a broadcast operand does not move");
            assertEquals(0, start % 64, "pieces start on a multiple of 64");
            for (int j = 0; j < n; j++) seen.incrementAndGet(start + j);
        });
        for (int j = 0; j < inner; j++) assertEquals(1, seen.get(j), "element " + j);
        if (Parallel.threads() > 1) assertTrue(pieces[0] > 1, "a long single row is shared out, got " + pieces[0] + " piece");
    }

    @Test
    void contiguousElementwiseResultsDoNotDependOnTheThreadCount() {
        Tensor x = Tensor.randn(new Generator(3), DType.FLOAT32, 1 << 18);
        Tensor y = Tensor.randn(new Generator(4), DType.FLOAT32, 1 << 18);
        float[] one, many;
        try (var limit = Parallel.limitThreads(1)) {
            one = x.gelu().mul(y).add(x).toFloatArray();
        }
        many = x.gelu().mul(y).add(x).toFloatArray();
        for (int i = 0; i < one.length; i++) {
            assertEquals(Float.floatToRawIntBits(one[i]), Float.floatToRawIntBits(many[i]), "element " + i);
        }
        float[] ref = new float[one.length], xs = x.toFloatArray(), ys = y.toFloatArray();
        for (int i = 0; i < ref.length; i++) ref[i] = (float) UnaryOp.GELU.apply(xs[i]) * ys[i] + xs[i];
        for (int i = 0; i < ref.length; i += 997) assertEquals(ref[i], many[i], 1e-5 * (1 + Math.abs(ref[i])), "element " + i);
    }
}
