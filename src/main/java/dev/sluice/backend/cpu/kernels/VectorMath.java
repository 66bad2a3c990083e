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
 * the Vector API lacks, is e^(−z²) times a polynomial in t = 1/(1 + z/2) with relative error about 1.4e-7 (see
 * {@link #halfErfcNonNeg}), so GELU keeps float32 relative accuracy even in its far negative tail.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = 0.70710678118654752440f;
    private static final float INV_SQRT_2PI = 0.39894228040143267794f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286535588f;

    private VectorMath() {}

    /**
     * x·Φ(x) (exact GELU), Φ from e^(−x²/2) and a polynomial in t (see {@link #halfErfcNonNeg}). The exp and the
     * divide-then-polynomial are two independent chains the core overlaps; Numerical Recipes' erfcc, used before,
     * put its polynomial inside the exp's argument, one long chain: measured on a Sapphire Rapids core, in cache
     * (16K floats) / 1M / 16M floats, this form runs at 1.24 / 0.98 / 0.75 Gelem/s against 0.77 / 0.78 / 0.49 with
     * 256-bit vectors, 1.36 / 1.15 / 0.90 against 1.03 / 0.97 / 0.73 with 512-bit ones and 0.71 against 0.41 at 1M
     * with 128-bit ones.
     */
    static FloatVector gelu(FloatVector x) {
        return x.mul(normalCdfGivenExp(x, expNoOverflow(x.mul(NEG_HALF).mul(x))));
    }

    /** ½x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (tanh-approximated GELU). */
    static FloatVector geluTanh(FloatVector x) { return x.mul(0.5f).mul(one().add(tanh(geluTanhInner(x)))); }

    /** x·σ(x) = x / (1 + e^−x). */
    static FloatVector silu(FloatVector x) { return x.div(one().add(exp(x.neg()))); }

    /**
     * g·(Φ(x) + x·φ(x)). Φ's tail and φ share the one exp: ½erfc(z) = t·Q(t)·e^(−z²) and φ(x) = e^(−z²)/√(2π) with
     * z² = x²/2 (see {@link #halfErfcNonNeg}).
     */
    static FloatVector geluBackward(FloatVector x, FloatVector g) {
        FloatVector e = expNoOverflow(x.mul(NEG_HALF).mul(x)); // e^(−x²/2)
        FloatVector cdf = normalCdfGivenExp(x, e);
        return g.mul(x.mul(INV_SQRT_2PI).fma(e, cdf));
    }

    /** g·d/dx of {@link #geluTanh}. */
    static FloatVector geluTanhBackward(FloatVector x, FloatVector g) {
        FloatVector t = tanh(geluTanhInner(x));
        FloatVector dInner = x.mul(x).mul(3 * 0.044715f * SQRT_2_OVER_PI).add(SQRT_2_OVER_PI);
        FloatVector left = one().add(t).mul(0.5f);
        FloatVector right = x.mul(0.5f).mul(one().sub(t.mul(t))).mul(dInner);
        return g.mul(left.add(right));
    }

    /** g·σ(x)·(1 + x·(1 − σ(x))). */
    static FloatVector siluBackward(FloatVector x, FloatVector g) {
        FloatVector s = sigmoid(x);
        return g.mul(s.mul(one().add(x.mul(one().sub(s)))));
    }

    /** √(2/π)·(x + 0.044715·x³), the argument of tanh in the GELU approximation. */
    private static FloatVector geluTanhInner(FloatVector x) {
        return x.mul(x).mul(0.044715f).add(1f).mul(x).mul(SQRT_2_OVER_PI);
    }

    /** Logistic function in two branches (as the reference) so exp never overflows: e = exp(−|x|). */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = expNoOverflow(x.abs().neg());
        FloatVector inv = one().div(one().add(e));
        return inv.blend(e.mul(inv), x.compare(VectorOperators.LT, 0f));
    }

    /**
     * Φ(x) given e = e^(−x²/2), through {@link #halfErfcNonNeg}, evaluated so the negative tail keeps its relative
     * accuracy. GELU's backward shares e with φ(x).
     */
    private static FloatVector normalCdfGivenExp(FloatVector x, FloatVector e) {
        FloatVector z = x.mul(-INV_SQRT2);
        FloatVector half = halfErfcNonNeg(z.abs(), e); // = Φ(x) when x ≤ 0, 1 − Φ(x) when x > 0
        return half.blend(ONE.sub(half), z.compare(VectorOperators.LT, ZERO));
    }

    /*
     * Constants are static final vectors, not broadcasts at the point of use: each broadcast inlines a chain of
     * Vector API methods, and in GELU (erfc + exp) those chains pushed C2 past its node-count inlining cutoff, after
     * which the remaining helpers were called and their vectors boxed. A constant vector costs nothing to inline.
     */
    static final FloatVector ZERO = FloatVector.zero(S), ONE = c(1f);
    private static final FloatVector HALF = c(0.5f), TWO = c(2f);


    private static final FloatVector NEG_HALF = c(-0.5f);
    private static final FloatVector Q_0 = c(0.1410427838563919f), Q_1 = c(0.14119507372379303f),
            Q_2 = c(0.12149801105260849f), Q_3 = c(0.10155624151229858f), Q_4 = c(-0.013814976438879967f),
            Q_5 = c(0.1397613286972046f), Q_6 = c(-0.2442350834608078f), Q_7 = c(0.14259375631809235f),
            Q_8 = c(-0.029597165063023567f);

    /**
     * ½·erfc(z) for z ≥ 0, given e = e^(−z²): t·Q(t)·e with t = 1/(1 + z/2) ∈ (0, 1] and Q(t) = ½·erfcx(z)/t, a
     * smooth function of t fitted by a degree-8 polynomial on t ∈ [0.16, 1] (z ≤ 10.5, beyond which e is 0). Relative
     * error of the fit 4.3e−8, 1.35e−7 evaluated in float32 (Numerical Recipes' erfcc, used before, is 1.2e−7). The
     * exp is the caller's, so GELU's backward shares it with φ(x) = e^(−z²)/√(2π) instead of computing two.
     */
    private static FloatVector halfErfcNonNeg(FloatVector z, FloatVector e) {
        FloatVector t = ONE.div(z.fma(HALF, ONE));
        FloatVector q = Q_8.fma(t, Q_7).fma(t, Q_6).fma(t, Q_5).fma(t, Q_4).fma(t, Q_3).fma(t, Q_2).fma(t, Q_1).fma(t, Q_0);
        return t.mul(q).mul(e);
    }

    // exp(x) = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 (ln 2 split in two parts so r is exact)
    private static final float EXP_MAX = 88.7228317f, EXP_MIN = -103.972084f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to the nearest integer (ties to even). */
    private static final float ROUNDER = 12582912f;
    private static final IntVector I_ROUNDER_BITS = IntVector.broadcast(S.withLanes(int.class), Float.floatToRawIntBits(ROUNDER)),
            I_127 = I_ROUNDER_BITS.broadcast(127);
    private static final FloatVector V_EXP_MAX = c(EXP_MAX), V_EXP_MIN = c(EXP_MIN), V_ROUNDER = c(ROUNDER),
            LOG2E = c(1.44269504088896341f), NEG_LN2_HI = c(-0.693359375f), NEG_LN2_LO = c(2.12194440e-4f),
            INF = c(Float.POSITIVE_INFINITY);
    private static final FloatVector EXP_5 = c(1.9875691500e-4f), EXP_4 = c(1.3981999507e-3f),
            EXP_3 = c(8.3334519073e-3f), EXP_2 = c(4.1665795894e-2f), EXP_1 = c(1.6666665459e-1f),
            EXP_0 = c(5.0000001201e-1f);

    /** e^x lanewise (Cephes expf polynomial, ≤ 2 ulp); +∞ above 88.72, 0 below −103.97, NaN for NaN. */
    static FloatVector exp(FloatVector x) {
        // clamp by compare and blend: the Vector API's max/min follow Math.max/min (NaN, −0) and take several
        // instructions each; a NaN x compares false and stays NaN, which the arithmetic below propagates
        FloatVector xc = x.blend(V_EXP_MIN, x.compare(VectorOperators.LT, V_EXP_MIN));
        xc = xc.blend(V_EXP_MAX, xc.compare(VectorOperators.GT, V_EXP_MAX));
        FloatVector t = xc.fma(LOG2E, V_ROUNDER); // n + 1.5·2^23: n sits in the low mantissa bits
        FloatVector n = t.sub(V_ROUNDER);
        // r = x − n·ln 2 in two steps; the first is exact: n is a small integer, LN2_HI has 9 significant bits
        FloatVector r = n.fma(NEG_LN2_LO, n.fma(NEG_LN2_HI, xc));
        FloatVector p = EXP_5.fma(r, EXP_4).fma(r, EXP_3).fma(r, EXP_2).fma(r, EXP_1).fma(r, EXP_0);
        FloatVector er = p.fma(r.mul(r), r).add(ONE);
        // 2^n as two factors 2^(n/2)·2^(n−n/2): each stays a normal float for n in [−150, 128]
        IntVector ni = t.reinterpretAsInts().sub(I_ROUNDER_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        FloatVector s1 = n1.add(I_127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(I_127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = er.mul(s1).mul(s2);
        y = y.blend(INF, x.compare(VectorOperators.GT, V_EXP_MAX));
        y = y.blend(ZERO, x.compare(VectorOperators.LT, V_EXP_MIN));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * {@link #expNoOverflow} clamps its argument here: n = round(−88·log₂e) = −127, whose biased exponent field is 0,
     * so the 2^n factor built from it is +0.0 and the result is exactly 0 without a final compare and blend.
     */
    private static final FloatVector V_ZERO_ARG = c(-88f);
    /** {@link #ROUNDER} + 127: the rounded sum then carries the biased exponent n + 127 in its low mantissa bits. */
    private static final float BIASED_ROUNDER = ROUNDER + 127f;
    private static final FloatVector V_BIASED_ROUNDER = c(BIASED_ROUNDER);

    /**
     * e^x for arguments that cannot overflow (x ≤ 88, as in softmax, sigmoid and the GELU tails, where they are
     * ≤ 0): {@link #exp} without the overflow test and with a single 2^n factor, 15 vector operations. Results that
     * are not normal floats (x < −87.34) come out subnormal, and 0 below −87.68 (the true values are under 1.2e−38);
     * −∞ gives 0, NaN propagates through the arithmetic.
     */
    static FloatVector expNoOverflow(FloatVector x) {
        // clamp by compare and blend as in exp (NaN compares false and stays NaN); −88 makes 2^n exactly +0.0
        FloatVector xc = x.blend(V_ZERO_ARG, x.compare(VectorOperators.LT, V_ZERO_ARG));
        FloatVector t = xc.fma(LOG2E, V_BIASED_ROUNDER); // float bits 0x4B400000 + (n + 127)
        FloatVector n = t.sub(V_BIASED_ROUNDER);
        FloatVector r = n.fma(NEG_LN2_LO, n.fma(NEG_LN2_HI, xc));
        FloatVector p = EXP_5.fma(r, EXP_4).fma(r, EXP_3).fma(r, EXP_2).fma(r, EXP_1).fma(r, EXP_0);
        FloatVector q = p.fma(r.mul(r), r); // e^r − 1
        // 2^n: shifting the bits of t left by 23 drops 0x4B400000 (its set bits all move past bit 31) and leaves
        // (n + 127) << 23, the float 2^n, or +0.0 for n = −127
        FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return q.fma(scale, scale); // (1 + q)·2^n in one rounding
    }

    private static final FloatVector TANH_4 = c(-5.70498872745e-3f), TANH_3 = c(2.06390887954e-2f),
            TANH_2 = c(-5.37397155531e-2f), TANH_1 = c(1.33314422036e-1f), TANH_0 = c(-3.33332819422e-1f),
            TANH_SMALL = c(0.625f);

    /**
     * tanh(x) lanewise (Cephes tanhf): an odd polynomial for |x| < 0.625, where 1 − 2/(e^{2|x|}+1) would cancel, and
     * that formula with the sign restored elsewhere.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = TANH_4.fma(z, TANH_3).fma(z, TANH_2).fma(z, TANH_1).fma(z, TANH_0).mul(z).fma(x, x);
        FloatVector large = ONE.sub(TWO.div(exp(ax.add(ax)).add(ONE)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, ZERO));
        return large.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** sign(x) as Math.signum: ±1, 0 for ±0, NaN for NaN. */
    static FloatVector signum(FloatVector x) {
        FloatVector s = zero().blend(one(), x.compare(VectorOperators.GT, 0f))
                .blend(one().neg(), x.compare(VectorOperators.LT, 0f));
        VectorMask<Float> nan = x.test(VectorOperators.IS_NAN);
        return s.blend(x, nan);
    }

    private static FloatVector c(float v) { return FloatVector.broadcast(S, v); }

    private static FloatVector zero() { return ZERO; }

    private static FloatVector one() { return ONE; }
}
