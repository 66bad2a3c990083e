package dev.sluice.backend;

import dev.sluice.tensor.DType;

/**
 * A flat buffer of {@code size} elements of one dtype, owned by a backend. Tensors are views (shape, strides, offset)
 * onto a storage; all views of one storage share its version counter, which autograd uses to detect in-place changes
 * of tensors it saved for backward.
 */
public abstract class Storage {
    private final DType dtype;
    private final int size;
    private int version;

    protected Storage(DType dtype, int size) {
        this.dtype = dtype;
        this.size = size;
    }

    public final DType dtype() { return dtype; }

    /** Number of elements. */
    public final int size() { return size; }

    /** The backend whose kernels operate on this storage. */
    public abstract Backend backend();

    /** Incremented by every in-place write through any view. */
    public final int version() { return version; }

    /** Records an in-place modification. */
    public final void bumpVersion() { version++; }
}
