package dev.sluice.backend.cuda;

/**
 * What the CUDA backend asks of one device: memory, copies, kernel launches and ordering. {@link JCudaGpu} does it
 * with the CUDA driver through JCuda on a real GPU; {@link EmulatedGpu} runs the same kernel sources on the CPU (for
 * tests on machines without a GPU). Device memory is a raw 64-bit address everywhere.
 */
interface GpuDriver extends DeviceMemory {
    /** The device's name as the driver reports it. */
    String name();

    int computeMajor();

    int computeMinor();

    long totalMemory();

    /** Makes this device's context current on the calling thread (before any call into the driver). */
    void makeCurrent();

    /** Zeroes bytes at address, ordered after earlier work. */
    void memsetZero(long address, long bytes);

    /** Copies bytes from a Java primitive array (float[], double[], int[], long[] or byte[]) to the device. */
    void copyHostToDevice(long dst, Object array, long bytes);

    /** Copies bytes from the device into a Java primitive array, after all earlier work has finished. */
    void copyDeviceToHost(Object array, long src, long bytes);

    /**
     * Launches a kernel of sluice.fatbin. Arguments in parameter order: Integer → int, Long → 64-bit (device pointers,
     * seeds), Float, Double, int[] → a by-value Layout struct; checked against the kernel's PTX signature by the caller.
     */
    void launch(String kernel, LaunchConfig cfg, Object... args);

    /** Waits until all work enqueued on the device has finished. */
    void synchronize();

    /** The raw stream handle for cuBLAS, or 0 where cuBLAS cannot be used with this device (the emulator). */
    long cublasStream();
}
