package dev.sluice.data;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataLoaderTest {
    private static TensorDataset dataset(int n) {
        Tensor x = Tensor.arange(0, n, 1, DType.FLOAT32).reshape(n, 1).expand(n, 2).contiguous();
        return new TensorDataset(x, Tensor.arange(n));
    }

    private static List<Long> epoch(DataLoader loader) {
        List<Long> seen = new ArrayList<>();
        for (Batch b : loader) {
            long[] t = b.targets().toLongArray();
            float[] x = b.inputs().toFloatArray();
            for (int i = 0; i < t.length; i++) {
                assertEquals(t[i], (long) x[2 * i], "inputs and targets stay paired");
                seen.add(t[i]);
            }
        }
        return seen;
    }

    @Test
    void sequentialBatchesCoverEverythingInOrder() {
        DataLoader loader = new DataLoader(dataset(10), 4, false, false, new Generator(0));
        assertEquals(3, loader.batchesPerEpoch());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), epoch(loader));
        assertEquals(2, new DataLoader(dataset(10), 4, false, true, new Generator(0)).batchesPerEpoch());
    }

    @Test
    void shuffledEpochsArePermutationsFixedBySeed() {
        DataLoader a = new DataLoader(dataset(50), 8, true, false, new Generator(5));
        DataLoader b = new DataLoader(dataset(50), 8, true, false, new Generator(5));
        List<Long> a1 = epoch(a), a2 = epoch(a), b1 = epoch(b);
        assertEquals(a1, b1, "same seed, same order");
        assertNotEquals(a1, a2, "a new order every epoch");
        long[] sorted = a1.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] expected = new long[50];
        for (int i = 0; i < 50; i++) expected[i] = i;
        assertArrayEquals(expected, sorted, "a permutation: every example exactly once");
        assertNotEquals(Arrays.stream(expected).boxed().toList(), a1, "shuffled, not the identity order");
    }

    @Test
    void mismatchedSizesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
