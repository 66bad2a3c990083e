package dev.sluice.backend.cuda;

/** Raw device memory as the caching allocator sees it: the driver on a GPU, a fake in tests. */
interface DeviceMemory {
    /** Allocates bytes of device memory; throws {@link OutOfDeviceMemory} when the device has none left. */
    long malloc(long bytes);

    void free(long address);

    /** Thrown by {@link #malloc} when the device is out of memory (the allocator then frees its cache and retries). */
    final class OutOfDeviceMemory extends RuntimeException {
        OutOfDeviceMemory(String message) { super(message); }
    }
}
