package dev.sluice.ops;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gradients at the points where the textbook formula is 0·∞ or undefined: each must be what PyTorch gives there
 * (a finite limit or subgradient where PyTorch has one, ±∞ where PyTorch has that), never a NaN PyTorch lacks.
 */
class EdgeGradientTest {
    private static Tensor leaf(double... v) { return Tensor.of(v, v.length).requiresGrad(true); }

    @Test
    void powWithAZeroScalarExponentHasAZeroGradientEverywhere() {
        // PyTorch pow_backward: `if (exponent.equal(0.0)) return at::zeros_like(self);` so d(x^0)/dx = 0 also at x = 0
        Tensor x = leaf(0, 2, -3);
        x.pow(0.0).sum().backward();
        assertArrayEquals(new double[] {0, 0, 0}, x.grad().toDoubleArray());
        Tensor y = Tensor.of(new float[] {0, 1}, 2).requiresGrad(true);
        y.pow(0.0).sum().backward();
        assertArrayEquals(new float[] {0, 0}, y.grad().toFloatArray());
    }

    @Test
    void powWithATensorExponentAtAZeroBase() {
        // PyTorch pow_backward_self: where(exponent == 0, 0, grad * exponent * self^(exponent - 1))
        // PyTorch pow_backward_exponent: grad * where((exponent >= 0) & (self == 0), 0, result * self.log())
        Tensor a = leaf(0, 0, 0, 2);
        Tensor b = leaf(0, 2, -1, 3);
        a.pow(b).sum().backward();
        // d/da: 0 (b = 0), 2·0^1 = 0, -1·0^-2 = -inf, 3·2^2 = 12
        assertArrayEquals(new double[] {0, 0, Double.NEGATIVE_INFINITY, 12}, a.grad().toDoubleArray(), 1e-12);
        // d/db: 0 (a = 0, b >= 0), 0, inf·log 0 = -inf (b < 0 keeps the formula), 8·ln 2
        double[] db = b.grad().toDoubleArray();
        assertEquals(0, db[0]);
        assertEquals(0, db[1]);
        assertEquals(Double.NEGATIVE_INFINITY, db[2]);
        assertEquals(8 * Math.log(2), db[3], 1e-12);
    }

    @Test
    void powWithABroadcastExponentSumsItsGradient() {
        Tensor a = leaf(0, 1, 2);
        Tensor b = Tensor.of(new double[] {2}, 1).requiresGrad(true);
        a.pow(b).sum().backward();
        assertArrayEquals(new double[] {0, 2, 4}, a.grad().toDoubleArray(), 1e-12);
        assertEquals(4 * Math.log(2), b.grad().item(), 1e-12); // the zero base adds 0, not NaN
        assertEquals(DType.FLOAT64, b.grad().dtype());
    }
}
