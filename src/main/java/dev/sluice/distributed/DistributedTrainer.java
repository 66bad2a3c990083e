package dev.sluice.distributed;

import dev.sluice.Sluice;
import dev.sluice.nn.Module;
import dev.sluice.optim.Adam;
import dev.sluice.optim.GradClip;
import dev.sluice.optim.LrSchedule;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Data-parallel training of any {@link Module}: every rank holds a replica and trains on its shard of each step's
 * global batch; the ranks' gradients are summed by an {@link AllReduce}, so every replica takes the same optimizer
 * step and stays bit-identical to the others, with no optimizer state ever sent.
 *
 * <p>One step on each rank: compute the {@link StepLoss} on the shard and back-propagate; pack every parameter's
 * gradient (times the shard's units, see {@link ShardLoss}) into one array; all-reduce it; divide by all ranks' units,
 * which gives exactly the gradient of the mean loss over the global batch; clip if asked; step the optimizer. Training
 * on N ranks with batch B/N each therefore follows one process on batch B up to float rounding, and the result does not
 * depend on the transport (every transport sums in rank order).
 *
 * <p>{@link Builder#build()} first checks, on every rank, that all ranks run the same Sluice version with the same
 * model (parameter names, shapes, dtypes), optimizer and checkpoint interval, and fails on every rank otherwise; then
 * rank 0's parameters, buffers, optimizer state and step (its own, or those of the checkpoint it resumes from) are
 * broadcast, so the replicas start equal whatever their random initialisation.
 *
 * <p>Checkpoints: with {@link Builder#checkpoint(Path, int)}, rank 0 atomically writes the model, Adam's state and the
 * step every K steps; a new trainer given the same file resumes from it (only rank 0 needs to see the file), and since
 * shards are addressed by step ({@link ShardSource}), the resumed run repeats and skips nothing.
 * {@snippet :
 * // on every rank, with its own AllReduce (LocalAllReduce.create(n).get(rank), RingAllReduce.connect(...))
 * MLP model = new MLP(new int[] {20, 64, 10}, Activation.RELU, new Generator(0));
 * DistributedTrainer<MLP, Batch> trainer = DistributedTrainer.builder(model, comm,
 *                 (MLP m, Batch b) -> ShardLoss.mean(Losses.crossEntropy(m.forward(b.inputs()), b.targets()), b.size()))
 *         .optimizer(params -> new AdamW(params, 1e-3))
 *         .checkpoint(Path.of("run/checkpoint.safetensors"), 100)
 *         .build();
 * trainer.train(data, 1000);     // data: a ShardSource<Batch>; resumes at the checkpoint's step if there is one
 * }
 *
 * @param <M> the model's type
 * @param <S> the shard's type
 */
public final class DistributedTrainer<M extends Module, S> {
    /**
     * What one step did, the same on every rank.
     *
     * @param step the number of steps done after this one (1 after the first)
     * @param loss the global batch's mean loss before the update (computed in float)
     * @param units the global batch's units (examples, tokens: what the ranks' {@link ShardLoss} counts add up to)
     */
    public record StepResult(int step, double loss, double units) {}

    private final M model;
    private final AllReduce comm;
    private final StepLoss<? super M, ? super S> loss;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double maxGradNorm;
    private final Path checkpoint;
    private final int checkpointEvery;
    private final GradientBuffer gradients;
    private int step;

    private DistributedTrainer(Builder<M, S> b, Optimizer optimizer) {
        this.model = b.model;
        this.comm = b.comm;
        this.loss = b.loss;
        this.optimizer = optimizer;
        this.schedule = b.schedule;
        this.maxGradNorm = b.maxGradNorm;
        this.checkpoint = b.checkpoint;
        this.checkpointEvery = b.checkpointEvery;
        this.gradients = new GradientBuffer(model.parameters());
    }

    /**
     * Starts configuring a trainer for this rank.
     *
     * @param <M> the model's type
     * @param <S> the shard's type
     * @param model this rank's replica (its initial values are replaced by rank 0's)
     * @param comm this rank's collective
     * @param loss the loss of the model on a shard
     * @return a builder; {@link Builder#optimizer} must be set
     */
    public static <M extends Module, S> Builder<M, S> builder(M model, AllReduce comm, StepLoss<? super M, ? super S> loss) {
        return new Builder<>(model, comm, loss);
    }

    /**
     * One training step on this rank's shard of the global batch; every rank must call it with its shard of the same
     * step. If the loss or the all-reduce fails here, the collective is closed so the other ranks fail at once
     * instead of waiting for a timeout.
     *
     * @param shard this rank's part of the step's global batch
     * @return the step count and the global batch's mean loss
     * @throws CollectiveException if the all-reduce fails
     * @throws IllegalStateException if no rank had any data at this step
     */
    public StepResult step(S shard) {
        try {
            if (schedule != null) optimizer.setLr(schedule.lr(step));
            model.zeroGrad();
            ShardLoss l = Objects.requireNonNull(loss.compute(model, shard), "StepLoss returned null; use ShardLoss.empty() for no data");
            if (!l.isEmpty()) l.loss().backward();
            float[] buf = gradients.pack(l);
            comm.sumInPlace(buf);
            GradientBuffer.Totals totals = gradients.unpack(buf, step + 1);
            if (maxGradNorm > 0) GradClip.clipGradNorm(model.parameters(), maxGradNorm);
            optimizer.step();
            step++;
            if (checkpoint != null && step % checkpointEvery == 0 && comm.rank() == 0) saveCheckpoint();
            return new StepResult(step, totals.meanLoss(), totals.units());
        } catch (RuntimeException e) {
            comm.close();
            throw e;
        }
    }

    /**
     * Runs steps until {@code untilStep} steps are done, rank {@code comm.rank()} taking its shards from {@code data}.
     * After a resume this continues from the checkpoint's step. If the data source throws, the collective is closed
     * (as in {@link #step}).
     *
     * @param data the shards, by step
     * @param untilStep the step count to reach
     * @return the results of the steps run (none if {@code untilStep} steps are done already)
     */
    public List<StepResult> train(ShardSource<? extends S> data, int untilStep) {
        List<StepResult> out = new ArrayList<>();
        while (step < untilStep) {
            S shard;
            try {
                shard = data.shard(step, comm.rank(), comm.worldSize());
            } catch (RuntimeException e) {
                comm.close();                    // as in step(): the other ranks fail now, not at their timeout
                throw e;
            }
            out.add(step(shard));
        }
        return out;
    }

    /**
     * Writes the checkpoint now (rank 0 only; other ranks do nothing): model, Adam's state and the step, atomically.
     *
     * @throws IllegalStateException if no checkpoint file was configured
     * @throws UncheckedIOException if the file cannot be written (the previous checkpoint stays whole)
     */
    public void saveCheckpoint() {
        if (checkpoint == null) throw new IllegalStateException("DistributedTrainer.saveCheckpoint: no checkpoint file was configured");
        if (comm.rank() != 0) return;
        try {
            TrainerCheckpoint.write(checkpoint, model, (Adam) optimizer, step, comm.worldSize());
        } catch (IOException e) {
            throw new UncheckedIOException("DistributedTrainer: rank 0 could not write the checkpoint " + checkpoint + " at step " + step, e);
        }
    }

    /**
     * The number of steps done (including those before a resumed checkpoint).
     *
     * @return the step count
     */
    public int stepsDone() { return step; }

    /**
     * This rank's replica.
     *
     * @return the model being trained
     */
    public M model() { return model; }

    /**
     * This rank's optimizer (the same state on every rank).
     *
     * @return the optimizer the builder's factory made
     */
    public Optimizer optimizer() { return optimizer; }

    /**
     * The text every rank compares before training: Sluice's version, the model's class, its parameters' and
     * buffers' names, shapes and dtypes in order, the optimizer's class and learning rate, the world size and the
     * checkpoint interval.
     */
    static String fingerprint(Module model, Optimizer opt, int worldSize, int checkpointEvery) {
        StringBuilder s = new StringBuilder();
        s.append("sluice ").append(Sluice.version()).append('\n');
        s.append("model ").append(model.getClass().getName()).append('\n');
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            s.append("parameter ").append(e.getKey()).append(' ').append(Arrays.toString(e.getValue().shape())).append(' ')
                    .append(e.getValue().dtype()).append(e.getValue().requiresGrad() ? "" : " frozen").append('\n');
        }
        for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
            s.append("buffer ").append(e.getKey()).append(' ').append(Arrays.toString(e.getValue().shape())).append(' ')
                    .append(e.getValue().dtype()).append('\n');
        }
        s.append("optimizer ").append(opt.getClass().getName()).append(" over ").append(opt.params().size())
                .append(" tensors, lr ").append(opt.lr()).append('\n');
        s.append("world size ").append(worldSize).append('\n');
        s.append("checkpoint every ").append(checkpointEvery).append(" steps");
        return s.toString();
    }

    /**
     * Configures a {@link DistributedTrainer}; {@link #build()} is itself a collective step (all ranks call it).
     *
     * @param <M> the model's type
     * @param <S> the shard's type
     */
    public static final class Builder<M extends Module, S> {
        private final M model;
        private final AllReduce comm;
        private final StepLoss<? super M, ? super S> loss;
        private Function<List<Tensor>, ? extends Optimizer> optimizerFactory;
        private LrSchedule schedule;
        private double maxGradNorm;
        private Path checkpoint;
        private int checkpointEvery;

        private Builder(M model, AllReduce comm, StepLoss<? super M, ? super S> loss) {
            this.model = Objects.requireNonNull(model, "model");
            this.comm = Objects.requireNonNull(comm, "comm");
            this.loss = Objects.requireNonNull(loss, "loss");
        }

        /**
         * How to make the optimizer from the model's parameters (in {@link Module#parameters()} order); called once per
         * rank, so every rank gets an optimizer with the same settings.
         *
         * @param factory e.g. {@code params -> new AdamW(params, 1e-3)}
         * @return this builder
         */
        public Builder<M, S> optimizer(Function<List<Tensor>, ? extends Optimizer> factory) {
            this.optimizerFactory = Objects.requireNonNull(factory, "optimizer factory");
            return this;
        }

        /**
         * Sets the learning rate before each step from the step count (so a resumed run continues the schedule).
         *
         * @param schedule the schedule, indexed by the step about to run
         * @return this builder
         */
        public Builder<M, S> lrSchedule(LrSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Clips the global gradient (after the all-reduce, so every rank clips the same way) to this norm.
         *
         * @param maxNorm the largest total 2-norm, &gt; 0
         * @return this builder
         * @throws IllegalArgumentException if maxNorm is not positive
         */
        public Builder<M, S> clipGradNorm(double maxNorm) {
            if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be positive and finite, got " + maxNorm);
            this.maxGradNorm = maxNorm;
            return this;
        }

        /**
         * Has rank 0 write a checkpoint to {@code file} after every {@code everySteps} steps, and resume from
         * {@code file} if it exists when {@link #build()} runs. Needs an {@link Adam} or AdamW optimizer (whose state
         * can be saved).
         *
         * @param file the checkpoint file on rank 0's machine
         * @param everySteps the interval K, ≥ 1
         * @return this builder
         * @throws IllegalArgumentException if everySteps &lt; 1
         */
        public Builder<M, S> checkpoint(Path file, int everySteps) {
            if (everySteps < 1) throw new IllegalArgumentException("checkpoint: everySteps must be at least 1, got " + everySteps);
            this.checkpoint = Objects.requireNonNull(file, "file");
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * Checks that all ranks agree on the setup, then gives every rank rank 0's starting state (resuming from the
         * checkpoint when rank 0 has one). All ranks must call this together.
         *
         * @return the trainer, its replica equal to rank 0's
         * @throws IllegalStateException on every rank if the ranks' setups differ, or if rank 0 cannot read its
         * checkpoint
         * @throws IllegalArgumentException if no optimizer was set, a parameter is not float32, or checkpoints are
         * asked for without an Adam optimizer
         */
        public DistributedTrainer<M, S> build() {
            if (optimizerFactory == null) throw new IllegalArgumentException("DistributedTrainer.Builder: set an optimizer");
            for (var e : model.namedParameters().entrySet()) {
                if (e.getValue().dtype() != DType.FLOAT32) {
                    throw new IllegalArgumentException("DistributedTrainer: parameter " + e.getKey() + " is " + e.getValue().dtype()
                            + "; gradients are all-reduced as float32, so every parameter must be float32");
                }
            }
            Optimizer opt = Objects.requireNonNull(optimizerFactory.apply(model.parameters()), "the optimizer factory returned null");
            if (checkpoint != null && !(opt instanceof Adam)) {
                throw new IllegalArgumentException("DistributedTrainer: checkpoints save Adam's or AdamW's state; "
                        + opt.getClass().getSimpleName() + "'s state cannot be saved yet");
            }
            Handshake.agree(comm, "DistributedTrainer setup", fingerprint(model, opt, comm.worldSize(), checkpointEvery));
            DistributedTrainer<M, S> t = new DistributedTrainer<>(this, opt);
            t.step = startingState(opt);
            return t;
        }

        /** Rank 0 loads its checkpoint if any; then everyone takes rank 0's state. Returns the step to continue from. */
        private int startingState(Optimizer opt) {
            RuntimeException failure = null;
            int step = 0;
            if (comm.rank() == 0 && checkpoint != null && Files.exists(checkpoint)) {
                try {
                    step = TrainerCheckpoint.read(checkpoint, model, (Adam) opt);
                } catch (IOException | RuntimeException e) {
                    failure = new IllegalStateException("DistributedTrainer: rank 0 could not resume from " + checkpoint + ": " + e.getMessage(), e);
                }
            }
            float[] state = comm.rank() == 0 ? ReplicaState.flatten(model, opt, step, failure == null) : new float[ReplicaState.length(model, opt)];
            comm.broadcast(state, 0);      // rank 0 broadcasts even when it failed, so the others stop too
            if (failure != null) throw failure;
            int restored = ReplicaState.restore(state, model, opt);
            return comm.rank() == 0 ? step : restored;
        }
    }
}
