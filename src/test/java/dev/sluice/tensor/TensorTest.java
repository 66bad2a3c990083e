package dev.sluice.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Creation, views, dtypes, broadcasting, printing and the error messages of bad input. */
class TensorTest {
    private static void assertMessage(Throwable t, String... parts) {
        for (String p : parts) assertTrue(t.getMessage().contains(p), "message should contain '" + p + "': " + t.getMessage());
    }

    @Test
    void creation() {
        assertArrayEquals(new float[] {0, 0, 0, 0}, Tensor.zeros(2, 2).toFloatArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.FLOAT64, 2).toDoubleArray());
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7, 3).toFloatArray());
        assertArrayEquals(new long[] {0, 1, 2, 3}, Tensor.arange(4).toLongArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5, DType.FLOAT32).toFloatArray());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1}, Tensor.linspace(0, 1, 5).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toFloatArray());
        assertArrayEquals(new int[] {1, 2, 3}, Tensor.of(new int[] {1, 2, 3}).toIntArray());
        assertArrayEquals(new boolean[] {true, false}, Tensor.of(new boolean[] {true, false}).toBooleanArray());
        assertEquals(0, Tensor.scalar(3).dim());
        assertEquals(3.0, Tensor.scalar(3).item(), 0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, Tensor.matrix(new float[][] {{1, 2}, {3, 4}}).toFloatArray());
    }

    @Test
    void randomTensorsAreReproducibleBySeedAndDistributed() {
        float[] a = Tensor.randn(new Generator(11), DType.FLOAT32, 1000).toFloatArray();
        float[] b = Tensor.randn(new Generator(11), DType.FLOAT32, 1000).toFloatArray();
        assertArrayEquals(a, b);
        Generator g = new Generator(11);
        Tensor first = Tensor.rand(g, DType.FLOAT32, 10);
        Tensor second = Tensor.rand(g, DType.FLOAT32, 10);
        assertFalse(java.util.Arrays.equals(first.toFloatArray(), second.toFloatArray()), "consecutive draws differ");
        Tensor r = Tensor.rand(new Generator(1), DType.FLOAT64, 20000);
        assertEquals(0.5, r.mean().item(), 0.01);
        Tensor n = Tensor.randn(new Generator(2), DType.FLOAT32, 20000);
        assertEquals(0, n.mean().item(), 0.03);
        assertEquals(1, n.std().item(), 0.03);
        long[] ints = Tensor.randint(new Generator(3), -2, 3, 5000).toLongArray();
        int[] counts = new int[5];
        for (long v : ints) counts[(int) v + 2]++;
        for (int c : counts) assertEquals(1000, c, 120);
    }

    @Test
    void viewsShareStorage() {
        Tensor x = Tensor.arange(0, 12, 1, DType.FLOAT32).reshape(3, 4);
        Tensor t = x.t();
        assertTrue(t.sharesStorageWith(x));
        assertFalse(t.isContiguous());
        assertArrayEquals(new int[] {4, 3}, t.shape());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.toFloatArray());
        Tensor col = x.narrow(1, 2, 1);
        assertArrayEquals(new float[] {2, 6, 10}, col.toFloatArray());
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            col.fill_(-1);
        }
        assertArrayEquals(new float[] {0, 1, -1, 3}, x.select(0, 0).toFloatArray());
        assertArrayEquals(new float[] {1, 3}, x.select(0, 0).slice(0, 1, 4, 2).toFloatArray());
        Tensor e = Tensor.of(new float[] {1, 2}).reshape(2, 1).expand(2, 3);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, e.toFloatArray());
        assertArrayEquals(new int[] {0, 0}, new int[] {e.strides()[1], 0});
        assertTrue(x.reshape(12).sharesStorageWith(x));
        assertFalse(t.reshape(12).sharesStorageWith(x), "a non-contiguous reshape copies");
        assertArrayEquals(new int[] {3, 1, 4}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {3, 4}, x.unsqueeze(1).squeeze().shape());
        assertArrayEquals(new int[] {12}, x.flatten().shape());
        assertArrayEquals(new int[] {4, 3}, x.permute(1, 0).shape());
    }

    @Test
    void catStackSplitChunk() {
        Tensor a = Tensor.of(new float[] {1, 2}).reshape(1, 2), b = Tensor.of(new float[] {3, 4, 5, 6}).reshape(2, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, Tensor.cat(0, a, b).toFloatArray());
        Tensor s = Tensor.stack(1, Tensor.vector(1, 2), Tensor.vector(3, 4));
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new float[] {1, 3, 2, 4}, s.toFloatArray());
        Tensor[] parts = Tensor.arange(0, 5, 1, DType.FLOAT32).split(2, 0);
        assertEquals(3, parts.length);
        assertArrayEquals(new float[] {4}, parts[2].toFloatArray());
        Tensor[] chunks = Tensor.arange(0, 6, 1, DType.FLOAT32).chunk(3, 0);
        assertArrayEquals(new float[] {2, 3}, chunks[1].toFloatArray());
    }

    @Test
    void broadcastingAndPromotion() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}).reshape(3, 1);
        Tensor b = Tensor.of(new float[] {10, 20});
        assertArrayEquals(new float[] {11, 21, 12, 22, 13, 23}, a.add(b).toFloatArray());
        assertEquals(DType.FLOAT64, a.add(Tensor.ones(DType.FLOAT64, 1)).dtype());
        assertEquals(DType.FLOAT32, Tensor.arange(3).add(Tensor.ones(3)).dtype());
        assertEquals(DType.INT64, Tensor.arange(3).mul(2).dtype());
        assertEquals(DType.FLOAT32, Tensor.arange(3).mul(0.5).dtype());
        assertArrayEquals(new long[] {0, 2, 4}, Tensor.arange(3).mul(2).toLongArray());
        assertArrayEquals(new boolean[] {false, true, true}, Tensor.vector(1, 2, 3).gt(1.5).toBooleanArray());
    }

    @Test
    void reductionsAndIndices() {
        Tensor x = Tensor.of(new float[] {1, 5, 3, 4, 2, 6}).reshape(2, 3);
        assertEquals(21, x.sum().item(), 1e-6);
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0).toFloatArray());
        assertArrayEquals(new float[] {3, 4}, x.mean(1).toFloatArray());
        ValuesIndices m = x.max(1, false);
        assertArrayEquals(new float[] {5, 6}, m.values().toFloatArray());
        assertArrayEquals(new long[] {1, 2}, m.indices().toLongArray());
        assertArrayEquals(new long[] {1, 0, 1}, x.argmax(0).toLongArray());
        assertEquals(1, x.min().item(), 0);
        assertEquals(Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), x.logsumexp(new int[] {1}, false).toFloatArray()[0], 1e-5);
        assertEquals(3.5, x.var().item(), 1e-5);
        assertArrayEquals(new long[] {3}, Tensor.of(new boolean[] {true, false, true, true}).sum().reshape(1).toLongArray());
        Tensor big = Tensor.of(new float[] {1000, 1000});
        assertEquals(1000 + Math.log(2), big.logsumexp(new int[] {0}, false).item(), 1e-3);
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        Tensor x = Tensor.of(new float[] {1000, 1000 + (float) Math.log(3)});
        assertArrayEquals(new float[] {0.25f, 0.75f}, x.softmax(0).toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {(float) Math.log(0.25), (float) Math.log(0.75)}, x.logSoftmax(0).toFloatArray(), 1e-3f);
        Tensor negInf = Tensor.of(new float[] {0, Float.NEGATIVE_INFINITY});
        assertArrayEquals(new float[] {1, 0}, negInf.softmax(0).toFloatArray());
    }

    @Test
    void gatherScatterOneHot() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3);
        Tensor idx = Tensor.of(new long[] {2, 0}).reshape(2, 1);
        assertArrayEquals(new float[] {3, 4}, x.gather(1, idx).toFloatArray());
        Tensor z = Tensor.zeros(2, 3).scatterAdd(1, idx, Tensor.ones(2, 1));
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, z.toFloatArray());
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, Tensor.of(new long[] {1, 0}).oneHot(3).toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, x.indexSelect(0, Tensor.of(new long[] {1, 0})).toFloatArray());
        assertArrayEquals(new float[] {9, 2, 3}, Tensor.where(Tensor.vector(1, 2, 3).lt(1.5), Tensor.full(9, 3), Tensor.vector(1, 2, 3)).toFloatArray());
    }

    @Test
    void printing() {
        String s = Tensor.of(new float[] {1, 2, 3, 4}).reshape(2, 2).toString();
        assertTrue(s.startsWith("tensor([[1.0000, 2.0000],"), s);
        assertTrue(Tensor.arange(3).toString().contains("dtype=int64"));
        assertTrue(Tensor.zeros(100).toString().contains("..."));
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        Tensor a = Tensor.ones(2, 3), b = Tensor.ones(4);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.add(b)), "add", "[2, 3]", "[4]", "broadcast");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.ones(2, 3))), "matmul", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2)), "reshape", "[2, 3]", "[4, 2]");
        assertMessage(assertThrows(IllegalStateException.class, () -> a.t().view(6)), "view", "reshape()");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> a.sum(2)), "sum", "dimension 2", "rank 2");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> a.narrow(1, 2, 2)), "narrow", "size 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.expand(2, 4)), "expand", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0, a, b)), "cat", "[4]", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2)), "of", "[2, 2]");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> a.gather(1, Tensor.of(new long[] {0, 3}).reshape(2, 1))),
                "gather", "index 3", "size 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.gather(1, Tensor.ones(2, 1))), "gather", "float32");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).log()), "log", "int64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.maskedFill(Tensor.ones(3).gt(0).reshape(3, 1), 0)),
                "masked_fill");
        assertMessage(assertThrows(UnsupportedOperationException.class, () -> a.to(Device.cuda(0))), "GPU unavailable", "cuda:0");
        assertMessage(assertThrows(IllegalStateException.class, () -> a.item()), "item", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {5}).oneHot(0)), "one_hot");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Tensor.of(new long[] {5}).oneHot(3)), "one_hot", "5");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.permute(0, 0)), "permute", "repeats");
    }
}
