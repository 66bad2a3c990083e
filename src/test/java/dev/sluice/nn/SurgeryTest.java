package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SurgeryTest {
    private final Tensor x = Tensor.randn(new Generator(8), DType.FLOAT32, 5, 6);

    @Test
    void expandKeepsExistingWeightsAndAblatingTheNewUnitsRestoresTheFunction() {
        MLP mlp = new MLP(new int[] {6, 8, 8, 3}, Activation.RELU, new Generator(1));
        float[] before = mlp.forward(x).toFloatArray();
        float[] w0 = mlp.layer(0).weight().toFloatArray();
        mlp.expandHidden(0, 4, new Generator(2));
        assertEquals(12, mlp.hiddenWidth(0));
        assertArrayEquals(new int[] {12, 6}, mlp.layer(0).weight().shape());
        assertArrayEquals(new int[] {8, 12}, mlp.layer(1).weight().shape());
        assertArrayEquals(w0, mlp.layer(0).weight().narrow(0, 0, 8).contiguous().toFloatArray());
        assertTrue(mlp.layer(0).weight().narrow(0, 8, 4).abs().sum().item() > 0, "new rows are freshly initialised");
        assertNotEquals(before[0], mlp.forward(x).toFloatArray()[0], "the new units change the function until ablated");
        mlp.ablateHidden(0, 8, 12);
        assertArrayEquals(before, mlp.forward(x).toFloatArray(), 1e-6f);
        mlp.keepHidden(0, 8);
        assertArrayEquals(new int[] {8, 6}, mlp.layer(0).weight().shape());
        assertArrayEquals(before, mlp.forward(x).toFloatArray(), 1e-6f);
        assertTrue(mlp.stateDict().containsKey("fc0.weight") && mlp.layer(0).weight().requiresGrad());
        assertThrows(IndexOutOfBoundsException.class, () -> mlp.expandHidden(2, 1, new Generator(1)));
    }

    @Test
    void deepCopyIsIndependentAndEqual() {
        GPT gpt = new GPT(new GPT.Config(16, 8, 16, 2, 2, 0.1), new Generator(3));
        GPT copy = gpt.deepCopy();
        Tensor tokens = Tensor.of(new int[] {1, 2, 3, 4}, 1, 4);
        gpt.eval();
        assertTrue(gpt.isTraining() == false && copy.isTraining(), "train/eval state is per copy");
        copy.eval();
        assertArrayEquals(gpt.forward(tokens).toFloatArray(), copy.forward(tokens).toFloatArray());
        assertEquals(gpt.stateDict().keySet(), copy.stateDict().keySet());
        assertNotSame(gpt.block(0).mlp(), copy.block(0).mlp());
        assertNotSame(gpt.stateDict().get("head.weight"), copy.stateDict().get("head.weight"));
        assertTrue(copy.parameters().get(0).requiresGrad());
        try (var ignored = GradMode.noGrad()) {
            copy.block(0).mlp().layer(0).weight().fill_(0);
        }
        assertNotEquals(0.0, gpt.block(0).mlp().layer(0).weight().abs().sum().item(), "original untouched");
        assertEquals(0.0, copy.block(0).mlp().layer(0).weight().abs().sum().item());
        // surgery on the copy's fields reaches the copy's own children map
        copy.block(0).mlp().expandHidden(0, 2, new Generator(4));
        assertArrayEquals(new int[] {66, 16}, copy.stateDict().get("blocks.0.mlp.fc0.weight").shape());
        assertArrayEquals(new int[] {64, 16}, gpt.stateDict().get("blocks.0.mlp.fc0.weight").shape());
    }

    @Test
    void stateDictCopyRestoresBestWeights() {
        MLP mlp = new MLP(new int[] {6, 4, 2}, Activation.TANH, new Generator(1));
        Map<String, Tensor> best = mlp.stateDictCopy();
        float[] before = mlp.forward(x).toFloatArray();
        try (var ignored = GradMode.noGrad()) {
            for (Tensor p : mlp.parameters()) p.fill_(0.5);
        }
        mlp.loadStateDict(best);
        assertArrayEquals(before, mlp.forward(x).toFloatArray());
    }
}
