package dev.sluice.bench.ladder;

/**
 * The float64 reference every rung is checked against, and the error bound a correct float32 rung stays within.
 *
 * <p>A float32 dot product of length K, summed in any order (with or without fused multiply-adds), differs from the
 * exact value by at most γ_K·Σ_p |A[i][p]·B[p][j]|, where γ_K = K·u / (1 − K·u) and u = 2⁻²⁴ is float32's unit
 * roundoff (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1). The bound is what a wrong rung
 * cannot hide behind: a dropped or repeated term is of the size of one |A·B| term, far above it once K is more than a
 * few.
 */
public final class GemmReference {
    /** float32's unit roundoff, 2⁻²⁴. */
    public static final double UNIT_ROUNDOFF = 0x1p-24;

    private GemmReference() {}

    /** C = A·B in float64 (A is (M,K), B is (K,N), C is (M,N), all row-major), summed p = 0..K-1. */
    public static double[] product(int m, int n, int k, float[] a, float[] b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[i * n + j] = entry(n, k, a, b, i, j);
        }
        return c;
    }

    /** One entry C[i][j] = Σ_p A[i][p]·B[p][j] in float64. */
    public static double entry(int n, int k, float[] a, float[] b, int i, int j) {
        double s = 0;
        for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
        return s;
    }

    /** Σ_p |A[i][p]·B[p][j]|, the scale of the rounding error of entry (i, j). */
    public static double absEntry(int n, int k, float[] a, float[] b, int i, int j) {
        double s = 0;
        for (int p = 0; p < k; p++) s += Math.abs((double) a[i * k + p] * b[p * n + j]);
        return s;
    }

    /**
     * The largest error of {@code c} in units of its bound: max over (i, j) of |C[i][j] − exact| / (γ_K·Σ|A·B| + tiny).
     * At most 1 for any correct float32 summation (the float64 "exact" adds its own error, about 2⁻²⁹ of the float32
     * bound, which the bound's slack absorbs); a wrong rung gives values far above 1.
     */
    public static double errorInBounds(int m, int n, int k, float[] a, float[] b, float[] c) {
        double gamma = k * UNIT_ROUNDOFF / (1 - k * UNIT_ROUNDOFF);
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = entry(n, k, a, b, i, j);
                double bound = gamma * absEntry(n, k, a, b, i, j) + Double.MIN_NORMAL;
                worst = Math.max(worst, Math.abs(c[i * n + j] - exact) / bound);
            }
        }
        return worst;
    }
}
