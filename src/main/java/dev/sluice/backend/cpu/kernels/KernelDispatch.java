package dev.sluice.backend.cpu.kernels;

/** TEMPORARY (replaced by the kernels branch). */
public final class KernelDispatch {
    private static final Float32Kernels K = new ScalarFloat32Kernels();
    private KernelDispatch() {}
    public static Float32Kernels float32() { return K; }
    public static Float32Kernels scalar() { return K; }
}
