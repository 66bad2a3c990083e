package dev.sluice.backend;

import dev.sluice.tensor.DType;

/**
 * A strided window onto a storage: element (i0, i1, ...) lives at {@code offset + Σ i_d·strides[d]}. This is the only
 * description of tensor memory that kernels receive. The arrays are never mutated after construction.
 */
public record View(Storage storage, int[] shape, int[] strides, int offset) {

    public DType dtype() { return storage.dtype(); }

    public int rank() { return shape.length; }

    /** Number of elements (1 for a scalar). */
    public int numel() { return numel(shape); }

    /** True when the elements are laid out row-major without gaps, starting at offset. */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** Number of elements of a shape. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor of " + n + " elements exceeds the 2^31-1 limit");
        return (int) n;
    }

    /** Row-major strides of a contiguous tensor of this shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= Math.max(1, shape[d]);
        }
        return st;
    }

    /** A contiguous view over a whole storage. */
    public static View contiguous(Storage storage, int[] shape) {
        return new View(storage, shape, contiguousStrides(shape), 0);
    }
}
