package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LinearTest {
    @Test
    void forwardMatchesHandComputation() {
        Linear l = new Linear(3, 2, true, new Generator(0));
        try (var ignored = GradMode.noGrad()) {
            l.weight().copy_(Tensor.matrix(new float[][] {{1, 2, 3}, {-1, 0, 0.5f}}));
            l.bias().copy_(Tensor.vector(0.5f, -2));
        }
        Tensor x = Tensor.matrix(new float[][] {{1, 1, 1}, {2, 0, -2}});
        // row 0: [1+2+3+0.5, -1+0+0.5-2] ; row 1: [2-6+0.5, -2-1-2]
        assertArrayEquals(new float[] {6.5f, -2.5f, -3.5f, -5f}, l.forward(x).toFloatArray(), 1e-6f);
        // batched [B, T, in] input
        assertArrayEquals(new int[] {4, 5, 2}, l.forward(Tensor.zeros(4, 5, 3)).shape());
    }

    /** The fused layer (what MLP uses for ReLU) gives the bits of forward(x).relu(), values and all gradients. */
    @Test
    void forwardReluIsBitIdenticalToForwardThenRelu() {
        for (int[] shape : new int[][] {{1, 1, 1}, {37, 19, 23}, {128, 300, 97}, {3, 5, 784, 61}}) {
            int in = shape[shape.length - 2], out = shape[shape.length - 1];
            int[] xShape = java.util.Arrays.copyOf(shape, shape.length - 1);
            float[][] results = new float[2][];
            float[][][] grads = new float[2][][];
            for (int fused = 0; fused < 2; fused++) {
                Generator gen = new Generator(11);
                Linear l = new Linear(in, out, true, gen);
                Tensor x = Tensor.randn(gen, DType.FLOAT32, xShape).requiresGrad(true);
                Tensor y = fused == 1 ? l.forwardRelu(x) : l.forward(x).relu();
                y.square().sum().backward();
                results[fused] = y.toFloatArray();
                grads[fused] = new float[][] {x.grad().toFloatArray(), l.weight().grad().toFloatArray(), l.bias().grad().toFloatArray()};
            }
            String what = "shape " + java.util.Arrays.toString(shape);
            assertArrayEquals(results[0], results[1], what);
            for (int i = 0; i < 3; i++) assertArrayEquals(grads[0][i], grads[1][i], what + " gradient " + i);
        }
    }

    @Test
    void noBiasAndShapes() {
        Linear l = new Linear(4, 3, false, new Generator(0));
        assertNull(l.bias());
        assertArrayEquals(new int[] {3, 4}, l.weight().shape());
        assertEquals(1, l.parameters().size());
    }

    @Test
    void pytorchDefaultInitBounds() {
        Linear l = new Linear(25, 400, true, new Generator(3));
        double bound = 1 / Math.sqrt(25);
        for (Tensor t : new Tensor[] {l.weight(), l.bias()}) {
            double max = t.abs().max().item();
            assertTrue(max <= bound && max > 0.9 * bound, "max " + max + " bound " + bound);
        }
        // same seed, same weights
        assertArrayEquals(l.weight().toFloatArray(), new Linear(25, 400, true, new Generator(3)).weight().toFloatArray());
    }

    @Test
    void initStatistics() {
        Generator g = new Generator(8);
        Tensor w = Tensor.zeros(DType.FLOAT64, 200, 100);
        assertEquals(Math.sqrt(2.0 / 100), Init.kaimingNormal(w, 0, g).std().item(), 0.01);
        assertEquals(Math.sqrt(2.0 / 300), Init.xavierNormal(w, 1, g).std().item(), 0.005);
        assertEquals(Math.sqrt(6.0 / 300), Init.xavierUniform(w, 1, g).abs().max().item(), 0.005);
        assertEquals(Math.sqrt(2) * Math.sqrt(3.0 / 100), Init.kaimingUniform(w, 0, g).abs().max().item(), 0.005);
        assertEquals(0.02, Init.normal(w, 0.02, g).std().item(), 0.001);
        assertEquals(0, Init.zeros(w).abs().max().item());
        assertEquals(20000, Init.ones(w).sum().item());
    }
}
