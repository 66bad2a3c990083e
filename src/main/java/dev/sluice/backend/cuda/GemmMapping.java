package dev.sluice.backend.cuda;

/**
 * Row-major products through column-major cuBLAS. A row-major matrix X with row stride rs and unit column stride is,
 * read column-major, Xᵀ with leading dimension rs. So row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ:
 * {@code gemm(opB, opA, n, m, k, B, ldb, A, lda, C, ldc = C's row stride)}, where an operand stored row-major is
 * passed as is (op N) and one stored column-major (a transposed view: unit row stride) with op T.
 *
 * <p>An operand with neither stride 1 (a strided slice, a broadcast matrix) or an overlapping leading dimension has
 * no mapping: the backend copies it to a contiguous buffer first.
 */
/** Fields in cublasSgemm's positions: transA/lda describe its first operand (our B), transB/ldb its second (our A). */
record GemmMapping(int transA, int transB, int m, int n, int k, int lda, int ldb, int ldc) {
    static final int OP_N = 0, OP_T = 1;

    /** One column-major operand: its op and leading dimension, or null when it needs a copy. */
    record Operand(int op, int ld) {}

    /**
     * The column-major view of a row-major [rows, cols] operand with strides (rs, cs), as the first factor of a
     * column-major product that needs it transposed: row-major storage is already the transpose (op N).
     */
    static Operand operand(int rows, int cols, int rs, int cs) {
        if (cols == 1 && rows == 1) return new Operand(OP_N, 1);
        if ((cs == 1 || cols == 1) && rs >= cols) return new Operand(OP_N, rows == 1 ? Math.max(1, cols) : rs);
        if ((rs == 1 || rows == 1) && cs >= rows) return new Operand(OP_T, cols == 1 ? Math.max(1, rows) : cs);
        return null;
    }

    /**
     * cuBLAS arguments for row-major C[m, n] = A[m, k]·B[k, n] (column stride of C is 1, row stride cRs), in the order
     * cublasSgemm takes them: the first operand is B, the second A. Null when A or B needs a contiguous copy.
     */
    static GemmMapping rowMajor(int m, int n, int k, int aRs, int aCs, int bRs, int bCs, int cRs) {
        Operand a = operand(m, k, aRs, aCs), b = operand(k, n, bRs, bCs);
        if (a == null || b == null) return null;
        return new GemmMapping(b.op(), a.op(), n, m, k, b.ld(), a.ld(), m == 1 ? Math.max(1, n) : cRs);
    }
}
