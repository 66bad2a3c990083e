package dev.sluice.backend.cuda;

import dev.sluice.backend.Storage;
import dev.sluice.backend.View;
import dev.sluice.backend.cpu.CpuBackend;
import dev.sluice.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The kernels' Layout struct, evaluated in Java with the same index math as sl_at in native/common.cuh. */
class CudaLayoutTest {
    private static final Storage S = CpuBackend.INSTANCE.allocate(DType.FLOAT32, 64);

    @Test
    void contiguousTransposedAndBroadcastViews() {
        int[] c = CudaLayout.of(View.contiguous(S, new int[] {2, 3}));
        assertEquals(CudaLayout.INTS, c.length);
        for (int i = 0; i < 6; i++) assertEquals(i, CudaLayout.at(c, i));
        int[] t = CudaLayout.of(new View(S, new int[] {3, 2}, new int[] {1, 3}, 0));      // transpose of [2, 3]
        assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, java.util.stream.IntStream.range(0, 6).map(i -> CudaLayout.at(t, i)).toArray());
        int[] b = CudaLayout.over(new View(S, new int[] {1, 3}, new int[] {3, 1}, 5), new int[] {2, 3});   // row broadcast
        assertArrayEquals(new int[] {5, 6, 7, 5, 6, 7}, java.util.stream.IntStream.range(0, 6).map(i -> CudaLayout.at(b, i)).toArray());
        assertEquals(9, CudaLayout.at(CudaLayout.of(new View(S, new int[0], new int[0], 9)), 0));   // scalar
    }

    @Test
    void reductionSplitsIntoKeptAndReducedParts() {
        View x = View.contiguous(S, new int[] {2, 3, 4});
        View out = View.contiguous(S, new int[] {2, 1, 4});
        int[] kept = CudaLayout.kept(x, out), red = CudaLayout.reduced(x, out);
        assertEquals(3, CudaLayout.reducedCount(x, out));
        // output (1, 0, 2) reduces x[1, 0..2, 2] = offsets 14, 18, 22
        int j = 4 + 2;
        int base = CudaLayout.at(kept, j);
        assertArrayEquals(new int[] {14, 18, 22}, new int[] {base + CudaLayout.at(red, 0), base + CudaLayout.at(red, 1), base + CudaLayout.at(red, 2)});
    }

    /** Coalescing keeps every element's offset in every operand, and makes contiguous operands rank 1. */
    @Test
    void coalescingMergesDimsEveryOperandStepsThroughAsOne() {
        int[] shape = {2, 3, 1, 4};
        View contiguous = View.contiguous(S, shape);
        View other = new View(S, shape, new int[] {12, 4, 4, 1}, 7);
        View bias = new View(S, shape, new int[] {0, 0, 0, 1}, 3);                  // [4] broadcast over [2, 3, 1, 4]
        View transposed = new View(S, shape, new int[] {1, 2, 24, 6}, 0);
        int[][] cases = {{0, 1}, {0, 1, 2}, {0, 3}, {2}, {1, 2}};
        View[] views = {contiguous, other, bias, transposed};
        for (int[] pick : cases) {
            int[][] before = new int[pick.length][];
            for (int k = 0; k < pick.length; k++) before[k] = CudaLayout.over(views[pick[k]], shape);
            int[][] after = CudaLayout.coalesced(before);
            for (int k = 0; k < pick.length; k++) {
                for (int i = 0; i < 24; i++) {
                    assertEquals(CudaLayout.at(before[k], i), CudaLayout.at(after[k], i), java.util.Arrays.toString(pick) + " operand " + k + " element " + i);
                }
            }
            if (pick.length == 2 && pick[1] == 1) assertEquals(1, after[0][0], "two contiguous operands become rank 1");
        }
        assertEquals(2, CudaLayout.coalesced(CudaLayout.of(contiguous), CudaLayout.over(bias, shape))[1][0], "bias add stays [6, 4]");
        int[] ones = CudaLayout.of(new View(S, new int[] {1, 1}, new int[] {1, 1}, 5));
        int[] single = CudaLayout.coalesced(ones)[0];
        assertEquals(1, single[0]);
        assertEquals(5, CudaLayout.at(single, 0));
        int[] a = CudaLayout.of(View.contiguous(S, new int[] {2, 3})), b = CudaLayout.of(View.contiguous(S, new int[] {3, 2}));
        assertSame(a, CudaLayout.coalesced(a, b)[0], "different shapes are left alone");
    }

    @Test
    void rankAboveEightIsAClearError() {
        int[] shape = new int[9];
        java.util.Arrays.fill(shape, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> CudaLayout.of(shape, new int[9], 0));
        assertTrue(e.getMessage().contains("rank 9"), e.getMessage());
    }
}
