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
    @Test
    void maximumAndMinimumPassTheGradientToBothSidesOfANaN() {
        // PyTorch maximum: self: where(self == other, grad / 2, grad).masked_fill_(self < other, 0), other: the same
        // with self > other; a NaN compares false both ways, so both inputs get the full gradient (here a got 0)
        Tensor a = leaf(Double.NaN, 1, 2, 3), b = leaf(0, Double.NaN, 2, 5);
        a.maximum(b).sum().backward();
        assertArrayEquals(new double[] {1, 1, 0.5, 0}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 0.5, 1}, b.grad().toDoubleArray());
        Tensor c = leaf(Double.NaN, 1, 2, 3), d = leaf(0, Double.NaN, 2, 5);
        c.minimum(d).sum().backward();
        assertArrayEquals(new double[] {1, 1, 0.5, 1}, c.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 0.5, 0}, d.grad().toDoubleArray());
    }

    @Test
    void clampPassesTheGradientOnTheBoundsAndNotAtNaN() {
        // PyTorch clamp_backward: grad * ((self >= min) & (self <= max)): 1 on the bounds themselves; NaN fails both
        Tensor x = leaf(-1, -0.5, 0, 0.7, 1, Double.NaN);
        Tensor y = x.clamp(-0.5, 0.7);
        assertTrue(Double.isNaN(y.toDoubleArray()[5]), "clamp(NaN) is NaN, as PyTorch");
        y.sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 1, 0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void gradientsThatAreInfiniteInPyTorchStayInfinite() {
        // match PyTorch, not something "nicer": d sqrt(x)/dx at 0 is grad / (2 * sqrt(0)) = inf; d|x|/dx at 0 is
        // grad * sgn(0) = 0; d relu/dx at 0 is 0
        Tensor x = leaf(0, 0, 0);
        x.sqrt().sum().backward();
        assertEquals(Double.POSITIVE_INFINITY, x.grad().toDoubleArray()[0]);
        Tensor z = leaf(0, -0.0);
        z.abs().add(z.relu()).sum().backward();
        assertArrayEquals(new double[] {0, 0}, z.grad().toDoubleArray());
    }
}
