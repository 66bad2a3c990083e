package dev.sluice.backend.cpu;

import dev.sluice.backend.Storage;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outputs allocated for overwrite skip the zero-fill of recycled arrays, so an op that leaves an element unwritten
 * would read stale numbers. The test runs poison such arrays with NaN ({@code -Dsluice.poisonUninitialized=true} in
 * the pom), which makes every op test a check that its kernel writes its whole output; this test checks the poison
 * itself is on and that ordinary allocations stay zero.
 */
class AllocateForOverwriteTest {
    private static final int N = 3 * CpuBufferPool.MIN_LENGTH + 5;

    @Test
    void overwriteAllocationsArePoisonedInTestsAndPlainOnesAreZero() {
        assertTrue(Boolean.getBoolean("sluice.poisonUninitialized"), "the test JVMs must run with the poison on");
        float[] poisoned = CpuStorage.floats(CpuBackend.INSTANCE.allocateForOverwrite(DType.FLOAT32, N));
        for (float v : poisoned) assertTrue(Float.isNaN(v));
        Storage zeroed = CpuBackend.INSTANCE.allocate(DType.FLOAT32, N);
        for (float v : CpuStorage.floats(zeroed)) assertEquals(0f, v);
    }

    @Test
    void recycledArraysComeBackZeroFromAllocate() {
        float[] used = CpuBufferPool.take(N);
        java.util.Arrays.fill(used, 7f);
        CpuBufferPool.give(used);
        float[] again = CpuBufferPool.take(N);
        for (float v : again) assertEquals(0f, v);
    }

    @Test
    void opsWritingIntoOverwriteAllocationsLeaveNoElementUnwritten() {
        Generator gen = new Generator(3);
        Tensor a = Tensor.randn(gen, DType.FLOAT32, 67, 129), b = Tensor.randn(gen, DType.FLOAT32, 129, 71);
        Tensor w = Tensor.randn(gen, DType.FLOAT32, 33, 129), bias = Tensor.randn(gen, DType.FLOAT32, 33);
        Tensor[] outs = {
            a.matmul(b), dev.sluice.nn.functional.F.linear(a, w, null), dev.sluice.nn.functional.F.linear(a, w, bias),
            a.add(a.narrow(1, 0, 1)), a.gelu(), a.softmax(-1), a.transpose(0, 1).contiguous(),
            Tensor.cat(0, a, a), Tensor.where(a.gt(0), a, a.neg())
        };
        for (Tensor t : outs) assertFalse(Double.isNaN(t.sum().item()), "an element was left unwritten");
    }
}
