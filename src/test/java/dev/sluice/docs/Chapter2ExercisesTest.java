package dev.sluice.docs;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** Solutions to the exercises of docs/02-tensors.md, checked against Sluice's own views and broadcasting. */
class Chapter2ExercisesTest {
    // Exercise 1: each stride is the product of the sizes after it
    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = step;
            step *= shape[d];
        }
        return strides;
    }

    static int storageIndex(int[] strides, int offset, int... index) {
        int at = offset;
        for (int d = 0; d < index.length; d++) at += index[d] * strides[d];
        return at;
    }

    // Exercise 2: align at the right, sizes equal or 1, the result takes the size that is not 1
    static int[] broadcastShape(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) throw new IllegalArgumentException(da + " vs " + db);
            out[i] = da == 1 ? db : da; // not max: [0] against [1] is an empty [0]
        }
        return out;
    }

    @Test
    void stridesByHand() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new int[] {12, 4, 1}, contiguousStrides(x.shape()));
        assertArrayEquals(contiguousStrides(x.shape()), x.strides());
        Tensor p = x.permute(2, 0, 1);
        int[] expected = {1, 12, 4}; // a permutation permutes the strides with the sizes
        assertArrayEquals(expected, p.strides());
        long[] values = p.contiguous().toLongArray(); // row-major over p's shape [4, 2, 3]
        int k = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                for (int l = 0; l < 3; l++) assertEquals(values[k++], storageIndex(expected, 0, i, j, l), "element " + i + "," + j + "," + l);
            }
        }
    }

    @Test
    void broadcastingRulesAgreeWithSluice() {
        int[][][] pairs = {
            {{3, 1}, {4}}, {{3, 4}, {3}}, {{1}, {5, 1, 2}}, {{2, 1, 4}, {3, 1}}, {{}, {2, 3}}, {{6}, {6}},
            {{2, 3}, {3, 2}}, {{5, 1, 1}, {1, 7, 1}}, {{4, 1}, {1, 4, 2}}, {{0, 3}, {1, 3}}, {{0, 3}, {2, 3}}, {{1, 1}, {}},
        };
        for (int[][] p : pairs) {
            String what = java.util.Arrays.toString(p[0]) + " + " + java.util.Arrays.toString(p[1]);
            int[] sluice;
            try {
                sluice = Tensor.zeros(p[0]).add(Tensor.zeros(p[1])).shape();
            } catch (IllegalArgumentException e) {
                assertThrows(IllegalArgumentException.class, () -> broadcastShape(p[0], p[1]), what + " fails in Sluice");
                continue;
            }
            assertArrayEquals(sluice, broadcastShape(p[0], p[1]), what);
        }
    }

    @Test
    void viewOrCopy() {
        Tensor t = Tensor.arange(12).reshape(3, 4);
        Map<String, Supplier<Tensor>> cases = new LinkedHashMap<>();
        Map<String, Boolean> predicted = new LinkedHashMap<>();
        cases.put("t.t()", t::t);                                        predicted.put("t.t()", true);
        cases.put("narrow rows", () -> t.narrow(0, 1, 2));               predicted.put("narrow rows", true);
        cases.put("select column", () -> t.select(1, 2));                predicted.put("select column", true);
        cases.put("t.t().contiguous()", () -> t.t().contiguous());       predicted.put("t.t().contiguous()", false);
        cases.put("reshape(2, 6)", () -> t.reshape(2, 6));               predicted.put("reshape(2, 6)", true);
        // row-major order of the transpose is not one stride apart in storage: reshape must copy
        cases.put("t.t().reshape(2, 6)", () -> t.t().reshape(2, 6));     predicted.put("t.t().reshape(2, 6)", false);
        cases.put("expand", () -> t.unsqueeze(0).expand(5, 3, 4));       predicted.put("expand", true);
        // columns 0..1 of each row: 0,1, 4,5, 8,9 — gaps, so flattening copies
        cases.put("narrow columns + reshape", () -> t.narrow(1, 0, 2).reshape(6)); predicted.put("narrow columns + reshape", false);
        cases.put("clone", t::clone);                                    predicted.put("clone", false);
        for (var e : cases.entrySet()) {
            assertEquals(predicted.get(e.getKey()), e.getValue().get().sharesStorageWith(t), e.getKey());
        }
    }
}
