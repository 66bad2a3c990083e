package dev.sluice.backend;

/** Special functions the JDK lacks, accurate to double precision (they serve as references for fast kernels). */
public final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 1.12837916709551257390;

    private SpecialFunctions() {}

    /**
     * The error function. Uses the series erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are all
     * positive (no cancellation, relative error ~1e-16); beyond |x| = 6 erf is ±1 to double precision.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return Double.NaN;
        double ax = Math.abs(x);
        if (ax >= 6) return Math.copySign(1.0, x);
        double x2 = ax * ax;
        double term = ax, sum = ax;
        for (int n = 1; n < 500; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return Math.copySign(TWO_OVER_SQRT_PI * Math.exp(-x2) * sum, x);
    }
}
