package dev.sluice.backend.cuda;

import dev.sluice.backend.View;

import java.util.Arrays;

/**
 * Packs views into the kernels' {@code Layout} struct (native/common.cuh): {rank, shape[8], stride[8], offset}, 18
 * ints passed by value. Element i of a layout (row-major over its shape) lives at offset + Σ i_d·stride[d].
 */
final class CudaLayout {
    static final int MAX_RANK = 8;
    static final int INTS = 2 + 2 * MAX_RANK;

    private CudaLayout() {}

    static int[] of(int[] shape, int[] strides, int offset) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("cuda: tensors of rank " + shape.length + " exceed the kernels' limit of " + MAX_RANK);
        }
        int[] l = new int[INTS];
        l[0] = shape.length;
        for (int d = 0; d < shape.length; d++) {
            l[1 + d] = shape[d];
            l[1 + MAX_RANK + d] = shape[d] == 1 ? 0 : strides[d];
        }
        l[INTS - 1] = offset;
        return l;
    }

    /** The view itself. */
    static int[] of(View v) { return of(v.shape(), v.strides(), v.offset()); }

    /** The view read over another (broadcast) shape of equal rank: its strides, size-1 dims read at stride 0. */
    static int[] over(View v, int[] shape) {
        int[] st = v.strides().clone();
        for (int d = 0; d < shape.length; d++) if (v.shape()[d] == 1) st[d] = 0;
        return of(shape, st, v.offset());
    }

    /** For a reduction of x into out (keepdim): the base offset in x of each output element. */
    static int[] kept(View x, View out) { return of(out.shape(), x.strides(), x.offset()); }

    /** For a reduction of x into out: x's reduced dims (size 1 elsewhere), offset 0. */
    static int[] reduced(View x, View out) {
        int[] shape = new int[x.rank()];
        for (int d = 0; d < shape.length; d++) shape[d] = out.shape()[d] == 1 ? x.shape()[d] : 1;
        return of(shape, x.strides(), 0);
    }

    /** Number of elements a reduction combines per output. */
    static int reducedCount(View x, View out) {
        long n = 1;
        for (int d = 0; d < x.rank(); d++) if (out.shape()[d] == 1) n *= x.shape()[d];
        return (int) n;
    }

    /** The batch dims (all but the last two) of a matrix operand over the output's batch shape, with its offset. */
    static int[] batch(View v, int[] batchShape) {
        int r = batchShape.length;
        return of(batchShape, Arrays.copyOf(v.strides(), r), v.offset());
    }

    /**
     * The layouts of one elementwise launch (all over the same shape) with adjacent dims merged wherever every operand
     * steps through them as one (stride[d-1] = stride[d]·shape[d] for all, which includes two broadcast dims), and
     * size-1 dims dropped: element i still lives at the same offset in each. Contiguous operands become rank 1, which
     * sl_at indexes with one multiply instead of a division and a modulo per dim. Layouts over different shapes are
     * returned as they are.
     */
    static int[][] coalesced(int[]... layouts) {
        int rank = layouts[0][0];
        for (int[] l : layouts) {
            if (l[0] != rank) return layouts;
            for (int d = 0; d < rank; d++) if (l[1 + d] != layouts[0][1 + d]) return layouts;
        }
        int[] shape = new int[rank];
        int[][] strides = new int[layouts.length][rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            int size = layouts[0][1 + d];
            if (size == 1) continue;                    // a size-1 dim adds nothing to any offset
            boolean merge = r > 0;
            for (int k = 0; merge && k < layouts.length; k++) {
                merge = strides[k][r - 1] == layouts[k][1 + MAX_RANK + d] * size;
            }
            if (merge) {
                shape[r - 1] *= size;
                for (int k = 0; k < layouts.length; k++) strides[k][r - 1] = layouts[k][1 + MAX_RANK + d];
            } else {
                shape[r] = size;
                for (int k = 0; k < layouts.length; k++) strides[k][r] = layouts[k][1 + MAX_RANK + d];
                r++;
            }
        }
        if (rank > 0 && r == 0) {                       // every dim has size 1: one element
            shape[0] = 1;
            r = 1;
        }
        int[][] out = new int[layouts.length][];
        for (int k = 0; k < layouts.length; k++) {
            out[k] = of(Arrays.copyOf(shape, r), Arrays.copyOf(strides[k], r), layouts[k][INTS - 1]);
        }
        return out;
    }

    /** Storage offset of element i of a packed layout (the kernels' sl_at, for tests and batch planning). */
    static int at(int[] l, int i) {
        int off = l[INTS - 1];
        for (int d = l[0] - 1; d >= 0; d--) {
            int s = l[1 + d];
            off += (i % s) * l[1 + MAX_RANK + d];
            i /= s;
        }
        return off;
    }
}
