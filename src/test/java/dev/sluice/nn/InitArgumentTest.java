package dev.sluice.nn;

import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Initialisers refuse ranges and deviations that would fill a weight with NaN or put it outside the asked range. */
class InitArgumentTest {
    private final Generator gen = new Generator(3);

    @Test
    void uniformNeedsAFiniteOrderedRange() {
        // PyTorch uniform_: "uniform_ expects to return a [from, to) range, but found from=1 > to=0", and to - from
        // must be finite
        var e = assertThrows(IllegalArgumentException.class, () -> Init.uniform(Tensor.zeros(3), 1, 0, gen));
        assertTrue(e.getMessage().contains("uniform") && e.getMessage().contains("lo=1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(Tensor.zeros(3), Double.NaN, 1, gen));
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(Tensor.zeros(3), Double.NEGATIVE_INFINITY, 1, gen));
        assertArrayEquals(new float[] {2, 2}, Init.uniform(Tensor.zeros(2), 2, 2, gen).toFloatArray());
    }

    @Test
    void normalNeedsANonNegativeFiniteStd() {
        // PyTorch normal_: "normal expects std >= 0.0, but found std -1"
        var e = assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.zeros(3), -1, gen));
        assertTrue(e.getMessage().contains("normal") && e.getMessage().contains("std=-1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.zeros(3), Double.NaN, gen));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.zeros(3), Double.NaN, 1, gen));
        assertArrayEquals(new float[] {0, 0}, Init.normal(Tensor.zeros(2), 0, gen).toFloatArray());
    }

    @Test
    void kaimingOfAZeroElementTensorIsANoOp() {
        // PyTorch kaiming_uniform_/kaiming_normal_: "Initializing zero-element tensors is a no-op"
        assertEquals(0, Init.kaimingUniform(Tensor.zeros(4, 0), Math.sqrt(5), gen).numel());
        assertEquals(0, Init.kaimingNormal(Tensor.zeros(0, 4), 0, gen).numel());
    }
}
