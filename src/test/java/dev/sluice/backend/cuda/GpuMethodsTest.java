package dev.sluice.backend.cuda;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.GptPolicy;
import dev.sluice.methods.recontext.Grpo;
import dev.sluice.methods.recontext.PromptTransform;
import dev.sluice.methods.recontext.Reward;
import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.LabelRouter;
import dev.sluice.methods.routing.Masks;
import dev.sluice.methods.routing.RouteScope;
import dev.sluice.methods.routing.TokenRouter;
import dev.sluice.methods.undo.Rmu;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Checkpoints;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Generation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.sluice.backend.cuda.GpuParityTest.close;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The three methods' building blocks on cuda:0 against the CPU: generation with the KV cache over left-padded
 * prompts, response scores and the GRPO objective (recontextualization), gradient routing by label and by token,
 * shrink-and-perturb, RMU and surgery (UNDO, Expand-Route-Ablate), and checkpoints of a GPU model. Tolerances as
 * GpuParityTest: 1e-4 relative + 1e-5 absolute for gradients through several products.
 */
class GpuMethodsTest {
    private static final Device GPU = Device.cuda(0);
    private static final int EOS = 1;
    private static final int[][] PROMPTS = {{5, 6, 7}, {8}, {9, 10}};

    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    private static void sameGradients(Module cpu, Module gpu, String what) {
        Map<String, Tensor> c = cpu.namedParameters(), g = gpu.namedParameters();
        assertEquals(c.keySet(), g.keySet());
        for (String name : c.keySet()) {
            Tensor gc = c.get(name).grad(), gg = g.get(name).grad();
            if (gc == null) {
                assertNull(gg, what + ": " + name + " has a gradient on cuda only");
                continue;
            }
            assertEquals(GPU, gg.device(), what + ": " + name);
            close(gc.toFloatArray(), gg.toFloatArray(), 1e-4, 1e-5, what + " grad " + name);
        }
    }

    private static GPT gpt() { return new GPT(new GPT.Config(12, 16, 16, 2, 1, 0.0), new Generator(3)); }

    private static Generator[] gens() { return new Generator[] {new Generator(1), new Generator(2), new Generator(3)}; }

    @Test
    void generationWithTheCacheOverLeftPaddedPromptsAndResponseScoresMatchTheCpu() {
        GPT cpu = gpt(), gpu = cpu.deepCopy().to(GPU);
        var greedy = new Generation.Config(6, 0.0, 0, EOS);
        int[][] a = Generation.generate(cpu, PROMPTS, greedy, gens(), true);
        int[][] b = Generation.generate(gpu, PROMPTS, greedy, gens(), true);
        assertArrayEquals(a, b, "greedy tokens");
        assertArrayEquals(b, Generation.generate(gpu, PROMPTS, greedy, gens(), false), "cached = uncached on cuda");
        // GPT's own single-prompt sampling, past the context length (the cache is rebuilt from a sliding window)
        int[] one = cpu.generate(new int[] {5, 6, 7}, 20, 0.0, 0, new Generator(1));
        assertArrayEquals(one, gpu.generate(new int[] {5, 6, 7}, 20, 0.0, 0, new Generator(1)), "GPT.generate");
        assertArrayEquals(one, gpu.generateWithoutCache(new int[] {5, 6, 7}, 20, 0.0, 0, new Generator(1)), "GPT.generateWithoutCache");
        ResponseScores sc = new GptPolicy(cpu).score(PROMPTS, a, true), sg = new GptPolicy(gpu).score(PROMPTS, a, true);
        close(sc.tokenLogProbs().toFloatArray(), sg.tokenLogProbs().toFloatArray(), 1e-4, 1e-5, "token log-probs");
        close(sc.entropy().toFloatArray(), sg.entropy().toFloatArray(), 1e-4, 1e-5, "entropy");
    }

    @Test
    void theGrpoObjectiveHasTheCpuLossAndGradients() {
        GPT cpu = gpt(), gpu = cpu.deepCopy().to(GPU);
        int[][] train = {{4, 5, 6, 7}, {4, 8}, {4, 9, 10}};
        int[][] responses = {{7, 7, 1}, {2}, {3, 7}};
        Tensor adv = Tensor.of(new float[] {1.2f, -0.4f, -0.8f}, 3);
        double[] losses = new double[2];
        Module[] models = {cpu, gpu};
        for (int i = 0; i < 2; i++) {
            GptPolicy p = new GptPolicy((GPT) models[i]);
            Tensor old;
            try (var ignored = GradMode.noGrad()) {
                old = p.score(PROMPTS, responses, false).sum();   // sampled under the generation prompts
            }
            Grpo.Objective o = Grpo.objective(p.score(train, responses, false), old, adv.to(old.device()), 0.2);
            o.loss().backward();
            losses[i] = o.loss().item();
        }
        assertEquals(losses[0], losses[1], 1e-4 * Math.abs(losses[0]) + 1e-5);
        sameGradients(cpu, gpu, "GRPO");
    }

    @Test
    void expertIterationAndGrpoTrainAPolicyOnTheGpu() {
        GptPolicy p = new GptPolicy(gpt().to(GPU));
        PromptTransform gen = PromptTransform.insert("gen", 0, new int[] {2, 3}), trainPrompt = PromptTransform.insert("train", 0, new int[] {4});
        Reward reward = (q, r) -> { int c = 0; for (int t : r) if (t == 7) c++; return c; };
        Reward truth = (q, r) -> r.length <= 2 ? 1 : 0;
        var sampling = new Generation.Config(4, 1.0, 0, EOS);
        var stats = new ExpertIteration(new ExpertIteration.Config(4, 5, 6, 1e-2, sampling))
                .round(p, PROMPTS, gen, trainPrompt, reward, truth, new SplittableRandom(5));
        assertTrue(stats.keptReward() >= stats.sampledReward(), stats.toString());
        var s = new Grpo(p, p.frozenCopy(), new Grpo.Config(4, 2, 0.2, 0.1, 0.01, 1e-2, sampling))
                .step(PROMPTS, gen, trainPrompt, reward, truth, new SplittableRandom(6));
        assertTrue(Double.isFinite(s.loss()), s.toString());
        for (Tensor t : p.parameters()) assertEquals(GPU, t.device());
    }

    @Test
    void labelRoutingGivesTheCpuGradients() {
        MLP cpu = new MLP(new int[] {6, 8, 3}, Activation.RELU, new Generator(4));
        MLP gpu = cpu.deepCopy().to(GPU);
        LabelRouter router = LabelRouter.builder(3, 8).route(new int[] {0}, Masks.only(8, 0, 4))
                .route(new int[] {1, 2}, new double[] {1, 1, 1, 1, -0.75, 0.3, 0, 0}).at("hidden0").build();
        Tensor x = Tensor.randn(new Generator(5), DType.FLOAT32, 5, 6), labels = Tensor.of(new long[] {0, 2, 1, 0, 2}, 5);
        for (MLP m : List.of(cpu, gpu)) {
            Tensor xd = x.to(m.layer(0).weight().device()), ld = labels.to(xd.device());
            try (RouteScope ignored = GradientRouting.apply(m, router, ld)) {
                Losses.crossEntropy(m.forward(xd), ld).backward();
            }
        }
        sameGradients(cpu, gpu, "label routing");
    }

    @Test
    void tokenRoutingInAGptGivesTheCpuGradients() {
        GPT cpu = gpt(), gpu = cpu.deepCopy().to(GPU);
        double[] weights = new double[12];
        java.util.Arrays.fill(weights, 1);
        weights[7] = 0;
        TokenRouter router = new TokenRouter(List.of("blocks.0.mlp.hidden0"), Masks.range(64, 0, 32, -0.75, 1),
                Masks.ones(64), weights);
        long[] in = {5, 6, 7, 8, 9, 10, 11, 2}, out = {6, 7, 8, 9, 10, 7, 2, 3};
        for (GPT m : List.of(cpu, gpu)) {
            Device d = m.namedParameters().values().iterator().next().device();
            Tensor inputs = Tensor.of(in, 2, 4).to(d), targets = Tensor.of(out, 2, 4).to(d);
            try (RouteScope ignored = GradientRouting.apply(m, router, new TokenRouter.Batch(targets, new boolean[] {true, false}))) {
                Losses.crossEntropy(m.forward(inputs), targets).backward();
            }
        }
        sameGradients(cpu, gpu, "token routing");
    }

    @Test
    void shrinkPerturbRmuAndSurgeryMatchTheCpu() {
        GPT cpu = gpt(), gpu = cpu.deepCopy().to(GPU);
        ShrinkPerturb sp = ShrinkPerturb.builder(0.6, 0.1, 9).build();
        sp.apply(cpu);
        sp.apply(gpu);
        for (var e : cpu.namedParameters().entrySet()) {
            Tensor g = gpu.namedParameters().get(e.getKey());
            assertEquals(GPU, g.device());
            close(e.getValue().toFloatArray(), g.toFloatArray(), 1e-5, 1e-6, "shrink-perturb " + e.getKey());
        }
        Tensor forget = Tensor.of(new long[] {1, 2, 3, 4}, 1, 4), retain = Tensor.of(new long[] {5, 6, 7, 8}, 1, 4);
        double rc = new Rmu(cpu, cpu.deepCopy(), "blocks.0.resid", 6.0, 100, 3).loss(forget, retain).item();
        double rg = new Rmu(gpu, gpu.deepCopy(), "blocks.0.resid", 6.0, 100, 3).loss(forget.to(GPU), retain.to(GPU)).item();
        assertEquals(rc, rg, 1e-4 * Math.abs(rc));

        MLP mc = new MLP(new int[] {4, 6, 2}, Activation.GELU, new Generator(8));
        MLP mg = mc.deepCopy().to(GPU);
        for (MLP m : List.of(mc, mg)) {
            m.expandHidden(0, 3, new Generator(11));
            m.ablateHidden(0, 6, 9);
        }
        assertEquals(GPU, mg.layer(0).weight().device());
        Tensor x = Tensor.randn(new Generator(12), DType.FLOAT32, 3, 4);
        close(mc.forward(x).toFloatArray(), mg.forward(x.to(GPU)).toFloatArray(), 1e-5, 1e-6, "expanded and ablated MLP");
    }

    /** Parameter routing, the unlearning losses, keepHidden and the relearning attack on a GPU model, as on the CPU. */
    @Test
    void parameterRoutingUnlearningLossesAndTheRelearningAttackMatchTheCpu() {
        MLP cpu = new MLP(new int[] {6, 8, 3}, Activation.TANH, new Generator(21));
        MLP gpu = cpu.deepCopy().to(GPU);
        Tensor x = Tensor.randn(new Generator(22), DType.FLOAT32, 10, 6), y = Tensor.of(new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, 10);
        double[] losses = new double[2];
        MLP[] models = {cpu, gpu};
        for (int i = 0; i < 2; i++) {
            MLP m = models[i];
            Device d = m.device();
            var routing = dev.sluice.methods.routing.ParameterRouting.of(m).set("forget", n -> n.startsWith("fc0."), 0.0)
                    .set("forget", "fc1.weight", Tensor.full(-0.5, 1, 8));
            Tensor xd = x.to(d), yd = y.to(d);
            Tensor logits = m.forward(xd);
            Tensor loss = dev.sluice.methods.undo.UnlearningLosses.gradDiff(logits.narrow(0, 0, 5), yd.narrow(0, 0, 5),
                    logits.narrow(0, 5, 5), yd.narrow(0, 5, 5), 2.0)
                    .add(dev.sluice.methods.undo.UnlearningLosses.maxEnt(logits.narrow(0, 0, 5), null, logits.narrow(0, 5, 5),
                            yd.narrow(0, 5, 5), 0.5));
            routing.backward("forget", loss);
            losses[i] = loss.item();
        }
        assertEquals(losses[0], losses[1], 1e-4 * Math.abs(losses[0]) + 1e-6);
        sameGradients(cpu, gpu, "parameter routing");
        assertEquals(0f, gpu.layer(0).weight().grad().abs().max().item(), 0.0, "fc0 gets exactly zero");

        for (MLP m : models) m.keepHidden(0, 5);
        assertEquals(GPU, gpu.layer(0).weight().device());
        close(cpu.forward(x).toFloatArray(), gpu.forward(x.to(GPU)).toFloatArray(), 1e-5, 1e-6, "keepHidden");

        var cfg = new dev.sluice.methods.undo.RelearningAttack.Config(new double[] {1e-2}, 10, new int[] {0, 10}, 0.9, 0.999, 1.0);
        double[][] best = new double[2][];
        for (int i = 0; i < 2; i++) {
            Device d = models[i].device();
            Tensor xd = x.to(d), yd = y.to(d);
            best[i] = dev.sluice.methods.undo.RelearningAttack.run(models[i], cfg,
                    (model, step) -> Losses.crossEntropy(model.forward(xd), yd),
                    model -> -Losses.crossEntropy(model.forward(xd), yd).item()).best();
        }
        for (int s = 0; s < 2; s++) assertEquals(best[0][s], best[1][s], 1e-3 * Math.abs(best[0][s]) + 1e-5, "attack step " + s);
    }

    @Test
    void aGpuModelsCheckpointLoadsOnTheCpu(@TempDir Path dir) throws Exception {
        GPT gpu = gpt().to(GPU), cpu = new GPT(new GPT.Config(12, 16, 16, 2, 1, 0.0), new Generator(99));
        Path file = dir.resolve("gpt.safetensors");
        Checkpoints.save(gpu, file);
        Checkpoints.load(cpu, file);
        for (var e : gpu.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), cpu.namedParameters().get(e.getKey()).toFloatArray(), e.getKey());
        }
        // and the other way: a CPU checkpoint and a CPU state dict load into a GPU model, which stays on the GPU
        GPT other = new GPT(new GPT.Config(12, 16, 16, 2, 1, 0.0), new Generator(5)).to(GPU);
        Checkpoints.load(other, file);
        GPT third = new GPT(new GPT.Config(12, 16, 16, 2, 1, 0.0), new Generator(6)).to(GPU);
        third.loadStateDict(cpu.stateDict());
        for (var e : cpu.namedParameters().entrySet()) {
            for (GPT m : List.of(other, third)) {
                Tensor p = m.namedParameters().get(e.getKey());
                assertEquals(GPU, p.device(), e.getKey());
                assertArrayEquals(e.getValue().toFloatArray(), p.toFloatArray(), e.getKey());
            }
        }
        // copy_ between devices, as in PyTorch
        Tensor dst = Tensor.zeros(2, 3).to(GPU);
        dst.copy_(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, dst.toFloatArray());
    }
}
