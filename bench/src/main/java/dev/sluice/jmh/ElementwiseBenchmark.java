package dev.sluice.jmh;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.UnaryOp;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread memory-bound kernels on n floats (rows of 1024 for the row-wise ones), into reused buffers. Divide the
 * compulsory bytes (8·n for one-in-one-out, 12·n for two-in-one-out, 28·n for AdamW) by the time for GB/s; {@code
 * ./sluice bench memory} prints these against the machine's copy bandwidth measured in the same run.
 */
@State(Scope.Thread)
// Until C2 has compiled the Vector API code every vector operation is a heap object: measured on the 2-core Sapphire
// Rapids VM under load, the first calls ran 70-4,700x slower and timings settled after 2-9 s (a 1024^3 GEMM's first
// call took 1.8 s, a GPT step's 7 s, which one warm-up iteration swallows whole). Hence 10 iterations of 1 s; -wi/-w
// on the command line (the pom's jmh.args) would override this.
@Warmup(iterations = 10, time = 1, timeUnit = TimeUnit.SECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ElementwiseBenchmark {
    @Param({"1048576", "16777216"})
    int n;

    @Param({"vector", "scalar"})
    String kernels;

    float[] x, y, g, out, m, v, gamma, beta, mean, rstd, coef, rowLoss;
    long[] targets;
    Float32Kernels k;
    static final int COLS = 1024;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(2);
        x = new float[n];
        y = new float[n];
        g = new float[n];
        out = new float[n];
        m = new float[n];
        v = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-4, 4);
            y[i] = (float) rnd.nextDouble(0.1, 2);
            g[i] = (float) rnd.nextDouble(-1, 1);
        }
        gamma = new float[COLS];
        beta = new float[COLS];
        java.util.Arrays.fill(gamma, 1f);
        mean = new float[n / COLS];
        targets = new long[n / COLS];
        coef = new float[n / COLS];
        rowLoss = new float[n / COLS];
        for (int r = 0; r < n / COLS; r++) {
            targets[r] = rnd.nextInt(COLS);
            coef[r] = (float) COLS / n;
        }
        rstd = new float[n / COLS];
        k = kernels.equals("scalar") ? KernelDispatch.scalar() : KernelDispatch.float32();
    }

    @Benchmark
    public float[] copy() {
        System.arraycopy(x, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] add() {
        k.binary(BinaryOp.ADD, x, 0, 1, y, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] gelu() {
        k.unary(UnaryOp.GELU, x, 0, 1, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] geluBackward() {
        k.unaryBackward(UnaryOp.GELU, x, 0, y, 0, g, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] softmaxRows() {
        k.softmaxRows(x, 0, out, 0, n / COLS, COLS, false);
        return out;
    }

    @Benchmark
    public float[] softmaxCrossEntropyRows() {
        int rows = n / COLS;
        k.softmaxCrossEntropyRows(x, 0, targets, 0, coef, 0, 0f, rowLoss, 0, out, 0, rows, COLS);
        return out;
    }

    @Benchmark
    public float[] layerNormRows() {
        k.layerNormRows(x, 0, gamma, beta, out, 0, mean, rstd, n / COLS, COLS, 1e-5f);
        return out;
    }

    @Benchmark
    public float sum() {
        return k.reduce(dev.sluice.backend.ReduceOp.SUM, x, 0, n);
    }

    @Benchmark
    public float[] adamw() {
        k.adamw(out, 0, g, 0, m, 0, v, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.5f, 0.5f);
        return out;
    }
}
