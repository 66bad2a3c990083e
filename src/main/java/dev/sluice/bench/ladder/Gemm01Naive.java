package dev.sluice.bench.ladder;

/**
 * Rung 1, the definition: C[i][j] = Σ_p A[i][p]·B[p][j], one dot product per entry of C.
 *
 * <p>Slow for a reason that has nothing to do with arithmetic: the innermost loop walks down a column of B, one float
 * from each row, n floats apart. Every step touches a different cache line (and, for large n, a different page), and
 * uses 4 of its 64 bytes. The sum is also one long dependency chain: each add waits for the previous one.
 */
public final class Gemm01Naive implements GemmRung {
    @Override public String name() { return "01 naive"; }
    @Override public String idea() { return "i-j-p triple loop: one dot product per C entry, B read down its columns"; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = sum;
            }
        }
    }
}
