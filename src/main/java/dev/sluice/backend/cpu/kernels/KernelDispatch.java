package dev.sluice.backend.cpu.kernels;

/** TEMPORARY (replaced by the kernels branch). */
public final class KernelDispatch {
    private static final Float32Kernels K = new ScalarFloat32Kernels();
    private KernelDispatch() {}
    public static Float32Kernels float32() { return TMP; }
    public static Float32Kernels scalar() { return K; }
    private static final Float32Kernels TMP = new ScalarFloat32Kernels() {
        @Override public String name() { return "vgemm"; }
        @Override public void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int cRs, boolean acc) {
            VectorGemm.gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, acc);
        }
    };
}
