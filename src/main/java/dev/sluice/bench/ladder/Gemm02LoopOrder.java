package dev.sluice.bench.ladder;

import java.util.Arrays;

/**
 * Rung 2, the loop order i-p-j: the same multiply-adds as rung 1, reordered so that the innermost loop runs along a
 * row of B and a row of C. Both are contiguous, so every cache line is used whole and the hardware prefetcher sees a
 * plain stream; and the iterations of the j loop no longer depend on each other (rung 1's sum was one chain of adds).
 *
 * <p>It is still scalar: C2 (JDK 25) does not auto-vectorise {@code c[i*n+j] += aip * b[p*n+j]}, because c and b are
 * both float[] and it cannot prove they are different arrays (read off the code C2 emits: an unrolled loop of scalar
 * {@code vmulss}/{@code vaddss}). And for every row i of C, all of B (K·N floats) streams through the caches once
 * more; for a large B that traffic comes from L3 or memory. Each entry of C is still summed p = 0..K-1 in order.
 */
public final class Gemm02LoopOrder implements GemmRung {
    @Override public String name() { return "02 loop order"; }
    @Override public String idea() { return "i-p-j: innermost loop along rows of B and C (contiguous)"; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aip * b[p * n + j];
                }
            }
        }
    }
}
