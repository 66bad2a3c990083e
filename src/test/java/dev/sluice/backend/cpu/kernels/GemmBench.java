package dev.sluice.backend.cpu.kernels;

import java.util.SplittableRandom;

/**
 * Throughput harness, not a test: prints GFLOP/s for square float32 GEMMs through the reference and the chosen
 * kernels. Run (after mvn test-compile) with
 * {@code java --add-modules jdk.incubator.vector -Dsluice.threads=1 -cp target/classes:target/test-classes
 * dev.sluice.backend.cpu.kernels.GemmBench [size] [reps]}.
 */
public final class GemmBench {
    private GemmBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean withScalar = args.length > 2 && args[2].equals("scalar");
        SplittableRandom rnd = new SplittableRandom(1);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = (float) rnd.nextDouble(-1, 1); b[i] = (float) rnd.nextDouble(-1, 1); }
        for (Float32Kernels k : withScalar ? new Float32Kernels[] {KernelDispatch.scalar(), KernelDispatch.float32()} : new Float32Kernels[] {KernelDispatch.float32()}) {
            for (String layout : new String[] {"A·B", "Aᵀ·B", "A·Bᵀ"}) {
                int aRs = layout.equals("Aᵀ·B") ? 1 : n, aCs = layout.equals("Aᵀ·B") ? n : 1;
                int bRs = layout.equals("A·Bᵀ") ? 1 : n, bCs = layout.equals("A·Bᵀ") ? n : 1;
                int r = k == KernelDispatch.scalar() ? Math.max(1, reps / 5) : reps;
                double best = Double.MAX_VALUE;
                for (int w = 0; w < r + 3; w++) {
                    long t0 = System.nanoTime();
                    k.gemm(n, n, n, a, 0, aRs, aCs, b, 0, bRs, bCs, c, 0, n, false);
                    double s = (System.nanoTime() - t0) * 1e-9;
                    if (w >= 3 || r == 1) best = Math.min(best, s);
                }
                System.out.printf("%-10s %-5s %d³: %.1f GFLOP/s (best %.1f ms)%n", k.name(), layout, n, 2.0 * n * n * n / best * 1e-9, best * 1e3);
            }
        }
    }
}
