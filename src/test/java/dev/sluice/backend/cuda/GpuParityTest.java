package dev.sluice.backend.cuda;

import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.ops.LinearAlgebra;
import dev.sluice.ops.NeuralOps;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every op's forward output and input gradients on cuda:0 against the CPU backend (the reference), within stated
 * tolerances: float32 elementwise and row kernels 1e-5 relative + 1e-6 absolute (different exp/erf implementations and
 * summation orders); matrix products 1e-4 relative (cuBLAS/tiled summation order); a GPT training run's losses 1e-3
 * relative over 20 steps. Skipped with the reason where no GPU is usable; SLUICE_REQUIRE_GPU=1 makes that a failure.
 */
class GpuParityTest {
    private static final Device GPU = Device.cuda(0);
    private static final double RTOL = 1e-5, ATOL = 1e-6, GEMM_RTOL = 1e-4;

    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    /** |cpu − cuda| ≤ atol + rtol·|cpu| elementwise (NaN matches NaN); also used by the other GPU tests. */
    static void close(float[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            assertTrue(Math.abs(e - a) <= atol + rtol * Math.abs(e), what + " at " + i + ": cpu " + e + ", cuda " + a);
        }
    }

    /** f on CPU leaves and on their GPU copies; compares the output and each input's gradient of sum(f(x)·w). */
    private static void parity(String name, double rtol, Function<Tensor[], Tensor> f, Tensor... cpuInputs) {
        Tensor[] cpu = new Tensor[cpuInputs.length], gpu = new Tensor[cpuInputs.length];
        for (int i = 0; i < cpu.length; i++) {
            boolean grad = cpuInputs[i].dtype().isFloating();
            cpu[i] = cpuInputs[i].detach();
            gpu[i] = cpuInputs[i].detach().to(GPU);
            if (grad) {
                cpu[i].requiresGrad(true);
                gpu[i].requiresGrad(true);
            }
        }
        Tensor yc = f.apply(cpu), yg = f.apply(gpu);
        assertEquals(GPU, yg.device(), name + ": output device");
        assertArrayEquals(yc.shape(), yg.shape(), name + ": shape");
        if (yc.dtype().isFloating()) close(yc.toFloatArray(), yg.toFloatArray(), rtol, ATOL, name + " forward");
        else assertArrayEquals(yc.toLongArray(), yg.toLongArray(), name);
        if (!yc.requiresGrad()) return;
        Tensor w = Tensor.randn(new Generator(99), DType.FLOAT32, yc.shape());
        yc.mul(w).sum().backward();
        yg.mul(w.to(GPU)).sum().backward();
        for (int i = 0; i < cpu.length; i++) {
            if (cpu[i].grad() == null) continue;
            assertNotNull(gpu[i].grad(), name + ": gradient of input " + i);
            close(cpu[i].grad().toFloatArray(), gpu[i].grad().toFloatArray(), rtol, ATOL, name + " grad " + i);
        }
    }

    private static Tensor randn(long seed, int... shape) { return Tensor.randn(new Generator(seed), DType.FLOAT32, shape); }

    @Test
    void transfersRoundTripEveryDtype() {
        Tensor f = randn(1, 3, 4);
        assertArrayEquals(f.toFloatArray(), f.to(GPU).to(Device.CPU).toFloatArray());
        Tensor l = Tensor.of(new long[] {1, -2, 3L << 40}, 3);
        assertArrayEquals(l.toLongArray(), l.to(GPU).toLongArray());
        Tensor t = f.to(GPU).transpose(0, 1);   // non-contiguous view comes back row-major
        assertArrayEquals(f.transpose(0, 1).toFloatArray(), t.toFloatArray());
    }

    @Test
    void unaryOps() {
        Tensor x = randn(2, 5, 7), pos = randn(3, 5, 7).abs().add(0.1);
        parity("neg", RTOL, a -> a[0].neg(), x);
        parity("exp", RTOL, a -> a[0].exp(), x);
        parity("log", RTOL, a -> a[0].log(), pos);
        parity("sqrt", RTOL, a -> a[0].sqrt(), pos);
        parity("rsqrt", RTOL, a -> a[0].rsqrt(), pos);
        parity("abs", RTOL, a -> a[0].abs(), x);
        parity("relu", RTOL, a -> a[0].relu(), x);
        parity("gelu", RTOL, a -> a[0].gelu(), x);
        parity("gelu_tanh", RTOL, a -> a[0].geluTanh(), x);
        parity("silu", RTOL, a -> a[0].silu(), x);
        parity("sigmoid", RTOL, a -> a[0].sigmoid(), x);
        parity("tanh", RTOL, a -> a[0].tanh(), x);
        parity("square", RTOL, a -> a[0].square(), x);
        parity("reciprocal", RTOL, a -> a[0].reciprocal(), pos);
    }

    @Test
    void binaryOpsWithBroadcastingComparisonsAndWhere() {
        Tensor a = randn(4, 3, 1, 5), b = randn(5, 4, 5), row = randn(6, 5);
        parity("add", RTOL, t -> t[0].add(t[1]), a, b);
        parity("sub", RTOL, t -> t[0].sub(t[1]), a, row);
        parity("mul", RTOL, t -> t[0].mul(t[1]), a, b);
        parity("div", RTOL, t -> t[0].div(t[1].abs().add(0.5)), a, b);
        parity("maximum", RTOL, t -> t[0].maximum(t[1]), a, b);
        parity("gt", RTOL, t -> t[0].gt(t[1]), a, b);
        parity("where", RTOL, t -> Tensor.where(t[0].gt(0), t[0], t[1]), a, b);
        parity("transposed add", RTOL, t -> t[0].t().add(t[1]), randn(7, 6, 4), randn(8, 4, 6));
    }

    @Test
    void reductions() {
        Tensor x = randn(9, 4, 6, 5);
        parity("sum all", RTOL, t -> t[0].sum(), x);
        parity("sum dim 1", RTOL, t -> t[0].sum(1), x);
        parity("mean dims 0,2", RTOL, t -> t[0].mean(0, 2), x);
        parity("max", RTOL, t -> t[0].max(), x);
        parity("argmax", RTOL, t -> t[0].argmax(2), x);
        parity("sum 300k", 1e-4, t -> t[0].sum(), randn(10, 300_000));
    }

    @Test
    void matrixProducts() {
        parity("matmul NN", GEMM_RTOL, t -> t[0].matmul(t[1]), randn(11, 33, 17), randn(12, 17, 65));
        parity("matmul NT", GEMM_RTOL, t -> t[0].matmul(t[1].t()), randn(13, 33, 17), randn(14, 65, 17));
        parity("matmul TN", GEMM_RTOL, t -> t[0].t().matmul(t[1]), randn(15, 17, 33), randn(16, 17, 65));
        parity("batched", GEMM_RTOL, t -> t[0].matmul(t[1]), randn(17, 3, 4, 8, 16), randn(18, 3, 4, 16, 8));
        parity("broadcast batch", GEMM_RTOL, t -> t[0].matmul(t[1]), randn(19, 6, 8, 16), randn(20, 16, 8));
        parity("linear", GEMM_RTOL, t -> LinearAlgebra.linear(t[0], t[1], t[2]), randn(21, 10, 12), randn(22, 7, 12), randn(23, 7));
        parity("linear+relu", GEMM_RTOL, t -> LinearAlgebra.linearRelu(t[0], t[1], t[2]), randn(24, 10, 12), randn(25, 7, 12), randn(26, 7));
    }

    @Test
    void ownGemmKernelAgreesWithCublas() {
        CudaBackend be = CudaBackend.forDevice(0);
        boolean had = be.usesCublas();
        try {
            be.useCublas(false);
            parity("own gemm NN", GEMM_RTOL, t -> t[0].matmul(t[1]), randn(27, 100, 70), randn(28, 70, 130));
            parity("own gemm batched NT", GEMM_RTOL, t -> t[0].matmul(t[1].transpose(1, 2)), randn(29, 3, 20, 9), randn(30, 3, 11, 9));
        } finally {
            if (had) be.useCublas(true);
        }
    }

    @Test
    void rowKernelsAndLosses() {
        Tensor x = randn(31, 6, 50);
        parity("softmax", RTOL, t -> t[0].softmax(1), x);
        parity("log_softmax", RTOL, t -> t[0].logSoftmax(1), x);
        boolean[] causal = new boolean[50 * 50];
        for (int i = 0; i < 50; i++) for (int j = i + 1; j < 50; j++) causal[i * 50 + j] = true;
        // the CPU's fused kernel against the GPU's composite (masked_fill, then softmax)
        parity("masked_softmax", RTOL, t -> t[0].maskedSoftmax(t[1], -1), randn(34, 2, 50, 50), Tensor.of(causal, 50, 50));
        parity("layer_norm", 1e-4, t -> NeuralOps.layerNorm(t[0], new int[] {50}, t[1], t[2], 1e-5), x, randn(32, 50), randn(33, 50));
        Tensor targets = Tensor.of(new long[] {0, 49, 3, 7, 7, 20}, 6);
        parity("cross_entropy", 1e-4, t -> Losses.crossEntropy(t[0], t[1]), x, targets);
    }

    /** native/fused.cu on the GPU (the op layer's fused path) against the CPU's composed ops. */
    @Test
    void fusedDistillationNoiseAndRouteMask() {
        Tensor s = randn(41, 2, 3, 50), t = randn(42, 2, 3, 50);
        Tensor mask = Tensor.of(new float[] {1, 0, 1, 1, 1, 0}, 2, 3);
        parity("forward_kl", 1e-4, a -> dev.sluice.ops.Distillation.forwardKl(a[0], a[1].detach(), 2.0, a[2]), s, t, mask);
        parity("reverse_kl", 1e-4, a -> dev.sluice.ops.Distillation.reverseKl(a[0], a[1].detach(), 1.0, a[2]), s, t, mask);
        parity("soft_ce", 1e-4, a -> dev.sluice.ops.Distillation.softTargetCrossEntropy(a[0], a[1].detach(), 1.5, null), s, t);
        parity("cross_entropy smoothed", 1e-4, a -> dev.sluice.ops.LossOps.crossEntropy(a[0], a[1],
                Tensor.of(new boolean[] {true, false, true, true, true, true}, 6).to(a[0].device()), 0.1), randn(43, 6, 50),
                Tensor.of(new long[] {0, 49, 3, 7, 7, 20}, 6));
        parity("route (g·mask, broadcast)", RTOL, a -> dev.sluice.ops.Routing.route(a[0], a[1]), randn(44, 4, 5), randn(45, 1, 5));
        for (var kind : dev.sluice.backend.RandomKind.values()) {
            Tensor p = randn(46, 64, 33);
            Tensor pc = p.clone(), pg = p.to(GPU);
            dev.sluice.ops.ParamNoise.shrinkPerturb(pc, 0.8, 0.1, kind, -0.3, 0.6, new Generator(7));
            dev.sluice.ops.ParamNoise.shrinkPerturb(pg, 0.8, 0.1, kind, -0.3, 0.6, new Generator(7));
            close(pc.toFloatArray(), pg.toFloatArray(), RTOL, ATOL, "shrink_perturb " + kind);
        }
    }

    private static Tensor randn64(long seed, int... shape) { return Tensor.randn(new Generator(seed), DType.FLOAT64, shape); }

    /**
     * float64 on the GPU: every differentiable op family passes gradcheck there (finite differences in float64 against
     * the GPU's own backward), and its forward agrees with the CPU's to 1e-12 relative.
     */
    @Test
    void float64OpsPassGradcheckOnTheGpu() {
        Tensor x = randn64(61, 3, 4), w = randn64(62, 4, 5), g = randn64(63, 4), t = randn64(64, 3, 4);
        Tensor targets = Tensor.of(new long[] {0, 3, 1}, 3), idx = Tensor.of(new long[] {1, 0, 3, 3, 2, 2}, 3, 2);
        Tensor mask = Tensor.of(new double[] {1, 0, 1}, 3);
        Object[][] cases = {
                {"softmax", (Function<Tensor[], Tensor>) a -> a[0].softmax(1), new Tensor[] {x}},
                {"log_softmax", (Function<Tensor[], Tensor>) a -> a[0].logSoftmax(1), new Tensor[] {x}},
                {"layer_norm", (Function<Tensor[], Tensor>) a -> NeuralOps.layerNorm(a[0], new int[] {4}, a[1], a[1].mul(0.5), 1e-5), new Tensor[] {x, g}},
                {"matmul", (Function<Tensor[], Tensor>) a -> a[0].matmul(a[1]), new Tensor[] {x, w}},
                {"linear+relu", (Function<Tensor[], Tensor>) a -> LinearAlgebra.linearRelu(a[0], a[1].t(), null), new Tensor[] {x, w}},
                {"gather", (Function<Tensor[], Tensor>) a -> a[0].gather(1, idx.to(a[0].device())), new Tensor[] {x}},
                {"scatter_add", (Function<Tensor[], Tensor>) a -> a[0].scatterAdd(1, idx.to(a[0].device()), a[1].narrow(1, 0, 2)), new Tensor[] {x, t}},
                {"embedding", (Function<Tensor[], Tensor>) a -> a[0].indexSelect(0, targets.to(a[0].device())), new Tensor[] {w}},
                {"cross_entropy", (Function<Tensor[], Tensor>) a -> Losses.crossEntropy(a[0], targets.to(a[0].device())), new Tensor[] {x}},
                {"forward_kl", (Function<Tensor[], Tensor>) a -> dev.sluice.ops.Distillation.forwardKl(a[0], t.to(a[0].device()), 2.0, mask.to(a[0].device())), new Tensor[] {x}},
                {"reverse_kl", (Function<Tensor[], Tensor>) a -> dev.sluice.ops.Distillation.reverseKl(a[0], t.to(a[0].device()), 1.0, null), new Tensor[] {x}},
                {"soft_ce", (Function<Tensor[], Tensor>) a -> dev.sluice.ops.Distillation.softTargetCrossEntropy(a[0], t.to(a[0].device()), 1.5, null), new Tensor[] {x}},
                {"gelu·tanh·max", (Function<Tensor[], Tensor>) a -> a[0].gelu().mul(a[0].tanh()).max(1, false).values(), new Tensor[] {x}},
        };
        for (Object[] c : cases) {
            String name = (String) c[0];
            @SuppressWarnings("unchecked") Function<Tensor[], Tensor> f = (Function<Tensor[], Tensor>) c[1];
            Tensor[] cpu = (Tensor[]) c[2];
            Tensor[] gpu = new Tensor[cpu.length];
            for (int i = 0; i < cpu.length; i++) gpu[i] = cpu[i].detach().to(GPU).requiresGrad(true);
            dev.sluice.autograd.GradCheck.check(name + " on cuda", f, gpu);
            double[] expected = f.apply(cpu).toDoubleArray(), actual = f.apply(gpu).toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])), name + " forward at " + i);
            }
        }
        // AdamW on float64 parameters: the fused kernel follows the CPU's update
        Tensor pc = randn64(65, 6).requiresGrad(true), pg = pc.detach().to(GPU).requiresGrad(true);
        for (Tensor p : new Tensor[] {pc, pg}) {
            AdamW opt = new AdamW(java.util.List.of(p), 1e-2, 0.9, 0.99, 1e-8, 0.01);
            for (int s = 0; s < 3; s++) {
                opt.zeroGrad();
                p.square().sum().backward();
                opt.step();
            }
        }
        double[] ec = pc.toDoubleArray(), ag = pg.toDoubleArray();
        for (int i = 0; i < ec.length; i++) assertEquals(ec[i], ag[i], 1e-12, "adamw float64 at " + i);
        // UNDO's noise on float64 parameters: the float64 Philox stream, as on the CPU
        for (var kind : dev.sluice.backend.RandomKind.values()) {
            Tensor qc = randn64(66, 40, 9), qg = qc.to(GPU);
            dev.sluice.ops.ParamNoise.shrinkPerturb(qc, 0.7, 0.2, kind, -0.3, 0.6, new Generator(8));
            dev.sluice.ops.ParamNoise.shrinkPerturb(qg, 0.7, 0.2, kind, -0.3, 0.6, new Generator(8));
            double[] c = qc.toDoubleArray(), g2 = qg.toDoubleArray();
            for (int i = 0; i < c.length; i++) assertEquals(c[i], g2[i], 1e-12, "shrink_perturb float64 " + kind + " at " + i);
        }
    }

    @Test
    void indexing() {
        Tensor table = randn(34, 10, 8);
        Tensor ids = Tensor.of(new long[] {3, 3, 0, 9, 5}, 5);
        parity("index_select (embedding)", RTOL, t -> t[0].indexSelect(0, t[1]), table, ids);
        Tensor idx = Tensor.of(new long[] {1, 0, 7, 7, 2, 2}, 3, 2);
        parity("gather", RTOL, t -> t[0].gather(1, t[1]), randn(35, 3, 8), idx);
        parity("scatter_add", RTOL, t -> t[0].scatterAdd(1, t[1], t[2]), randn(36, 3, 8), idx, randn(37, 3, 2));
    }

    @Test
    void randomStreamsMatchTheCpuForASeed() {
        CudaBackend gpu = CudaBackend.forDevice(0);
        for (var kind : dev.sluice.backend.RandomKind.values()) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                int n = 10_001;
                var cpuView = dev.sluice.backend.View.contiguous(dev.sluice.backend.cpu.CpuBackend.INSTANCE.allocate(dtype, n), new int[] {n});
                var gpuView = dev.sluice.backend.View.contiguous(gpu.allocate(dtype, n), new int[] {n});
                dev.sluice.backend.cpu.CpuBackend.INSTANCE.random(kind, 1234, 77, -1, 2, cpuView);
                gpu.random(kind, 1234, 77, -1, 2, gpuView);
                double[] c = toDoubles(dev.sluice.backend.cpu.CpuBackend.INSTANCE.toArray(cpuView)), g = toDoubles(gpu.toArray(gpuView));
                for (int i = 0; i < n; i++) {
                    // uniforms are bit-identical; normals agree to the rounding of log/cos/sin
                    double tol = kind == dev.sluice.backend.RandomKind.UNIFORM ? 0 : 1e-6 * Math.max(1, Math.abs(c[i]));
                    assertEquals(c[i], g[i], tol, kind + " " + dtype + " element " + i);
                }
            }
        }
    }

    private static double[] toDoubles(Object a) {
        if (a instanceof double[] d) return d;
        float[] f = (float[]) a;
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void gptTrainingRunGivesTheSameLosses() {
        double[] cpu = train(Device.CPU), gpu = train(GPU);
        for (int i = 0; i < cpu.length; i++) {
            assertEquals(cpu[i], gpu[i], 1e-3 * Math.abs(cpu[i]) + 1e-4, "loss at step " + i + ": cpu " + cpu[i] + ", cuda " + gpu[i]);
        }
    }

    private static double[] train(Device device) {
        GPT gpt = new GPT(new GPT.Config(16, 16, 32, 2, 2, 0.0), new Generator(7)).to(device);
        long[] in = new long[4 * 15], out = new long[4 * 15];
        for (int i = 0; i < in.length; i++) {
            in[i] = (i * 7 + 3) % 16;
            out[i] = (i * 7 + 10) % 16;
        }
        Tensor inputs = Tensor.of(in, 4, 15).to(device), targets = Tensor.of(out, 4, 15).to(device);
        AdamW opt = new AdamW(gpt.parameters(), 1e-2, 0.9, 0.99, 1e-8, 0.01);
        double[] losses = new double[20];
        for (int step = 0; step < losses.length; step++) {
            opt.zeroGrad();
            Tensor l = Losses.crossEntropy(gpt.forward(inputs), targets);
            l.backward();
            opt.step();
            losses[step] = l.item();
        }
        return losses;
    }
}
