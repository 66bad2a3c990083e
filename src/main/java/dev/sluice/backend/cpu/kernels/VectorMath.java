package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lanewise float32 versions of the {@link UnaryOp} formulas and their derivatives. The reference formulas live in
 * {@code UnaryOp}; these are the same expressions written with Vector API operations.
 *
 * <p>exp and tanh are written here as polynomials (Cephes' single-precision ones, ~1–2 ulp) from adds, multiplies,
 * fmas and bit operations only, instead of the JDK's {@code VectorOperators.EXP/TANH}. Those are "may vary" operations:
 * compiled code calls an intrinsic while interpreted code calls {@code Math.exp} lane by lane, so one kernel gave
 * different bits before and after JIT compilation and seeded runs were not bit-identical. IEEE adds, multiplies, fmas
 * and divides give the same bits in every execution mode. (log, used rarely, goes to the scalar kernel.) erfc, which
 * the Vector API lacks, uses a Chebyshev fit with relative error below 1.2e-7, so GELU keeps full float32 relative
 * accuracy even in its far negative tail.
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
            case EXP -> exp(x);
            case LOG -> throw new IllegalArgumentException("log has no vector form here: callers use the scalar kernel");
            case SQRT -> x.sqrt();
            case RSQRT -> one().div(x.sqrt());
            case ABS -> x.abs();
            // blend, not max: relu(NaN) is 0 in the reference (NaN > 0 is false)
            case RELU -> zero().blend(x, x.compare(VectorOperators.GT, 0f));
            case GELU -> x.mul(normalCdf(x));
            case GELU_TANH -> x.mul(0.5f).mul(one().add(tanh(geluTanhInner(x))));
            case SILU -> x.div(one().add(exp(x.neg())));
            case SIGMOID -> sigmoid(x);
            case TANH -> tanh(x);
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
                FloatVector pdf = exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
                yield g.mul(normalCdf(x).add(x.mul(pdf)));
            }
            case GELU_TANH -> {
                FloatVector t = tanh(geluTanhInner(x));
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
        FloatVector e = exp(x.abs().neg());
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
        return t.mul(exp(z.mul(z).neg().add(poly)));
    }

    // exp(x) = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 (ln 2 split in two parts so r is exact)
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float EXP_MAX = 88.7228317f, EXP_MIN = -103.972084f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to the nearest integer (ties to even). */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    /** e^x lanewise (Cephes expf polynomial, ≤ 2 ulp); +∞ above 88.72, 0 below −103.97, NaN for NaN. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.mul(LOG2E).add(ROUNDER); // n + 1.5·2^23: n sits in the low mantissa bits
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = xc.sub(n.mul(LN2_HI)); // exact: n is a small integer, LN2_HI has 9 significant bits
        r = r.sub(n.mul(LN2_LO));
        FloatVector p = c(1.9875691500e-4f)
                .fma(r, c(1.3981999507e-3f)).fma(r, c(8.3334519073e-3f)).fma(r, c(4.1665795894e-2f))
                .fma(r, c(1.6666665459e-1f)).fma(r, c(5.0000001201e-1f));
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n as two factors 2^(n/2)·2^(n−n/2): each stays a normal float for n in [−150, 128]
        IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = er.mul(s1).mul(s2);
        y = y.blend(FloatVector.broadcast(S, Float.POSITIVE_INFINITY), x.compare(VectorOperators.GT, EXP_MAX));
        y = y.blend(zero(), x.compare(VectorOperators.LT, EXP_MIN));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * tanh(x) lanewise (Cephes tanhf): an odd polynomial for |x| < 0.625, where 1 − 2/(e^{2|x|}+1) would cancel, and
     * that formula with the sign restored elsewhere.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = FloatVector.broadcast(S, -5.70498872745e-3f)
                .fma(z, c(2.06390887954e-2f)).fma(z, c(-5.37397155531e-2f)).fma(z, c(1.33314422036e-1f))
                .fma(z, c(-3.33332819422e-1f)).mul(z).fma(x, x);
        FloatVector large = one().sub(FloatVector.broadcast(S, 2f).div(exp(ax.add(ax)).add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, ax.compare(VectorOperators.LT, 0.625f));
    }

    /** sign(x) as Math.signum: ±1, 0 for ±0, NaN for NaN. */
    private static FloatVector signum(FloatVector x) {
        FloatVector s = zero().blend(one(), x.compare(VectorOperators.GT, 0f))
                .blend(one().neg(), x.compare(VectorOperators.LT, 0f));
        VectorMask<Float> nan = x.test(VectorOperators.IS_NAN);
        return s.blend(x, nan);
    }

    private static FloatVector c(float v) { return FloatVector.broadcast(S, v); }

    private static FloatVector zero() { return FloatVector.zero(S); }

    private static FloatVector one() { return FloatVector.broadcast(S, 1f); }
}
