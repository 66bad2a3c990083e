package dev.sluice.distributed;

import dev.sluice.data.Batch;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.LrSchedule;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DistributedTrainerTest {
    private static final int[] SIZES = {8, 16, 4};
    private static final int STEPS = 20;
    private static final StepLoss<MLP, Batch> LOSS = (m, b) -> b.size() == 0 ? ShardLoss.empty()
            : ShardLoss.mean(Losses.crossEntropy(m.forward(b.inputs()), b.targets()), b.size());

    /** Step s's global batch: the same on every rank, fixed by the step. */
    static Batch globalBatch(int step, int size) {
        Generator gen = new Generator(1000 + step);
        return new Batch(Tensor.randn(gen, DType.FLOAT32, size, 8), Tensor.randint(gen, 0, 4, size));
    }

    static ShardSource<Batch> shards(int globalSize) {
        return (step, rank, world) -> {
            Batch g = globalBatch(step, globalSize);
            ShardRange r = ShardRange.of(globalSize, rank, world);
            return new Batch(g.inputs().narrow(0, r.from(), r.size()), g.targets().narrow(0, r.from(), r.size()));
        };
    }

    static Optimizer adamW(List<Tensor> params) { return new AdamW(params, 1e-2); }

    /** Rank 0 starts from seed 0; the others from other seeds, which the start-up broadcast must overwrite. */
    static MLP replica(int rank) { return new MLP(SIZES, Activation.RELU, new Generator(rank == 0 ? 0 : 50 + rank)); }

    /** One process, the whole batch, the plain training loop. */
    static List<float[]> singleProcess(int globalSize) {
        MLP model = replica(0);
        Optimizer opt = adamW(model.parameters());
        for (int s = 0; s < STEPS; s++) {
            Batch b = globalBatch(s, globalSize);
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(b.inputs()), b.targets()).backward();
            opt.step();
        }
        return params(model);
    }

    static List<float[]> params(MLP model) {
        List<float[]> out = new ArrayList<>();
        for (Tensor p : model.parameters()) out.add(p.toFloatArray());
        return out;
    }

    static List<List<float[]>> distributed(List<? extends AllReduce> comms, int globalSize) {
        return Ranks.values(comms.size(), r -> {
            DistributedTrainer<MLP, Batch> t = DistributedTrainer.builder(replica(r), comms.get(r), LOSS)
                    .optimizer(DistributedTrainerTest::adamW).build();
            t.train(shards(globalSize), STEPS);
            return params(t.model());
        });
    }

    /**
     * The correctness bar: N workers on B/N each end within 1e-5 of one process on B after 20 AdamW steps,
     * including shards of unequal size (10 on 4 ranks: 3, 3, 2, 2) and a rank with nothing (3 on 4 ranks).
     */
    @ParameterizedTest
    @CsvSource({"2, 32", "4, 32", "4, 10", "4, 3"})
    void nWorkersMatchOneProcessOnTheGlobalBatch(int n, int globalSize) {
        List<float[]> expected = singleProcess(globalSize);
        List<List<float[]>> ranks = distributed(LocalAllReduce.create(n), globalSize);
        double worst = 0, moved = 0;
        for (int i = 0; i < expected.size(); i++) {
            float[] e = expected.get(i), a = ranks.get(0).get(i), init = replica(0).parameters().get(i).toFloatArray();
            for (int j = 0; j < e.length; j++) {
                worst = Math.max(worst, Math.abs(e[j] - a[j]));
                moved = Math.max(moved, Math.abs(e[j] - init[j]));
            }
        }
        assertTrue(worst <= 1e-5, "largest difference from one process: " + worst);
        assertTrue(moved > 0.05, "training moved the parameters: " + moved);
        for (int r = 1; r < n; r++) assertBitIdentical(ranks.get(0), ranks.get(r), "rank " + r + " vs rank 0");
    }

    /** Weighting by shard size matters: averaging the ranks' gradients equally would not match one process. */
    @Test
    void equalWeightsWouldMissTheGlobalMean() {
        List<float[]> expected = singleProcess(10);
        StepLoss<MLP, Batch> unweighted = (m, b) -> ShardLoss.mean(Losses.crossEntropy(m.forward(b.inputs()), b.targets()), 1);
        List<LocalAllReduce> comms = LocalAllReduce.create(4);
        List<List<float[]>> ranks = Ranks.values(4, r -> {
            DistributedTrainer<MLP, Batch> t = DistributedTrainer.builder(replica(r), comms.get(r), unweighted)
                    .optimizer(DistributedTrainerTest::adamW).build();
            t.train(shards(10), STEPS);
            return params(t.model());
        });
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < expected.get(i).length; j++) worst = Math.max(worst, Math.abs(expected.get(i)[j] - ranks.get(0).get(i)[j]));
        }
        assertTrue(worst > 1e-3, "unweighted ranks drift from one process: " + worst);
    }

    /** The transport does not change a bit: the ring and the in-process reference train the same parameters. */
    @ParameterizedTest
    @CsvSource({"2", "3"})
    void ringAndLocalTrainBitIdenticalParameters(int n) throws IOException {
        List<List<float[]>> local = distributed(LocalAllReduce.create(n), 12);
        List<RingAllReduce> ring = RingAllReduce.loopback(n, java.time.Duration.ofSeconds(10), 100);
        try {
            List<List<float[]>> viaRing = distributed(ring, 12);
            for (int r = 0; r < n; r++) assertBitIdentical(local.get(r), viaRing.get(r), "rank " + r);
        } finally {
            ring.forEach(RingAllReduce::close);
        }
    }

    /** A rank with another model is refused on every rank, with the first differing line, before any step. */
    @Test
    void aRankWithAnotherModelIsRejectedOnEveryRank() {
        List<LocalAllReduce> comms = LocalAllReduce.create(3);
        var outcomes = Ranks.run(3, r -> {
            MLP model = new MLP(r == 2 ? new int[] {8, 32, 4} : SIZES, Activation.RELU, new Generator(r));
            return DistributedTrainer.builder(model, comms.get(r), LOSS).optimizer(DistributedTrainerTest::adamW).build();
        });
        for (var o : outcomes) {
            assertInstanceOf(IllegalStateException.class, o.error());
            assertEquals("DistributedTrainer setup differs between ranks, so no rank starts: rank 2 differs at line 3: "
                    + "rank 0 has 'parameter fc0.weight [16, 8] float32', rank 2 has 'parameter fc0.weight [32, 8] float32'",
                    o.error().getMessage());
        }
    }

    /**
     * Checkpoint and resume: 20 steps straight vs 12 steps (checkpoints at 5 and 10), a crash, and a fresh start from
     * other random weights that resumes at step 10 and runs to 20: the same bits on every rank (so the model, Adam's
     * moments and counts, the step and the data position all came back).
     */
    @Test
    void resumingFromTheCheckpointLosesAndRepeatsNoStep(@TempDir Path dir) {
        LrSchedule schedule = LrSchedule.warmupCosine(4, 20, 1e-2, 1e-3);
        Path straightFile = dir.resolve("straight.safetensors"), crashFile = dir.resolve("crash.safetensors");
        List<List<float[]>> straight = runWithCheckpoints(straightFile, schedule, STEPS, 0);
        List<List<float[]>> crashed = runWithCheckpoints(crashFile, schedule, 12, 0);
        assertFalse(sameBits(straight.get(0), crashed.get(0)), "12 steps differ from 20");
        List<LocalAllReduce> comms = LocalAllReduce.create(2);
        List<Object[]> resumed = Ranks.values(2, r -> {
            MLP model = new MLP(SIZES, Activation.RELU, new Generator(700 + r));
            DistributedTrainer<MLP, Batch> t = DistributedTrainer.builder(model, comms.get(r), LOSS)
                    .optimizer(DistributedTrainerTest::adamW).lrSchedule(schedule).checkpoint(crashFile, 5).build();
            int start = t.stepsDone();
            int ran = t.train(shards(8), STEPS).size();
            return new Object[] {start, ran, params(t.model())};
        });
        for (int r = 0; r < 2; r++) {
            assertEquals(10, resumed.get(r)[0], "rank " + r + " resumed at the last checkpoint");
            assertEquals(10, resumed.get(r)[1], "rank " + r + " ran steps 10..19 only");
            @SuppressWarnings("unchecked") List<float[]> p = (List<float[]>) resumed.get(r)[2];
            assertBitIdentical(straight.get(r), p, "rank " + r + ": resumed vs straight");
        }
    }

    private static List<List<float[]>> runWithCheckpoints(Path file, LrSchedule schedule, int steps, int seedOffset) {
        List<LocalAllReduce> comms = LocalAllReduce.create(2);
        return Ranks.values(2, r -> {
            DistributedTrainer<MLP, Batch> t = DistributedTrainer.builder(replica(r + seedOffset), comms.get(r), LOSS)
                    .optimizer(DistributedTrainerTest::adamW).lrSchedule(schedule).checkpoint(file, 5).build();
            t.train(shards(8), steps);
            return params(t.model());
        });
    }

    /** A loss that throws on one rank fails the others at once (the trainer closes the collective), not by timeout. */
    @Test
    void aFailingRankStopsTheOthers() {
        List<LocalAllReduce> comms = LocalAllReduce.create(2, java.time.Duration.ofSeconds(30));
        long start = System.nanoTime();
        var outcomes = Ranks.run(2, r -> {
            StepLoss<MLP, Batch> loss = (m, b) -> {
                if (r == 1) throw new IllegalStateException("rank 1's data is bad");
                return LOSS.compute(m, b);
            };
            DistributedTrainer<MLP, Batch> t = DistributedTrainer.builder(replica(r), comms.get(r), loss)
                    .optimizer(DistributedTrainerTest::adamW).build();
            return t.train(shards(8), 3);
        });
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "no wait for the 30 s timeout");
        assertEquals("rank 1's data is bad", outcomes.get(1).error().getMessage());
        assertInstanceOf(CollectiveException.class, outcomes.get(0).error());
    }

    /** A checkpoint rank 0 cannot read stops every rank at start-up, each saying why. */
    @Test
    void aDamagedCheckpointStopsEveryRank(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        java.nio.file.Files.writeString(file, "not a safetensors file");
        List<LocalAllReduce> comms = LocalAllReduce.create(2);
        var outcomes = Ranks.run(2, r -> DistributedTrainer.builder(replica(r), comms.get(r), LOSS)
                .optimizer(DistributedTrainerTest::adamW).checkpoint(file, 5).build());
        assertTrue(outcomes.get(0).error().getMessage().startsWith("DistributedTrainer: rank 0 could not resume from " + file),
                outcomes.get(0).error().getMessage());
        assertTrue(outcomes.get(1).error().getMessage().contains("rank 0 could not prepare the starting state"),
                outcomes.get(1).error().getMessage());
    }

    /** Checkpoints need an optimizer whose state can be saved. */
    @Test
    void checkpointsNeedAdam(@TempDir Path dir) {
        List<LocalAllReduce> comms = LocalAllReduce.create(1);
        var b = DistributedTrainer.builder(replica(0), comms.get(0), LOSS)
                .optimizer(p -> new dev.sluice.optim.SGD(p, 0.1, 0.9, 0, false)).checkpoint(dir.resolve("c"), 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("SGD's state cannot be saved"), e.getMessage());
    }

    /** The checkpoint holds the model, AdamW's moments and counts, and the step; it fits only its own model. */
    @Test
    void theCheckpointFileHoldsModelOptimizerAndStep(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        runWithCheckpoints(file, LrSchedule.constant(1e-2), 7, 0);
        var f = dev.sluice.io.SafeTensors.read(file);
        assertEquals("5", f.metadata().get("sluice.distributed.step"));
        assertEquals("[5,5,5,5]", f.metadata().get("sluice.distributed.param_steps"));
        assertTrue(f.contains("model.fc0.weight") && f.contains("optim.fc0.weight.exp_avg") && f.contains("optim.fc1.bias.exp_avg_sq"), f.names().toString());
        MLP other = new MLP(new int[] {8, 32, 4}, Activation.RELU, new Generator(0));
        AdamW opt = new AdamW(other.parameters(), 1e-2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerCheckpoint.read(file, other, opt));
        assertTrue(e.getMessage().contains("holds moments of shape [16, 8] for fc0.weight, which has shape [32, 8]"), e.getMessage());
    }

    static boolean sameBits(List<float[]> a, List<float[]> b) {
        for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    static void assertBitIdentical(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), what + ", parameter " + i);
    }
}
