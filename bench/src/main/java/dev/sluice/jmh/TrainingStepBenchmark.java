package dev.sluice.jmh;

import dev.sluice.bench.TrainingSteps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One full training step (forward, loss, backward, optimizer) of the reference models of {@link TrainingSteps}; the
 * PyTorch peer on the same shapes is {@code bench/torch_steps.py}, compared in one run by {@code ./sluice bench steps}.
 */
@State(Scope.Thread)
// Until C2 has compiled the Vector API code every vector operation is a heap object: measured on the 2-core Sapphire
// Rapids VM under load, the first calls ran 70-4,700x slower and timings settled after 2-9 s (a 1024^3 GEMM's first
// call took 1.8 s, a GPT step's 7 s, which one warm-up iteration swallows whole). Hence 10 iterations of 1 s; -wi/-w
// on the command line (the pom's jmh.args) would override this.
@Warmup(iterations = 10, time = 1, timeUnit = TimeUnit.SECONDS)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainingStepBenchmark {
    @Param({"gpt", "mlp", "ae"})
    String model;

    Runnable step;

    @Setup
    public void setup() { step = TrainingSteps.make(model); }

    @Benchmark
    public void step() { step.run(); }
}
