package dev.sluice.backend.cpu;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.KernelDispatch;

/** gather / scatter-add / index_select / index_add. Index values are checked against the indexed dimension. */
final class CpuIndexing {
    private CpuIndexing() {}

    private static int checkedIndex(String op, long idx, int size, int dim) {
        if (idx < 0 || idx >= size) {
            throw new IndexOutOfBoundsException(op + ": index " + idx + " is out of bounds for dimension " + dim
                    + " with size " + size);
        }
        return (int) idx;
    }

    /** x's strides with the stride of {@code dim} zeroed: the base offset of a position, before adding the index. */
    private static int[] stridesWithout(View v, int dim) {
        int[] s = v.strides().clone();
        s[dim] = 0;
        return s;
    }

    static void gather(View x, int dim, View index, View out) {
        CpuStorage xs = CpuBackend.st(x), is = CpuBackend.st(index), os = CpuBackend.st(out);
        int size = x.shape()[dim], step = x.strides()[dim];
        Strided it = Strided.of(index.shape(), new int[][] {index.strides(), out.strides(), stridesWithout(x, dim)},
                new int[] {index.offset(), out.offset(), x.offset()});
        int ist = it.innerStride(0), ost = it.innerStride(1), xst = it.innerStride(2);
        it.forEachRow(true, (off, n) -> {
            for (int j = 0, ii = off[0], oi = off[1], xi = off[2]; j < n; j++, ii += ist, oi += ost, xi += xst) {
                int q = checkedIndex("gather", is.getLong(ii), size, dim);
                os.set(oi, xs.get(xi + q * step));
            }
        });
    }

    static void scatterAdd(View dst, int dim, View index, View src) {
        CpuStorage ds = CpuBackend.st(dst), is = CpuBackend.st(index), ss = CpuBackend.st(src);
        int size = dst.shape()[dim], step = dst.strides()[dim];
        Strided it = Strided.of(index.shape(), new int[][] {index.strides(), src.strides(), stridesWithout(dst, dim)},
                new int[] {index.offset(), src.offset(), dst.offset()});
        int ist = it.innerStride(0), sst = it.innerStride(1), dst_ = it.innerStride(2);
        // serial: several positions may target the same destination element
        it.forEachRow(false, (off, n) -> {
            for (int j = 0, ii = off[0], si = off[1], di = off[2]; j < n; j++, ii += ist, si += sst, di += dst_) {
                int q = checkedIndex("scatter_add", is.getLong(ii), size, dim);
                int target = di + q * step;
                ds.set(target, ds.get(target) + ss.get(si));
            }
        });
    }

    /** The slice of v at position {@code pos} along {@code dim} (that dimension removed). */
    private static View slice(View v, int dim, int pos) {
        int r = v.rank();
        int[] shape = new int[r - 1], strides = new int[r - 1];
        for (int d = 0, e = 0; d < r; d++) {
            if (d == dim) continue;
            shape[e] = v.shape()[d];
            strides[e++] = v.strides()[d];
        }
        return new View(v.storage(), shape, strides, v.offset() + pos * v.strides()[dim]);
    }

    static void indexSelect(View x, int dim, View index, View out) {
        CpuStorage is = CpuBackend.st(index);
        int n = index.numel(), size = x.shape()[dim], istep = index.rank() == 0 ? 0 : index.strides()[0];
        int rowElems = x.numel() / Math.max(1, size);
        Parallel.forRange(n, Math.max(1, Strided.PARALLEL_THRESHOLD / Math.max(1, rowElems)), (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                int q = checkedIndex("index_select", is.getLong(index.offset() + j * istep), size, dim);
                CpuCopy.copy(slice(x, dim, q), slice(out, dim, j));
            }
        });
    }

    static void indexAdd(View dst, int dim, View index, View src) {
        CpuStorage is = CpuBackend.st(index);
        int n = index.numel(), size = dst.shape()[dim], istep = index.rank() == 0 ? 0 : index.strides()[0];
        // serial over j: repeated indices add into the same slice
        for (int j = 0; j < n; j++) {
            int q = checkedIndex("index_add", is.getLong(index.offset() + j * istep), size, dim);
            View d = slice(dst, dim, q);
            CpuElementwise.binary(KernelDispatch.float32(), BinaryOp.ADD, d, slice(src, dim, j), d);
        }
    }
}
