package dev.sluice.bench.ladder;

/**
 * One rung of the GEMM ladder: a complete float32 matrix product, each rung one idea faster than the one before.
 * Every rung computes the same thing, so the benchmark ({@code ./sluice bench ladder}) can time them side by side on
 * the same matrices and the tests can hold every rung to the same float64 reference.
 *
 * <p>The shapes, for every implementation: A is (M,K) row-major, B is (K,N) row-major, C is (M,N) row-major; C is
 * overwritten (never added to). M, N and K may be any positive sizes, including ones that are not multiples of a
 * rung's tile or block.
 */
public interface GemmRung {
    /** Short name with the rung number, e.g. "01 naive". */
    String name();

    /** One line: what this rung adds to the one before it. */
    String idea();

    /** Whether the rung uses more than one thread (as many as {@code Parallel.threads()} allows). */
    default boolean threaded() { return false; }

    /**
     * C = A·B.
     *
     * @param m rows of A and C
     * @param n columns of B and C
     * @param k columns of A, rows of B
     * @param a A, (m,k) row-major: A[i][p] = a[i*k + p]
     * @param b B, (k,n) row-major: B[p][j] = b[p*n + j]
     * @param c C, (m,n) row-major: C[i][j] = c[i*n + j], overwritten
     */
    void gemm(int m, int n, int k, float[] a, float[] b, float[] c);
}
