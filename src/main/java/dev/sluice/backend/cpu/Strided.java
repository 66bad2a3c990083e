package dev.sluice.backend.cpu;

import dev.sluice.backend.View;

/**
 * Iteration over several same-shaped strided operands, one "row" (innermost run) at a time. Dimensions of size 1 are
 * dropped and neighbouring dimensions that are contiguous for every operand are merged first, so a contiguous tensor
 * becomes a single row and kernels see long runs with fixed strides.
 */
final class Strided {
    /** Receives the start offset of each operand and the run length; operand k steps by {@link #innerStride(int)}. */
    @FunctionalInterface
    interface RowBody {
        void row(int[] offsets, int length);
    }

    private final int[] shape;      // coalesced shape, at least one dim
    private final int[][] strides;  // [operand][dim]
    private final int[] base;       // start offset per operand

    private Strided(int[] shape, int[][] strides, int[] base) {
        this.shape = shape;
        this.strides = strides;
        this.base = base;
    }

    /** Layout of views that all have {@code shape} (broadcast operands carry stride 0). */
    static Strided of(int[] shape, View... views) {
        int[][] st = new int[views.length][];
        int[] base = new int[views.length];
        for (int k = 0; k < views.length; k++) {
            st[k] = views[k].strides();
            base[k] = views[k].offset();
        }
        return of(shape, st, base);
    }

    /** Layout from explicit strides and base offsets (one stride array per operand, each of shape's rank). */
    static Strided of(int[] shape, int[][] strides, int[] base) {
        int ops = strides.length;
        int[] outShape = new int[Math.max(1, shape.length)];
        int[][] outStrides = new int[ops][outShape.length];
        int n = 0;
        // walk from the innermost dimension outwards, merging where every operand is contiguous across the boundary
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (n > 0 && mergeable(strides, d, outStrides, n - 1, outShape[n - 1])) {
                outShape[n - 1] *= shape[d];
                continue;
            }
            outShape[n] = shape[d];
            for (int k = 0; k < ops; k++) outStrides[k][n] = strides[k][d];
            n++;
        }
        if (shape.length > 0 && View.numel(shape) == 0) {
            n = 1;
            outShape[0] = 0;
        }
        if (n == 0) { // scalar or all ones: one row of length 1
            outShape[0] = 1;
            for (int k = 0; k < ops; k++) outStrides[k][0] = 0;
            n = 1;
        }
        // reverse into outer-to-inner order
        int[] sh = new int[n];
        int[][] str = new int[ops][n];
        for (int i = 0; i < n; i++) {
            sh[i] = outShape[n - 1 - i];
            for (int k = 0; k < ops; k++) str[k][i] = outStrides[k][n - 1 - i];
        }
        return new Strided(sh, str, base.clone());
    }

    private static boolean mergeable(int[][] strides, int d, int[][] outStrides, int inner, int innerSize) {
        for (int k = 0; k < strides.length; k++) {
            if (strides[k][d] != outStrides[k][inner] * innerSize) return false;
        }
        return true;
    }

    /**
     * Where each of v's sub-tensors over the leading dims {@code outer} starts, in row-major order of those dims
     * (stride 0 broadcasts): the matrices of a batched product, the rows of a broadcast mask.
     */
    static int[] rowOffsets(View v, int[] outer) {
        int count = View.numel(outer);
        int[] offsets = new int[count];
        for (int q = 0; q < count; q++) {
            int rest = q, o = v.offset();
            for (int d = outer.length - 1; d >= 0; d--) {
                o += (rest % outer[d]) * v.strides()[d];
                rest /= outer[d];
            }
            offsets[q] = o;
        }
        return offsets;
    }

    /** Length of the innermost run. */
    int inner() { return shape[shape.length - 1]; }

    /** Stride of operand k along the innermost run. */
    int innerStride(int k) { return strides[k][shape.length - 1]; }

    /** Number of rows (product of the outer dimensions). */
    int rows() {
        int r = 1;
        for (int d = 0; d < shape.length - 1; d++) r *= shape[d];
        return shape[shape.length - 1] == 0 ? 0 : r;
    }

    /** Total elements. */
    int numel() { return rows() * inner(); }

    /**
     * Calls {@code body} for every row, in parallel chunks of rows when the total work is large enough. Rows are
     * independent, so the result does not depend on the thread count.
     */
    void forEachRow(boolean allowParallel, RowBody body) {
        int rows = rows();
        if (rows == 0) return;
        int inner = inner();
        if (!allowParallel || (long) rows * inner < PARALLEL_THRESHOLD) {
            runRows(0, rows, body);
            return;
        }
        int grain = Math.max(1, PARALLEL_THRESHOLD / 2 / Math.max(1, inner));
        Parallel.forRange(rows, grain, (lo, hi) -> runRows(lo, hi, body));
    }

    /**
     * As {@link #forEachRow}, for bodies that treat every element on its own (elementwise ops, copies, fills): a
     * contiguous tensor is a single row, which forEachRow cannot share out, so when there are fewer rows than pieces
     * for the threads, long rows are cut into pieces of at least half {@link #PARALLEL_THRESHOLD} elements (multiples
     * of 64, so vector loops keep whole vectors). Every element is computed by the same arithmetic wherever a piece
     * starts, so results do not depend on the thread count.
     */
    void forEachElementRun(boolean allowParallel, RowBody body) {
        int rows = rows();
        if (rows == 0) return;
        int inner = inner(), threads = Parallel.threads();
        int pieces = threads * Parallel.CHUNKS_PER_THREAD;
        if (!allowParallel || threads <= 1 || rows >= pieces || (long) rows * inner < PARALLEL_THRESHOLD) {
            forEachRow(allowParallel, body);
            return;
        }
        int perRow = Math.min((pieces + rows - 1) / rows, Math.max(1, inner / (PARALLEL_THRESHOLD / 2)));
        int segment = ((inner + perRow - 1) / perRow + 63) / 64 * 64;
        int segments = (inner + segment - 1) / segment;
        int ops = base.length;
        int[] innerStrides = new int[ops];
        for (int k = 0; k < ops; k++) innerStrides[k] = innerStride(k);
        Parallel.forClaimed(rows * segments, 1, (lo, hi) -> {
            for (int piece = lo; piece < hi; piece++) {
                int row = piece / segments, start = (piece % segments) * segment, length = Math.min(segment, inner - start);
                runRows(row, row + 1, (off, n) -> {
                    int[] shifted = new int[ops];
                    for (int k = 0; k < ops; k++) shifted[k] = off[k] + start * innerStrides[k];
                    body.row(shifted, length);
                });
            }
        });
    }

    /** Work (in elements) below which elementwise loops stay on the calling thread. */
    static final int PARALLEL_THRESHOLD = 1 << 16;

    private void runRows(int lo, int hi, RowBody body) {
        int ops = base.length, outer = shape.length - 1;
        int[] idx = new int[Math.max(0, outer)];
        int[] off = new int[ops];
        // decode the first row's multi-index, then advance like an odometer
        int r = lo;
        for (int d = outer - 1; d >= 0; d--) {
            idx[d] = r % shape[d];
            r /= shape[d];
        }
        for (int k = 0; k < ops; k++) {
            int o = base[k];
            for (int d = 0; d < outer; d++) o += idx[d] * strides[k][d];
            off[k] = o;
        }
        int inner = inner();
        for (int row = lo; row < hi; row++) {
            body.row(off, inner);
            for (int d = outer - 1; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < ops; k++) off[k] += strides[k][d];
                if (idx[d] < shape[d]) break;
                for (int k = 0; k < ops; k++) off[k] -= strides[k][d] * shape[d];
                idx[d] = 0;
            }
        }
    }
}
