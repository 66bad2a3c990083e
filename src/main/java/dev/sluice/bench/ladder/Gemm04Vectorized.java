package dev.sluice.bench.ladder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Rung 4, explicit vectors: rung 3's blocked loops, with the innermost loop written in the Vector API. One
 * {@code fma} does a whole vector (8 floats at 256 bits, 16 at 512) of {@code c[j] += aip * b[j]} in one instruction,
 * rounding once instead of twice.
 *
 * <p>C2 did not vectorise rungs 2 and 3 by itself (it cannot rule out that c and b are the same array), so this is
 * where the vector units first come into play. The loop is still bound by loading and storing C for every vector of
 * multiply-adds (two loads and a store per FMA, where a core can do two FMAs per cycle). The species is a
 * {@code static final} constant on purpose: C2 only turns Vector API calls into instructions when it can
 * constant-fold the species; passed as a parameter, the same loop ran 3–30× slower (the design notes).
 */
public final class Gemm04Vectorized implements GemmRung {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    @Override public String name() { return "04 vectorised"; }
    @Override public String idea() { return "rung 3 with an explicit FloatVector fma in the innermost loop"; }

    // A is (M,K) row-major, B is (K,N), C is (M,N)
    @Override
    public void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0f);
        for (int jc = 0; jc < n; jc += Gemm03Blocked.NC) {
            int jEnd = Math.min(jc + Gemm03Blocked.NC, n);
            for (int pc = 0; pc < k; pc += Gemm03Blocked.KC) {
                int pEnd = Math.min(pc + Gemm03Blocked.KC, k);
                update(n, k, a, b, c, 0, m, pc, pEnd, jc, jEnd);
            }
        }
    }

    /**
     * C[i0:i1, j0:j1] += A[i0:i1, p0:p1] · B[p0:p1, j0:j1], i-p-j with one vector fma per V columns (A is (M,K), B is
     * (K,N), C is (M,N), all row-major). Later rungs use it for the edges their tiles do not cover.
     */
    static void update(int n, int k, float[] a, float[] b, float[] c, int i0, int i1, int p0, int p1, int j0, int j1) {
        for (int i = i0; i < i1; i++) {
            for (int p = p0; p < p1; p++) {
                float aip = a[i * k + p];
                FloatVector x = FloatVector.broadcast(S, aip);
                int j = j0;
                for (; j + V <= j1; j += V) {
                    FloatVector cv = FloatVector.fromArray(S, c, i * n + j);
                    x.fma(FloatVector.fromArray(S, b, p * n + j), cv).intoArray(c, i * n + j);
                }
                for (; j < j1; j++) c[i * n + j] = Math.fma(aip, b[p * n + j], c[i * n + j]);
            }
        }
    }
}
