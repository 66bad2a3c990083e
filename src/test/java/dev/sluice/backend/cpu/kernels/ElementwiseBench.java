package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.UnaryOp;
import java.util.SplittableRandom;

/**
 * Throughput harness, not a test: prints elements per nanosecond of the main non-GEMM kernels, scalar vs chosen. Run
 * (after mvn test-compile) with {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.sluice.backend.cpu.kernels.ElementwiseBench}.
 */
public final class ElementwiseBench {
    private ElementwiseBench() {}

    private interface Body { void run(Float32Kernels k); }

    public static void main(String[] args) {
        int n = 1 << 20;
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = new float[n], y = new float[n], g = new float[n], out = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) { x[i] = (float) rnd.nextDouble(-4, 4); y[i] = (float) rnd.nextDouble(0.1, 2); g[i] = (float) rnd.nextDouble(-1, 1); }
        float[] mean = new float[n / 1024], rstd = new float[n / 1024];
        Object[][] cases = {
            {"relu", (Body) k -> k.unary(UnaryOp.RELU, x, 0, 1, out, 0, n)},
            {"exp", (Body) k -> k.unary(UnaryOp.EXP, x, 0, 1, out, 0, n)},
            {"gelu", (Body) k -> k.unary(UnaryOp.GELU, x, 0, 1, out, 0, n)},
            {"gelu'", (Body) k -> k.unaryBackward(UnaryOp.GELU, x, 0, y, 0, g, 0, out, 0, n)},
            {"add", (Body) k -> k.binary(BinaryOp.ADD, x, 0, 1, y, 0, 1, out, 0, n)},
            {"mul bcast", (Body) k -> k.binary(BinaryOp.MUL, x, 0, 1, y, 0, 0, out, 0, n)},
            {"sum", (Body) k -> k.reduce(ReduceOp.SUM, x, 0, n)},
            {"max", (Body) k -> k.reduce(ReduceOp.MAX, x, 0, n)},
            {"softmax 1024", (Body) k -> k.softmaxRows(x, 0, out, 0, n / 1024, 1024, false)},
            {"layernorm 1024", (Body) k -> k.layerNormRows(x, 0, y, g, out, 0, mean, rstd, n / 1024, 1024, 1e-5f)},
            {"adamw", (Body) k -> k.adamw(out, 0, g, 0, m, 0, v, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.5f, 0.5f)},
        };
        for (Object[] c : cases) {
            StringBuilder line = new StringBuilder(String.format("%-15s", c[0]));
            for (Float32Kernels k : new Float32Kernels[] {KernelDispatch.scalar(), KernelDispatch.float32()}) {
                double best = Double.MAX_VALUE;
                for (int w = 0; w < 200; w++) {
                    long t0 = System.nanoTime();
                    ((Body) c[1]).run(k);
                    best = Math.min(best, System.nanoTime() - t0);
                }
                line.append(String.format("  %s %6.2f el/ns", k.name(), n / best));
            }
            System.out.println(line);
        }
    }
}
