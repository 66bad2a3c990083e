package dev.sluice.ops;

import dev.sluice.nn.Dropout;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Scalar arguments of ops: promoted as PyTorch promotes them, or refused when meaningless, never truncated silently. */
class ScalarArgumentTest {
    private static void assertMessage(Throwable t, String... parts) {
        for (String p : parts) assertTrue(t.getMessage().contains(p), "message should contain '" + p + "': " + t.getMessage());
    }

    @Test
    void integerPowersOfIntegerTensors() {
        // PyTorch: torch.arange(3).pow(0.5) is float [0, 1, 1.4142] (the exponent is a Python float)...
        Tensor r = Tensor.arange(3).pow(0.5);
        assertEquals(DType.FLOAT32, r.dtype());
        assertArrayEquals(new float[] {0, 1, (float) Math.sqrt(2)}, r.toFloatArray(), 1e-6f);
        // ...an integer power stays integer...
        assertArrayEquals(new long[] {0, 1, 8}, Tensor.arange(3).pow(3).toLongArray());
        assertArrayEquals(new long[] {1, 1, 1}, Tensor.arange(3).pow(0).toLongArray());
        // ...and pow_tensor_scalar refuses "Integers to negative integer powers are not allowed."
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).pow(-1));
        assertMessage(e, "pow", "Integers to negative integer powers are not allowed", "int64", "[3]");
    }

    @Test
    void clampOfAnIntegerTensorWithFractionalBoundsIsFloat() {
        // PyTorch clamp (TORCH_META_FUNC(clamp), "manual type promotion, since scalars have to participate in it"):
        // torch.arange(5).clamp(0.5, 3.5) is float [0.5, 1, 2, 3, 3.5], not int [0, 1, 2, 3, 3]
        Tensor r = Tensor.arange(5).clamp(0.5, 3.5);
        assertEquals(DType.FLOAT32, r.dtype());
        assertArrayEquals(new float[] {0.5f, 1, 2, 3, 3.5f}, r.toFloatArray());
        assertArrayEquals(new long[] {1, 1, 2, 3, 3}, Tensor.arange(5).clamp(1, 3).toLongArray());
        assertArrayEquals(new float[] {0, 1, 1.5f}, Tensor.arange(3).clamp(Double.NaN, 1.5).toFloatArray());
    }

    @Test
    void arangeRefusesNonFiniteRanges() {
        // PyTorch: torch.arange(0, float('nan')) raises "unsupported range: 0 -> nan" (here it was an empty tensor)
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, Double.NaN, 1, DType.FLOAT32));
        assertMessage(e, "arange", "unsupported range", "NaN");
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(Double.NEGATIVE_INFINITY, 3, 1, DType.FLOAT32));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 3, Double.POSITIVE_INFINITY, DType.FLOAT32));
    }

    @Test
    void dropoutRefusesANaNProbability() {
        // PyTorch: "dropout probability has to be between 0 and 1, but got {p}"; NaN is not between them (it made every
        // output NaN while training, and passed silently in eval mode)
        Generator gen = new Generator(1);
        var e = assertThrows(IllegalArgumentException.class, () -> NeuralOps.dropout(Tensor.ones(3), Double.NaN, true, gen));
        assertMessage(e, "dropout", "NaN");
        assertThrows(IllegalArgumentException.class, () -> NeuralOps.dropout(Tensor.ones(3), Double.NaN, false, gen));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, gen));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, gen));
    }
}
