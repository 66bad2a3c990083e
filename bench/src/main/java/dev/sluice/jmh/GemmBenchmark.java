package dev.sluice.jmh;

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
 * Square SGEMM C = op(A)·op(B) through the dispatched float32 kernels, per layout. GFLOP/s = 2·size³ / time. For the
 * side-by-side comparison with OpenBLAS in one run, use {@code ./sluice bench gemm}.
 */
@State(Scope.Thread)
// Until C2 has compiled the Vector API code every vector operation is a heap object: measured on the 2-core Sapphire
// Rapids VM under load, the first calls ran 70-4,700x slower and timings settled after 2-9 s (a 1024^3 GEMM's first
// call took 1.8 s, a GPT step's 7 s, which one warm-up iteration swallows whole). Hence 10 iterations of 1 s; -wi/-w
// on the command line (the pom's jmh.args) would override this.
@Warmup(iterations = 10, time = 1, timeUnit = TimeUnit.SECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GemmBenchmark {
    @Param({"256", "512", "1024"})
    int size;

    /** NN = A·B, TN = Aᵀ·B (weight gradients), NT = A·Bᵀ (input gradients). */
    @Param({"NN", "TN", "NT"})
    String layout;

    @Param({"vector", "scalar"})
    String kernels;

    float[] a, b, c;
    Float32Kernels k;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(1);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        k = kernels.equals("scalar") ? KernelDispatch.scalar() : KernelDispatch.float32();
    }

    @Benchmark
    public float[] gemm() {
        int n = size;
        boolean ta = layout.equals("TN"), tb = layout.equals("NT");
        k.gemm(n, n, n, a, 0, ta ? 1 : n, ta ? n : 1, b, 0, tb ? 1 : n, tb ? n : 1, c, 0, n, false);
        return c;
    }
}
