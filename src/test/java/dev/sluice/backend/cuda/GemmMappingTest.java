package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The row-major → column-major cuBLAS argument mapping, executed by a plain-Java column-major sgemm with exactly
 * cublasSgemm's semantics and compared with a direct row-major product, for NN, NT, TN and TT operand layouts.
 */
class GemmMappingTest {
    /** Column-major C = alpha·op(A)·op(B) + beta·C over flat arrays, as cublasSgemm_v2 defines it. */
    static void columnMajorSgemm(GemmMapping g, float alpha, float[] a, int aOff, float[] b, int bOff, float beta,
                                 float[] c, int cOff) {
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                double s = 0;
                for (int p = 0; p < g.k(); p++) {
                    float av = g.transA() == GemmMapping.OP_N ? a[aOff + i + p * g.lda()] : a[aOff + p + i * g.lda()];
                    float bv = g.transB() == GemmMapping.OP_N ? b[bOff + p + j * g.ldb()] : b[bOff + j + p * g.ldb()];
                    s += av * bv;
                }
                int ci = cOff + i + j * g.ldc();
                c[ci] = (float) (alpha * s + (beta == 0 ? 0 : beta * c[ci]));
            }
        }
    }

    private static void check(int m, int n, int k, boolean aTransposed, boolean bTransposed, long seed) {
        Random rnd = new Random(seed);
        // A [m, k] stored row-major (rs = k, cs = 1) or as the transpose of a [k, m] row-major array (rs = 1, cs = m)
        float[] aData = new float[m * k + 3], bData = new float[k * n + 5];
        for (int i = 0; i < aData.length; i++) aData[i] = rnd.nextFloat() - 0.5f;
        for (int i = 0; i < bData.length; i++) bData[i] = rnd.nextFloat() - 0.5f;
        int aOff = 3, bOff = 5;
        int aRs = aTransposed ? 1 : k, aCs = aTransposed ? m : 1;
        int bRs = bTransposed ? 1 : n, bCs = bTransposed ? k : 1;
        int cRs = n + 2;                                     // a padded output row
        float[] expected = new float[m * cRs], actual = new float[m * cRs];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += aData[aOff + i * aRs + p * aCs] * bData[bOff + p * bRs + j * bCs];
                expected[i * cRs + j] = (float) s;
            }
        }
        GemmMapping g = GemmMapping.rowMajor(m, n, k, aRs, aCs, bRs, bCs, cRs);
        assertNotNull(g);
        // cuBLAS's first operand is B, its second A
        columnMajorSgemm(g, 1, bData, bOff, aData, aOff, 0, actual, 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(expected[i * cRs + j], actual[i * cRs + j], 1e-5,
                        "m=" + m + " n=" + n + " k=" + k + " aT=" + aTransposed + " bT=" + bTransposed + " at " + i + "," + j);
            }
        }
    }

    @Test
    void allFourLayoutsMatchTheRowMajorProduct() {
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {8, 1, 4}, {1, 9, 6}, {6, 4, 1}, {17, 33, 12}};
        long seed = 0;
        for (int[] s : shapes) {
            for (boolean at : new boolean[] {false, true}) {
                for (boolean bt : new boolean[] {false, true}) check(s[0], s[1], s[2], at, bt, seed++);
            }
        }
    }

    @Test
    void theTextbookMappingForContiguousOperands() {
        // row-major C = A·B is sgemm(N, N, n, m, k, 1, B, n, A, k, 0, C, n)
        assertEquals(new GemmMapping(GemmMapping.OP_N, GemmMapping.OP_N, 30, 20, 10, 30, 10, 30),
                GemmMapping.rowMajor(20, 30, 10, 10, 1, 30, 1, 30));
        // x·Wᵀ with W [out=30, in=10] row-major: B = Wᵀ has strides (1, 10) -> op T with ld 10
        assertEquals(new GemmMapping(GemmMapping.OP_T, GemmMapping.OP_N, 30, 20, 10, 10, 10, 30),
                GemmMapping.rowMajor(20, 30, 10, 10, 1, 1, 10, 30));
    }

    @Test
    void operandsWithoutAUnitStrideNeedACopy() {
        assertNull(GemmMapping.rowMajor(4, 4, 4, 8, 2, 4, 1, 4));   // A's columns every other element
        assertNull(GemmMapping.rowMajor(4, 4, 4, 4, 1, 0, 0, 4));   // B broadcast from a scalar
        assertNull(GemmMapping.rowMajor(4, 4, 4, 2, 1, 4, 1, 4));   // A's rows overlap (row stride 2 < k)
    }
}
