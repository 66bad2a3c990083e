package dev.sluice.backend.cuda;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Storage;
import dev.sluice.tensor.DType;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Device memory holding {@code size} elements of one dtype: a block of the device's caching allocator. The block goes
 * back to the allocator when autograd recycles the storage, or when the storage becomes unreachable (a cleaner).
 */
final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final long address;
    private final Block block;

    /** The part the cleaner holds: it must not reference the storage. */
    private record Block(CachingAllocator allocator, long address, AtomicBoolean released) implements Runnable {
        @Override
        public void run() {
            if (released.compareAndSet(false, true)) allocator.releaseLater(address);
        }
    }

    CudaStorage(CudaBackend backend, DType dtype, int size, long address) {
        super(dtype, size);
        this.backend = backend;
        this.address = address;
        this.block = new Block(backend.context().allocator(), address, new AtomicBoolean());
        CLEANER.register(this, block);
    }

    @Override
    public Backend backend() { return backend; }

    /** Device address of element 0. */
    long address() {
        if (block.released().get()) throw new IllegalStateException("cuda storage used after it was recycled");
        return address;
    }

    /** Device address of element i. */
    long address(int i) { return address() + (long) i * dtype().itemSize(); }

    void recycle() { block.run(); }
}
