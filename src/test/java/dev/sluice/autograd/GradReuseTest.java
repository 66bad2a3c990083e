package dev.sluice.autograd;

import dev.sluice.backend.BufferReuse;
import dev.sluice.backend.cpu.CpuBufferPool;
import dev.sluice.nn.Activation;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.optim.Adam;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Explicit gradient lifetimes ({@link GradOwnership}): a recycled buffer is never visible through a tensor the user
 * holds, and results are bit-identical with reuse on and off. Every tensor here has at least 4096 elements, the pool's
 * minimum. "Churn" runs further backward passes of the same sizes after the one under test: any buffer wrongly handed
 * back would then be refilled with other numbers (or, read through its dead storage, fail with a null array).
 */
class GradReuseTest {
    private static final int R = 64, C = 128;

    private static <T> T withReuse(boolean on, Supplier<T> body) {
        boolean old = BufferReuse.setEnabled(on);
        try {
            return body.get();
        } finally {
            BufferReuse.setEnabled(old);
        }
    }

    /** Three backward passes through matmul/relu graphs of the test's sizes; asserts they went through the pool. */
    private static void churn() {
        long givenBefore = CpuBufferPool.hitsMissesGiven()[2];
        Generator gen = new Generator(99);
        for (int i = 0; i < 3; i++) {
            Tensor a = Tensor.randn(gen, DType.FLOAT32, R, C).requiresGrad(true);
            Tensor b = Tensor.randn(gen, DType.FLOAT32, C, C).requiresGrad(true);
            a.matmul(b).relu().matmul(b).square().sum().backward();
        }
        if (BufferReuse.enabled()) {
            assertTrue(CpuBufferPool.hitsMissesGiven()[2] > givenBefore, "churn recycled no buffer: the test would prove nothing");
        }
    }

    private static Tensor[] leaves(long seed) {
        Generator gen = new Generator(seed);
        return new Tensor[] {
                Tensor.randn(gen, DType.FLOAT32, R, C).requiresGrad(true),
                Tensor.randn(gen, DType.FLOAT32, C, C).mul(0.1).requiresGrad(true)};
    }

    /** Gradients kept by retainGrad on intermediates (one of them a view) stay intact after later passes. */
    @Test
    void retainedIntermediateGradientsSurviveLaterPasses() {
        Supplier<float[][]> run = () -> {
            Tensor[] p = leaves(1);
            Tensor h = p[0].matmul(p[1]).retainGrad();
            Tensor a = h.relu().retainGrad();
            Tensor v = a.reshape(C, R).retainGrad(); // a view: its gradient reaches a through reshape's backward
            v.exp().mul(v).sum().backward();
            float[][] right = {h.grad().toFloatArray(), a.grad().toFloatArray(), v.grad().toFloatArray()};
            churn();
            float[][] later = {h.grad().toFloatArray(), a.grad().toFloatArray(), v.grad().toFloatArray()};
            for (int i = 0; i < 3; i++) assertArrayEquals(right[i], later[i], "retained gradient " + i + " changed");
            return later;
        };
        float[][] on = withReuse(true, run), off = withReuse(false, run);
        for (int i = 0; i < 3; i++) assertArrayEquals(off[i], on[i], "retained gradient " + i + " differs with reuse on");
    }

    /** A hook that keeps the gradient it is shown, and a hook that replaces it with the user's own tensor. */
    @Test
    void hookCapturedAndHookSuppliedGradientsAreNeverRecycled() {
        Supplier<float[][]> run = () -> {
            Tensor[] p = leaves(2);
            List<Tensor> seen = new ArrayList<>();
            Tensor replacement = Tensor.full(0.5, R, C);
            Tensor h = p[0].matmul(p[1]);
            h.registerHook(g -> {
                seen.add(g);
                return null;
            });
            Tensor r = h.relu();
            r.registerHook(g -> replacement);
            r.matmul(p[1]).square().sum().backward();
            float[] captured = seen.get(0).toFloatArray();
            churn();
            assertArrayEquals(captured, seen.get(0).toFloatArray(), "hook-captured gradient changed");
            assertArrayEquals(Tensor.full(0.5, R, C).toFloatArray(), replacement.toFloatArray(), "hook's replacement changed");
            return new float[][] {captured, p[0].grad().toFloatArray(), p[1].grad().toFloatArray()};
        };
        float[][] on = withReuse(true, run), off = withReuse(false, run);
        for (int i = 0; i < 3; i++) assertArrayEquals(off[i], on[i], "result " + i + " differs with reuse on");
    }

    /** Leaf gradients (adopted without a copy on the first pass, accumulated on the second) and a user's gradient. */
    @Test
    void leafGradientsAndTheUsersOwnGradientStayIntact() {
        Supplier<float[][]> run = () -> {
            Tensor[] p = leaves(3);
            Tensor userGrad = Tensor.full(0.25, R, C);
            for (int pass = 0; pass < 2; pass++) p[0].matmul(p[1]).add(p[0]).relu().backward(userGrad);
            float[] g0 = p[0].grad().toFloatArray(), g1 = p[1].grad().toFloatArray();
            assertFalse(p[0].grad().sharesStorageWith(userGrad), "the leaf must not take the user's gradient tensor");
            churn();
            assertArrayEquals(g0, p[0].grad().toFloatArray());
            assertArrayEquals(g1, p[1].grad().toFloatArray());
            assertArrayEquals(Tensor.full(0.25, R, C).toFloatArray(), userGrad.toFloatArray(), "user's gradient changed");
            return new float[][] {g0, g1};
        };
        float[][] on = withReuse(true, run), off = withReuse(false, run);
        for (int i = 0; i < 2; i++) assertArrayEquals(off[i], on[i], "leaf gradient " + i + " differs with reuse on");
    }

    /** Gradients that are views (reshape, transpose, expand, narrow) and fan-out sums give the same bits. */
    @Test
    void viewsAndFanOutGiveTheSameBitsWithReuseOnAndOff() {
        Supplier<float[][]> run = () -> {
            Tensor[] p = leaves(4);
            Tensor x = p[0], w = p[1];
            Tensor y = x.matmul(w);                                 // [R, C]
            Tensor t = y.reshape(C, R).t().contiguous();             // [R, C] through two views
            Tensor e = y.sum(new int[] {0}, true).expand(R, C);      // expand's gradient is a reduction
            Tensor n = y.narrow(1, 0, C / 2).exp();                  // narrow scatters into a larger zero tensor
            Tensor loss = t.mul(e).sum().add(n.sum()).add(y.mul(y).sum()).add(y.tanh().sum());
            loss.backward();
            churn();
            return new float[][] {x.grad().toFloatArray(), w.grad().toFloatArray()};
        };
        float[][] on = withReuse(true, run), off = withReuse(false, run);
        for (int i = 0; i < 2; i++) assertArrayEquals(off[i], on[i], "gradient " + i + " differs with reuse on");
    }

    @Test
    void regionViewsAddIntoTheirInputsGradientWithTheBitsOfZeroPaddedSums() {
        // with reuse on, the gradients of chunk's parts, a strided slice and a narrow go straight into the region of
        // y's pending gradient; off, each is a zero-padded y-sized tensor and they are summed. Same bits, whether y's
        // pending gradient exists yet or not (y is also used whole, before and after the views), with a part used
        // twice and one part unused; and the parts' gradients take fewer y-sized buffers
        Supplier<float[][]> run = () -> {
            Tensor[] p = leaves(8);
            Tensor x = p[0], w = p[1];
            Tensor y = x.matmul(w);                                   // [R, C]
            Tensor[] parts = y.chunk(3, 1);                           // 43, 43, 42 columns
            Tensor loss = y.tanh().sum().add(parts[0].exp().sum()).add(parts[2].mul(parts[2]).sum())
                    .add(parts[0].mul(0.5).sum()).add(y.slice(1, 1, C, 3).mul(3.0).tanh().sum())
                    .add(y.narrow(0, 5, R / 2).square().sum()).add(y.mul(y).sum());
            long takesBefore = takes();
            loss.backward();
            long takes = takes() - takesBefore;
            churn();
            return new float[][] {x.grad().toFloatArray(), w.grad().toFloatArray(), {takes}};
        };
        float[][] on = withReuse(true, run), off = withReuse(false, run);
        for (int i = 0; i < 2; i++) assertArrayEquals(off[i], on[i], "gradient " + i + " differs with reuse on");
        assertTrue(on[2][0] < off[2][0], "the region path took " + on[2][0] + " pooled buffers, the padded sums " + off[2][0]);
    }

    /** Buffers taken from the pool or allocated through it so far (hits + misses). */
    private static long takes() {
        long[] h = CpuBufferPool.hitsMissesGiven();
        return h[0] + h[1];
    }

    private static float[] train(Module net, Optimizer opt, Supplier<Tensor> loss, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            loss.get().backward();
            opt.step();
        }
        List<Tensor> flat = new ArrayList<>();
        for (Tensor p : net.parameters()) flat.add(p.detach().reshape(-1));
        return Tensor.cat(0, flat.toArray(Tensor[]::new)).toFloatArray();
    }

    private static float[] trainGpt(int steps) {
        Generator gen = new Generator(5);
        GPT net = new GPT(new GPT.Config(32, 16, 64, 4, 2, 0.0), gen);
        Tensor x = Tensor.randint(gen, 0, 32, 8, 16), y = Tensor.randint(gen, 0, 32, 8, 16);
        return train(net, new AdamW(net.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01), () -> Losses.crossEntropy(net.forward(x), y), steps);
    }

    private static float[] trainAutoencoder(int steps) {
        Generator gen = new Generator(6);
        MLP net = new MLP(new int[] {96, 64, 16, 64, 96}, Activation.RELU, gen);
        Tensor x = Tensor.rand(gen, DType.FLOAT32, 128, 96);
        return train(net, new Adam(net.parameters(), 1e-3), () -> Losses.mse(net.forward(x), x), steps);
    }

    @Test
    void trainingIsBitIdenticalWithReuseOnAndOff() {
        assertArrayEquals(withReuse(false, () -> trainGpt(4)), withReuse(true, () -> trainGpt(4)), "GPT parameters");
        assertArrayEquals(withReuse(false, () -> trainAutoencoder(5)), withReuse(true, () -> trainAutoencoder(5)),
                "autoencoder parameters");
    }

    /**
     * The point of it all: a training step (the benchmark's MLP shape) allocates far fewer new large arrays with reuse
     * on. Counted by the pool (bytes of new arrays of poolable size), not by the thread's allocated bytes, which
     * depend on how much of the Vector API code the JIT has compiled when the test runs.
     */
    @Test
    void reuseCutsTheGarbageOfATrainingStep() {
        Generator gen = new Generator(7);
        MLP net = new MLP(new int[] {784, 256, 256, 10}, Activation.RELU, gen);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 64, 784), y = Tensor.randint(gen, 0, 10, 64);
        Adam opt = new Adam(net.parameters(), 1e-3);
        Runnable step = () -> {
            opt.zeroGrad();
            Losses.crossEntropy(net.forward(x), y).backward();
            opt.step();
        };
        long[] bytes = new long[2];
        for (int round = 0; round < 2; round++) { // the first round warms up (and drains arrays earlier tests left)
            for (int mode = 0; mode < 2; mode++) {
                long before = CpuBufferPool.freshBytes();
                withReuse(mode == 1, () -> {
                    for (int i = 0; i < 5; i++) step.run();
                    return null;
                });
                bytes[mode] = CpuBufferPool.freshBytes() - before;
            }
        }
        assertTrue(bytes[0] > 0, "no large array allocated without reuse: the shapes are below the pool's minimum");
        assertTrue(bytes[1] < 0.75 * bytes[0], "new large arrays: " + bytes[1] + " bytes with reuse vs " + bytes[0] + " without");
    }
}
