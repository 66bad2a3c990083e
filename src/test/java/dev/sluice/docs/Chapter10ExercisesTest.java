package dev.sluice.docs;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Solutions to the exercises of docs/10-gpu.md that need only the public API. The others need package access or a
 * CUDA device: dev.sluice.backend.cuda.Chapter10LaunchExercisesTest (exercises 1 and 3, plain arithmetic) and
 * dev.sluice.backend.cuda.GpuChapter10ExercisesTest (exercise 4, on cuda:0: a GPU, or the CUDA emulator in the build's
 * second test run).
 */
class Chapter10ExercisesTest {
    /** Exercise 2: native/common.cuh's sl_at in Java: the storage offset of the i-th element (row-major) of a view. */
    static int at(int[] shape, int[] strides, int offset, int i) {
        if (shape.length == 1) return offset + i * strides[0];
        int off = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return off;
    }

    private record Case(String name, Tensor view, int offset) {}

    @Test
    void slAtFindsEveryElementOfAView() {
        Tensor base = Tensor.arange(24).reshape(2, 3, 4);    // each value is its own storage index
        List<Case> cases = List.of(
                new Case("contiguous", base, 0),
                new Case("flat", base.reshape(24), 0),                               // rank 1: one multiply
                new Case("permute(2, 0, 1)", base.permute(2, 0, 1), 0),
                new Case("narrow(2, 1, 2)", base.narrow(2, 1, 2), 1),
                new Case("narrow(1, 1, 2).narrow(2, 2, 2)", base.narrow(1, 1, 2).narrow(2, 2, 2), 6),
                new Case("slice(2, 1, 4, 2)", base.slice(2, 1, 4, 2), 1),
                new Case("narrow(0, 1, 1).expand(3, 3, 4)", base.narrow(0, 1, 1).expand(3, 3, 4), 12),  // stride 0
                new Case("narrow(2, 3, 1).permute(2, 1, 0)", base.narrow(2, 3, 1).permute(2, 1, 0), 3));
        for (Case c : cases) {
            long[] values = c.view().toLongArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], at(c.view().shape(), c.view().strides(), c.offset(), i), c.name() + ", element " + i);
            }
        }
        // the expanded view reads each of its 12 stored elements three times
        long[] expanded = base.narrow(0, 1, 1).expand(3, 3, 4).toLongArray();
        assertEquals(36, expanded.length);
        assertEquals(12, Arrays.stream(expanded).distinct().count());
    }
}
