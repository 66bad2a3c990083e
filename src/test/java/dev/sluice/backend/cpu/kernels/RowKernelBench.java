package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.UnaryOp;
import java.util.SplittableRandom;

/**
 * Throughput harness, not a test: elements per nanosecond of the vector GELU, GELU backward, softmax and layer-norm
 * kernels on L2-resident data (64K floats; or the count given as first argument), so arithmetic rather than DRAM is
 * measured. Best of many runs, each case
 * measured in three rounds to expose noise from other processes. Run after mvn test-compile with
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.sluice.backend.cpu.kernels.RowKernelBench}.
 */
public final class RowKernelBench {
    private RowKernelBench() {}

    private interface Body { void run(Float32Kernels k); }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 16; // e.g. 16777216: DRAM-bound
        int reps = Math.max(20, (int) (3000L * (1 << 16) / n));
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = new float[n], y = new float[n], g = new float[n], out = new float[n];
        for (int i = 0; i < n; i++) { x[i] = (float) rnd.nextDouble(-4, 4); y[i] = (float) rnd.nextDouble(0.1, 2); g[i] = (float) rnd.nextDouble(-1, 1); }
        float[] gamma = new float[1024], beta = new float[1024], dgamma = new float[1024], dbeta = new float[1024];
        for (int i = 0; i < 1024; i++) { gamma[i] = y[i]; beta[i] = g[i]; }
        float[] mean = new float[n / 1024], rstd = new float[n / 1024];
        Float32Kernels k = KernelDispatch.float32();
        Object[][] cases = {
            {"gelu", (Body) kk -> kk.unary(UnaryOp.GELU, x, 0, 1, out, 0, n)},
            {"gelu'", (Body) kk -> kk.unaryBackward(UnaryOp.GELU, x, 0, y, 0, g, 0, out, 0, n)},
            {"softmax 1024", (Body) kk -> kk.softmaxRows(x, 0, out, 0, n / 1024, 1024, false)},
            {"layernorm 1024", (Body) kk -> kk.layerNormRows(x, 0, gamma, beta, out, 0, mean, rstd, n / 1024, 1024, 1e-5f)},
            {"layernorm' 1024", (Body) kk -> kk.layerNormBackwardRows(g, 0, x, 0, mean, rstd, gamma, out, 0, dgamma, dbeta, n / 1024, 1024)},
        };
        for (Object[] c : cases) {
            StringBuilder line = new StringBuilder(String.format("%-16s", c[0]));
            for (int round = 0; round < 3; round++) {
                double best = Double.MAX_VALUE;
                for (int w = 0; w < reps; w++) {
                    long t0 = System.nanoTime();
                    ((Body) c[1]).run(k);
                    best = Math.min(best, System.nanoTime() - t0);
                }
                line.append(String.format(" %6.2f", n / best));
            }
            System.out.println(line + " el/ns");
        }
    }
}
