package dev.sluice.spark;

import dev.sluice.data.Batch;
import dev.sluice.distributed.AllReduce;
import dev.sluice.distributed.DistributedTrainer;
import dev.sluice.distributed.ShardLoss;
import dev.sluice.distributed.ShardRange;
import dev.sluice.distributed.ShardSource;
import dev.sluice.io.FashionMnist;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Fashion-MNIST MLP of {@code sluice train fashion-mnist}, trained data-parallel: step s's global batch is a fixed
 * slice of one seeded permutation of the training images, and rank r trains on its {@link ShardRange} of it, so the
 * data position is the step and a resumed run reads exactly what it would have. Runs over any {@link AllReduce}:
 * {@link dev.sluice.distributed.LocalAllReduce} threads, or a Spark barrier stage through {@link SparkDataParallel}.
 *
 * @param dataDir         the Fashion-MNIST directory, readable on every executor
 * @param trainLimit      the first N training images (0: all 60,000)
 * @param hidden          hidden layer widths
 * @param globalBatch     examples per step over all ranks
 * @param steps           the step count to reach
 * @param lr              AdamW's learning rate
 * @param weightDecay     AdamW's weight decay
 * @param seed            initialisation and data order
 * @param checkpoint      rank 0's checkpoint file (null: none); a stage retried after a failure resumes from it, so
 *                        on a cluster it must be on storage the retried rank 0 can read
 * @param checkpointEvery steps between checkpoints
 */
public record FashionMnistDataParallel(String dataDir, int trainLimit, int[] hidden, int globalBatch, int steps, double lr,
                                       double weightDecay, long seed, String checkpoint, int checkpointEvery) implements Serializable {
    private static final double PIXEL_MEAN = 0.2860, PIXEL_STD = 0.3530;
    /** Each JVM decodes the training set once, whatever the number of tasks and retries it runs. */
    private static final Map<String, FashionMnist.Split> LOADED = new ConcurrentHashMap<>();

    /** Called before each step on each rank (progress, or a test's injected failure). */
    @FunctionalInterface
    public interface StepHook extends Serializable {
        void beforeStep(int step, int rank);
    }

    /**
     * One rank's outcome: the steps it ran (from {@code firstStep}, the checkpoint's step after a resume), their global
     * mean losses and the final parameters, flattened in {@code parameters()} order.
     */
    public record Result(int rank, int firstStep, int stepsDone, double[] losses, float[] parameters) implements Serializable {}

    /** A job with these settings that checkpoints to {@code file} every {@code every} steps. */
    public FashionMnistDataParallel withCheckpoint(String file, int every) {
        return new FashionMnistDataParallel(dataDir, trainLimit, hidden, globalBatch, steps, lr, weightDecay, seed, file, every);
    }

    /** Trains this rank's replica with {@code comm} (every rank calls this with its own collective). */
    public Result train(AllReduce comm) { return train(comm, (s, r) -> {}); }

    /** As {@link #train(AllReduce)}, calling {@code hook} before every step. */
    public Result train(AllReduce comm, StepHook hook) {
        FashionMnist.Split split = LOADED.computeIfAbsent(dataDir, d -> {
            try {
                return FashionMnist.load(Path.of(d), true);
            } catch (IOException e) {
                throw new UncheckedIOException("rank " + comm.rank() + ": cannot read Fashion-MNIST from " + d, e);
            }
        });
        int n = trainLimit == 0 ? split.count() : Math.min(trainLimit, split.count());
        int[] order = permutation(n, seed);
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = split.rows() * split.cols();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = FashionMnist.CLASS_NAMES.size();
        MLP model = new MLP(sizes, Activation.RELU, new Generator(seed));
        var builder = DistributedTrainer.<MLP, Batch>builder(model, comm,
                        (m, b) -> b.inputs().shape()[0] == 0 ? ShardLoss.empty()
                                : ShardLoss.mean(Losses.crossEntropy(m.forward(b.inputs()), b.targets()), b.inputs().shape()[0]))
                .optimizer(params -> new AdamW(params, lr, 0.9, 0.999, 1e-8, weightDecay));
        if (checkpoint != null) builder.checkpoint(Path.of(checkpoint), checkpointEvery);
        DistributedTrainer<MLP, Batch> trainer = builder.build();
        int first = trainer.stepsDone();
        ShardSource<Batch> data = (step, rank, world) -> shard(split, order, step, rank, world);
        List<Double> losses = new ArrayList<>();
        while (trainer.stepsDone() < steps) {
            int s = trainer.stepsDone();
            hook.beforeStep(s, comm.rank());
            losses.add(trainer.step(data.shard(s, comm.rank(), comm.worldSize())).loss());
        }
        return new Result(comm.rank(), first, trainer.stepsDone(), losses.stream().mapToDouble(Double::doubleValue).toArray(),
                flatten(trainer.model()));
    }

    /** Rank {@code rank}'s part of step {@code step}'s global batch: standardised pixels [size, 784], int64 labels. */
    Batch shard(FashionMnist.Split split, int[] order, int step, int rank, int world) {
        ShardRange r = ShardRange.of(globalBatch, rank, world);
        int dim = split.rows() * split.cols();
        float[] x = new float[r.size() * dim];
        long[] y = new long[r.size()];
        for (int i = 0; i < r.size(); i++) {
            int example = order[(int) (((long) step * globalBatch + r.from() + i) % order.length)];
            for (int j = 0; j < dim; j++) x[i * dim + j] = (float) ((split.images()[example * dim + j] - PIXEL_MEAN) / PIXEL_STD);
            y[i] = split.labels()[example];
        }
        return new Batch(Tensor.of(x, r.size(), dim), Tensor.of(y, r.size()));
    }

    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static float[] flatten(MLP model) {
        int total = 0;
        for (Tensor p : model.parameters()) total += p.numel();
        float[] out = new float[total];
        int at = 0;
        for (Tensor p : model.parameters()) {
            float[] v = p.toFloatArray();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }
}
