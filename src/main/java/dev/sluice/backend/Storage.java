package dev.sluice.backend;

import dev.sluice.tensor.DType;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A flat buffer of {@code size} elements of one dtype, owned by a backend. Tensors are views (shape, strides, offset)
 * onto a storage; all views of one storage share its version counter, which autograd uses to detect in-place changes
 * of tensors it saved for backward.
 */
public abstract class Storage {
    private static final AtomicLong SERIALS = new AtomicLong();

    private final DType dtype;
    private final int size;
    private final long serial = SERIALS.incrementAndGet();
    private int version;

    protected Storage(DType dtype, int size) {
        this.dtype = dtype;
        this.size = size;
    }

    /**
     * Creation order of this storage: a later storage has a larger serial. The autograd engine uses it to prove that a
     * gradient was allocated by the rule that returned it (serial after {@link #lastSerial()} taken before the rule
     * ran), so that no tensor from before — a saved activation, a user's tensor — can share its memory.
     */
    public final long serial() { return serial; }

    /** The serial of the most recently created storage (on any thread). */
    public static long lastSerial() { return SERIALS.get(); }

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
