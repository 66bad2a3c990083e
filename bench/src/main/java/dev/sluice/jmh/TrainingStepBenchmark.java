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

import java.util.concurrent.TimeUnit;

/**
 * One full training step (forward, loss, backward, optimizer) of the reference models of {@link TrainingSteps}; the
 * PyTorch peer on the same shapes is {@code bench/torch_steps.py}, compared in one run by {@code ./sluice bench steps}.
 */
@State(Scope.Thread)
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
