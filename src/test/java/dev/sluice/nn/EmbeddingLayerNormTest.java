package dev.sluice.nn;

import dev.sluice.nn.functional.F;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddingLayerNormTest {
    @Test
    void embeddingLooksUpRowsAndAccumulatesGradients() {
        Embedding e = new Embedding(5, 3, new Generator(1));
        Tensor idx = Tensor.of(new long[] {4, 0, 4, 2}, 2, 2);
        Tensor out = e.forward(idx);
        assertArrayEquals(new int[] {2, 2, 3}, out.shape());
        assertArrayEquals(e.weight().select(0, 4).toFloatArray(), out.select(0, 0).select(0, 0).toFloatArray());
        out.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}, e.weight().grad().toFloatArray());
        // N(0, 1) init, as PyTorch
        double std = new Embedding(100, 100, new Generator(2)).weight().std().item();
        assertEquals(1.0, std, 0.03);
    }

    @Test
    void layerNormNormalisesTheLastDimension() {
        LayerNorm ln = new LayerNorm(6);
        Tensor x = Tensor.randn(new Generator(3), DType.FLOAT32, 4, 6).mul(3).add(2);
        Tensor y = ln.forward(x);
        float[] mean = y.mean(-1).toFloatArray();
        float[] var = y.var(new int[] {-1}, 0, false).toFloatArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(0, mean[i], 1e-5);
            assertEquals(1, var[i], 1e-3);
        }
        assertEquals(java.util.List.of("weight", "bias"), java.util.List.copyOf(ln.stateDict().keySet()));
        y.square().sum().backward();
        assertNotNull(ln.weight().grad());
        assertNotNull(ln.bias().grad());
    }

    @Test
    void layerNormModuleTakesSeveralTrailingDims() {
        LayerNorm ln = new LayerNorm(new int[] {3, 4});
        // PyTorch's parameter shapes: weight and bias of normalized_shape
        assertArrayEquals(new int[] {3, 4}, ln.weight().shape());
        assertArrayEquals(new int[] {3, 4}, ln.bias().shape());
        assertEquals(java.util.List.of("weight", "bias"), java.util.List.copyOf(ln.stateDict().keySet()));
        assertArrayEquals(new int[] {3, 4}, ln.normalizedShape());
        assertEquals(1e-5, ln.eps());
        Tensor x = Tensor.randn(new Generator(4), DType.FLOAT32, 5, 3, 4);
        assertArrayEquals(F.layerNorm(x, new int[] {3, 4}, ln.weight(), ln.bias(), 1e-5).toFloatArray(), ln.forward(x).toFloatArray());
        ln.forward(x).square().sum().backward();
        assertArrayEquals(new int[] {3, 4}, ln.weight().grad().shape());
        // the one-dimension constructors are unchanged
        assertArrayEquals(new int[] {6}, new LayerNorm(6).weight().shape());
        assertEquals(1e-6, new LayerNorm(6, 1e-6).eps());
        var e = assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.zeros(5, 4, 3)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 4, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new int[] {3, 0}));
        assertThrows(IllegalArgumentException.class, () -> F.layerNorm(x, new int[] {3, 4}, null, null, -1));
    }
}
