package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lanewise float32 versions of the {@link UnaryOp} formulas and their derivatives. The reference formulas live in
 * {@code UnaryOp}; these are the same expressions written with Vector API operations (the JDK's vector EXP/TANH/LOG
 * are accurate to about 1 ulp). The one function the Vector API lacks, erfc, uses a Chebyshev fit with relative
 * error below 1.2e-7 everywhere, so GELU keeps full float32 relative accuracy even in its far negative tail.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = 0.70710678118654752440f;
    private static final float INV_SQRT_2PI = 0.39894228040143267794f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535588f;

    private VectorMath() {}

    /** op(x) lanewise; mirrors {@link UnaryOp#apply(double)}. */
    static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> x.lanewise(VectorOperators.EXP);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.sqrt();
            case RSQRT -> one().div(x.sqrt());
            case ABS -> x.abs();
            // blend, not max: relu(NaN) is 0 in the reference (NaN > 0 is false)
            case RELU -> zero().blend(x, x.compare(VectorOperators.GT, 0f));
            case GELU -> x.mul(normalCdf(x));
            case GELU_TANH -> x.mul(0.5f).mul(one().add(geluTanhInner(x).lanewise(VectorOperators.TANH)));
            case SILU -> x.div(one().add(x.neg().lanewise(VectorOperators.EXP)));
            case SIGMOID -> sigmoid(x);
            case TANH -> x.lanewise(VectorOperators.TANH);
            case SQUARE -> x.mul(x);
            case RECIPROCAL -> one().div(x);
        };
    }

    /** g·op'(x) lanewise, given the input x and output y; mirrors {@link UnaryOp#derivative(double, double)}. */
    static FloatVector backward(UnaryOp op, FloatVector x, FloatVector y, FloatVector g) {
        return switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(x);
            case SQRT -> g.mul(0.5f).div(y);
            case RSQRT -> g.mul(y.mul(y).mul(y).mul(-0.5f));
            case ABS -> g.mul(signum(x));
            case RELU -> g.mul(zero().blend(one(), x.compare(VectorOperators.GT, 0f)));
            case GELU -> {
                FloatVector pdf = x.mul(x).mul(-0.5f).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
                yield g.mul(normalCdf(x).add(x.mul(pdf)));
            }
            case GELU_TANH -> {
                FloatVector t = geluTanhInner(x).lanewise(VectorOperators.TANH);
                FloatVector dInner = x.mul(x).mul(3 * 0.044715f * SQRT_2_OVER_PI).add(SQRT_2_OVER_PI);
                FloatVector left = one().add(t).mul(0.5f);
                FloatVector right = x.mul(0.5f).mul(one().sub(t.mul(t))).mul(dInner);
                yield g.mul(left.add(right));
            }
            case SILU -> {
                FloatVector s = sigmoid(x);
                yield g.mul(s.mul(one().add(x.mul(one().sub(s)))));
            }
            case SIGMOID -> g.mul(y.mul(one().sub(y)));
            case TANH -> g.mul(one().sub(y.mul(y)));
            case SQUARE -> g.mul(x.mul(2f));
            case RECIPROCAL -> g.mul(y.mul(y).neg());
        };
    }

    /** √(2/π)·(x + 0.044715·x³), the argument of tanh in the GELU approximation. */
    private static FloatVector geluTanhInner(FloatVector x) {
        return x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
    }

    /** Logistic function in two branches (as the reference) so exp never overflows: e = exp(−|x|). */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector inv = one().div(one().add(e));
        return inv.blend(e.mul(inv), x.compare(VectorOperators.LT, 0f));
    }

    /** Φ(x) = ½·erfc(−x/√2), evaluated so the negative tail keeps its relative accuracy. */
    static FloatVector normalCdf(FloatVector x) {
        FloatVector z = x.mul(-INV_SQRT2);
        FloatVector half = erfcNonNeg(z.abs()).mul(0.5f); // = Φ(x) when x ≤ 0, 1 − Φ(x) when x > 0
        return half.blend(one().sub(half), z.compare(VectorOperators.LT, 0f));
    }

    /** erfc(z) for z ≥ 0 (Numerical Recipes' erfcc Chebyshev fit, fractional error < 1.2e-7). */
    private static FloatVector erfcNonNeg(FloatVector z) {
        FloatVector t = one().div(z.mul(0.5f).add(1f));
        FloatVector poly = t.mul(0.17087277f).add(-0.82215223f)
                .mul(t).add(1.48851587f)
                .mul(t).add(-1.13520398f)
                .mul(t).add(0.27886807f)
                .mul(t).add(-0.18628806f)
                .mul(t).add(0.09678418f)
                .mul(t).add(0.37409196f)
                .mul(t).add(1.00002368f)
                .mul(t).add(-1.26551223f);
        return t.mul(z.mul(z).neg().add(poly).lanewise(VectorOperators.EXP));
    }

    /** sign(x) as Math.signum: ±1, 0 for ±0, NaN for NaN. */
    private static FloatVector signum(FloatVector x) {
        FloatVector s = zero().blend(one(), x.compare(VectorOperators.GT, 0f))
                .blend(one().neg(), x.compare(VectorOperators.LT, 0f));
        VectorMask<Float> nan = x.test(VectorOperators.IS_NAN);
        return s.blend(x, nan);
    }

    private static FloatVector zero() { return FloatVector.zero(S); }

    private static FloatVector one() { return FloatVector.broadcast(S, 1f); }
}
