package dev.sluice.distributed;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.PromptTransform;
import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.LabelRouter;
import dev.sluice.methods.routing.Masks;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.nn.Activation;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.nn.ResponseScores;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The three methods train data-parallel through one {@link DistributedTrainer}: what each needs per example travels in
 * the shard (labels that choose routing masks, prompts and responses) or in the loss's closure (the teacher), and N
 * ranks end within 1e-5 of one process training on the whole batch.
 */
class DistributedMethodsTest {
    private static final int STEPS = 20, RANKS = 3;

    /** Gradient routing: each example's label picks the mask of its gradient through the code layer. */
    record Labelled(Tensor x, Tensor labels) {
        Labelled slice(ShardRange r) { return new Labelled(x.narrow(0, r.from(), r.size()), labels.narrow(0, r.from(), r.size())); }
    }

    static Labelled routingBatch(int step) {
        Generator gen = new Generator(300 + step);
        return new Labelled(Tensor.randn(gen, DType.FLOAT32, 12, 20), Tensor.randint(gen, 0, 10, 12));
    }

    static LabelRouter router() {
        return LabelRouter.builder(10, 8).route(new int[] {0, 1, 2, 3, 4}, Masks.only(8, 0, 4))
                .route(new int[] {5, 6, 7, 8, 9}, Masks.only(8, 4, 8)).at("hidden1").build();
    }

    /** An MSE autoencoder (L1's ±1/n gradients cancel exactly, and AdamW would blow up the rounding residue). */
    static StepLoss<MLP, Labelled> routedLoss(boolean routed) {
        LabelRouter router = router();
        return (m, s) -> {
            if (!routed) return ShardLoss.mean(Losses.mse(m.forward(s.x()), s.x()), s.x().size(0));
            try (var scope = GradientRouting.apply(m, router, s.labels())) {   // this shard's labels choose its masks
                return ShardLoss.mean(Losses.mse(m.forward(s.x()), s.x()), s.x().size(0));
            }
        };
    }

    @Test
    void gradientRoutingWithPerExampleMasks() {
        IntFunction<MLP> init = r -> new MLP(new int[] {20, 32, 8, 20}, Activation.RELU, new Generator(r == 0 ? 7 : 70 + r));
        List<float[]> one = oneProcess(init.apply(0), routedLoss(true), DistributedMethodsTest::routingBatch);
        List<float[]> unrouted = oneProcess(init.apply(0), routedLoss(false), DistributedMethodsTest::routingBatch);
        assertTrue(maxDiff(one, unrouted) > 1e-3, "the masks change training, so the comparison below can see them");
        List<float[]> ranks = dataParallel(init, r -> routedLoss(true),
                (step, rank, world) -> routingBatch(step).slice(ShardRange.of(12, rank, world)));
        assertTrue(maxDiff(one, ranks) <= 1e-5, "routed, 3 ranks vs one process: " + maxDiff(one, ranks));
    }

    /** UNDO's distillation: every rank holds the frozen teacher and computes its logits for its own shard. */
    @Test
    void undoDistillationWithTheTeacherPerShard() {
        IntFunction<MLP> teacher = r -> new MLP(new int[] {8, 32, 4}, Activation.RELU, new Generator(3));
        IntFunction<MLP> student = r -> {
            MLP s = teacher.apply(r).deepCopy();
            ShrinkPerturb.builder(0.8, 0.1, 42 + r).build().apply(s);        // ranks > 0 noise differently: rank 0's wins
            return s;
        };
        IntFunction<StepLoss<MLP, Tensor>> loss = r -> {
            MLP t = teacher.apply(r);
            return (m, x) -> {
                Tensor teacherLogits;
                try (var noGrad = GradMode.noGrad()) {
                    teacherLogits = t.forward(x);
                }
                return ShardLoss.mean(Losses.forwardKl(m.forward(x), teacherLogits, 1.0, null), x.size(0));
            };
        };
        IntFunction<Tensor> batch = step -> Tensor.randn(new Generator(500 + step), DType.FLOAT32, 16, 8);
        List<float[]> one = oneProcess(student.apply(0), loss.apply(0), batch);
        List<float[]> ranks = dataParallel(student, loss, (step, rank, world) -> {
            ShardRange r = ShardRange.of(16, rank, world);
            return batch.apply(step).narrow(0, r.from(), r.size());
        });
        assertTrue(maxDiff(one, ranks) <= 1e-5, "distilled, 3 ranks vs one process: " + maxDiff(one, ranks));
    }

    /**
     * Recontextualization: the shard carries the problems and the kept responses; the loss trains on the responses
     * under the training prompt. The response loss is a mean over tokens, and the shards hold different numbers of
     * tokens, so each rank's count is its token count.
     */
    record Episodes(int[][] problems, int[][] responses) {
        Episodes slice(ShardRange r) {
            return new Episodes(Arrays.copyOfRange(problems, r.from(), r.to()), Arrays.copyOfRange(responses, r.from(), r.to()));
        }
    }

    static Episodes episodes(int step) {
        SplittableRandom rng = new SplittableRandom(900 + step);
        int[][] problems = new int[7][], responses = new int[7][];
        for (int i = 0; i < 7; i++) {
            problems[i] = new int[] {1 + rng.nextInt(4), 5, 6, 7, 9 + rng.nextInt(4)};
            responses[i] = rng.ints(1 + rng.nextInt(4), 1, 16).toArray();      // 1 to 4 tokens
        }
        return new Episodes(problems, responses);
    }

    @Test
    void recontextualizedBatchesWeightedByTokens() {
        PromptTransform train = PromptTransform.replace("permissive", new int[] {5, 6, 7}, new int[] {5, 8, 7});
        StepLoss<GPT, Episodes> loss = (gpt, s) -> {
            ResponseScores scores = ResponseScores.of(gpt, train.apply(s.problems()), s.responses(), false);
            return ShardLoss.mean(ExpertIteration.responseLoss(scores), scores.mask().sum().item());
        };
        IntFunction<GPT> init = r -> new GPT(new GPT.Config(16, 16, 16, 2, 1, 0.0), new Generator(r == 0 ? 11 : 110 + r));
        List<float[]> one = oneProcess(init.apply(0), loss, DistributedMethodsTest::episodes);
        List<float[]> ranks = dataParallel(init, r -> loss, (step, rank, world) -> episodes(step).slice(ShardRange.of(7, rank, world)));
        // The attention's key bias adds q·b_k to every score of a row, which softmax ignores: its true gradient is 0
        // and the computed one is rounding noise (~1e-11), different for any other batch layout, even in one process.
        // AdamW turns noise into steps of lr·g/eps, so those 16 numbers are held to 2e-4 and everything else to 1e-5.
        List<String> names = new ArrayList<>(init.apply(0).namedParameters().keySet());
        int keyBias = names.indexOf("blocks.0.attn.qkv.bias");
        float[] oneKeyBias = Arrays.copyOfRange(one.get(keyBias), 16, 32), ranksKeyBias = Arrays.copyOfRange(ranks.get(keyBias), 16, 32);
        for (List<float[]> p : List.of(one, ranks)) Arrays.fill(p.get(keyBias), 16, 32, 0f);
        assertTrue(maxDiff(one, ranks) <= 1e-5, "recontextualized, 3 ranks vs one process: " + maxDiff(one, ranks));
        assertTrue(maxDiff(List.of(oneKeyBias), List.of(ranksKeyBias)) <= 2e-4, "key bias: " + maxDiff(List.of(oneKeyBias), List.of(ranksKeyBias)));
    }

    /** The plain loop: the whole batch, the loss's own mean, one optimizer. */
    static <M extends Module, S> List<float[]> oneProcess(M model, StepLoss<M, S> loss, IntFunction<S> batches) {
        Optimizer opt = optimizer(model.parameters());
        for (int s = 0; s < STEPS; s++) {
            opt.zeroGrad();
            loss.compute(model, batches.apply(s)).loss().backward();
            opt.step();
        }
        return params(model);
    }

    /** Rank 0's parameters after training on 3 ranks, after checking that every rank holds the same bits. */
    static <M extends Module, S> List<float[]> dataParallel(IntFunction<M> init, IntFunction<StepLoss<M, S>> loss, ShardSource<S> data) {
        List<LocalAllReduce> comms = LocalAllReduce.create(RANKS);
        List<List<float[]>> all = Ranks.values(RANKS, r -> {
            DistributedTrainer<M, S> t = DistributedTrainer.builder(init.apply(r), comms.get(r), loss.apply(r))
                    .optimizer(DistributedMethodsTest::optimizer).build();
            t.train(data, STEPS);
            return params(t.model());
        });
        for (int r = 1; r < RANKS; r++) DistributedTrainerTest.assertBitIdentical(all.get(0), all.get(r), "rank " + r);
        return all.get(0);
    }

    static Optimizer optimizer(List<Tensor> params) { return new AdamW(params, 1e-2); }

    static List<float[]> params(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Tensor p : m.parameters()) out.add(p.toFloatArray());
        return out;
    }

    static double maxDiff(List<float[]> a, List<float[]> b) {
        double worst = 0;
        for (int i = 0; i < a.size(); i++) for (int j = 0; j < a.get(i).length; j++) worst = Math.max(worst, Math.abs(a.get(i)[j] - b.get(i)[j]));
        return worst;
    }
}
