package dev.sluice.nn;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.sluice.testing.OpCheck.op;
import static org.junit.jupiter.api.Assertions.*;

/** Expected values computed by hand (log-sum-exp per row) with the PyTorch definitions. */
class LossesTest {
    private static final Tensor LOGITS = Tensor.matrix(new float[][] {{1, 2, 3}, {0.5f, -1, 2}, {-0.3f, 0.8f, 0.1f}});
    private static final Tensor TARGETS = Tensor.of(new long[] {2, 1, 0}, 3);

    @Test
    void crossEntropyValues() {
        assertEquals(1.784312042602772, Losses.crossEntropy(LOGITS, TARGETS).item(), 1e-6);
        assertEquals(1.7509787092694389, Losses.crossEntropy(LOGITS, TARGETS, -100, 0.1).item(), 1e-6);
        Tensor withIgnored = Tensor.of(new long[] {2, -1, 0}, 3);
        assertEquals(1.1058124155755797, Losses.crossEntropy(LOGITS, withIgnored, -1, 0.2).item(), 1e-6);
        // [B, T, C] gives the same mean as [B·T, C]
        assertEquals(1.784312042602772, Losses.crossEntropy(LOGITS.reshape(1, 3, 3), TARGETS.reshape(1, 3)).item(), 1e-6);
        // all ignored: 0/0, as PyTorch
        assertTrue(Double.isNaN(Losses.crossEntropy(LOGITS, Tensor.of(new long[] {-100, -100, -100}, 3)).item()));
    }

    @Test
    void crossEntropyWithNoCountedTargetIsNanWithAZeroGradient() {
        // PyTorch: the mean over an empty batch is nan (it was 0 here)
        assertTrue(Double.isNaN(Losses.crossEntropy(Tensor.zeros(0, 3), Tensor.of(new long[0], 0)).item()));
        // PyTorch: F.cross_entropy(x, torch.full((3,), -100)) is nan and x.grad after backward is zeros (it was nan here)
        Tensor x = LOGITS.detach().requiresGrad(true);
        Tensor loss = Losses.crossEntropy(x, Tensor.of(new long[] {-100, -100, -100}, 3));
        assertTrue(Double.isNaN(loss.item()));
        loss.backward();
        assertArrayEquals(new float[9], x.grad().toFloatArray(), 0f);
    }

    @Test
    void crossEntropyRejectsBadTargets() {
        assertThrows(IndexOutOfBoundsException.class, () -> Losses.crossEntropy(LOGITS, Tensor.of(new long[] {3, 0, 0}, 3)));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(LOGITS, Tensor.of(new long[] {0, 0}, 2)));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(LOGITS, Tensor.vector(0, 0, 0)));
    }

    @Test
    void bceAndMseValues() {
        Tensor x = Tensor.vector(0.5f, -2, 30, -40), y = Tensor.vector(1, 0, 0.3f, 1);
        assertEquals(15.400251248805793, Losses.binaryCrossEntropyWithLogits(x, y).item(), 1e-4);
        // gradient is (sigmoid(x) - y)/n, exact even at x = 0
        Tensor z = Tensor.vector(0, 0).requiresGrad(true);
        Losses.binaryCrossEntropyWithLogits(z, Tensor.vector(1, 0)).backward();
        assertArrayEquals(new float[] {-0.25f, 0.25f}, z.grad().toFloatArray(), 1e-7f);
        assertEquals(1.75, Losses.mse(Tensor.vector(1, 2, -1), Tensor.vector(0.5f, 3, 1)).item(), 1e-6);
    }

    @Test
    void gradientsCheck() {
        Tensor t = Tensor.of(new long[] {2, 0, 1, 3}, 4);
        op("cross_entropy", in -> Losses.crossEntropy(in[0], in[1])).input(4, 5).constant(t).run();
        Tensor t2 = Tensor.of(new long[] {2, -100, 1, 3, 0, 4}, 2, 3);
        op("cross_entropy_smooth_ignore", in -> Losses.crossEntropy(in[0], in[1], -100, 0.15)).input(2, 3, 5).constant(t2).run();
        op("bce_with_logits", in -> Losses.binaryCrossEntropyWithLogits(in[0], in[1].sigmoid())).input(3, 4).input(3, 4).run();
        op("mse", in -> Losses.mse(in[0], in[1])).input(3, 4).input(3, 4).run();
    }
}
