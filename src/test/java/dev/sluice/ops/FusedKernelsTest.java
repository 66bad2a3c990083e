package dev.sluice.ops;

import dev.sluice.backend.RandomKind;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused row kernels' contract on the CPU: the op layer's fused path (Backend.softmaxCrossEntropy, distill,
 * shrinkPerturb — on the CPU their plain-Java reference, FusedReference, the specification of native/fused.cu) gives
 * the composed path's values and gradients. {@code sluice.fused=true} forces the fused path here; on CUDA it is the
 * default, and GpuParityTest compares the kernels with these CPU results.
 */
class FusedKernelsTest {
    @AfterEach
    void reset() { System.clearProperty("sluice.fused"); }

    /** {loss, grad of the input} with and without the fused path. */
    private static float[][] both(Supplier<Tensor> input, java.util.function.Function<Tensor, Tensor> loss, boolean fused) {
        if (fused) System.setProperty("sluice.fused", "true");
        else System.clearProperty("sluice.fused");
        Tensor x = input.get().requiresGrad(true);
        Tensor l = loss.apply(x);
        l.backward();
        System.clearProperty("sluice.fused");
        return new float[][] {l.toFloatArray(), x.grad().toFloatArray()};
    }

    private static void assertSame(float[][] composed, float[][] fused, double tol, String what) {
        assertEquals(composed[0][0], fused[0][0], tol * Math.max(1, Math.abs(composed[0][0])), what + " loss");
        assertArrayEquals(composed[1], fused[1], (float) tol, what + " gradient");
    }

    @Test
    void crossEntropyMatchesComposed() {
        Generator gen = new Generator(11);
        Tensor logits = Tensor.randn(gen, DType.FLOAT32, 6, 9).mul(3);
        Tensor targets = Tensor.of(new long[] {0, 8, 3, 3, 5, 1}, 6);
        Tensor valid = Tensor.of(new boolean[] {true, true, false, true, true, true}, 6);
        for (double eps : new double[] {0, 0.1}) {
            var f = (java.util.function.Function<Tensor, Tensor>) x -> LossOps.crossEntropy(x, targets, valid, eps);
            assertSame(both(() -> logits.detach(), f, false), both(() -> logits.detach(), f, true), 1e-5, "cross entropy eps " + eps);
        }
    }

    @Test
    void distillationMatchesComposed() {
        Generator gen = new Generator(5);
        Tensor s = Tensor.randn(gen, DType.FLOAT32, 2, 3, 7).mul(2), t = Tensor.randn(gen, DType.FLOAT32, 2, 3, 7).mul(2);
        Tensor mask = Tensor.of(new float[] {1, 0, 1, 1, 1, 0}, 2, 3);
        for (double tau : new double[] {1, 2.5}) {
            for (Tensor m : new Tensor[] {null, mask}) {
                var fk = (java.util.function.Function<Tensor, Tensor>) x -> Distillation.forwardKl(x, t, tau, m);
                var rk = (java.util.function.Function<Tensor, Tensor>) x -> Distillation.reverseKl(x, t, tau, m);
                var ce = (java.util.function.Function<Tensor, Tensor>) x -> Distillation.softTargetCrossEntropy(x, t, tau, m);
                assertSame(both(s::detach, fk, false), both(s::detach, fk, true), 1e-5, "forward KL T=" + tau);
                assertSame(both(s::detach, rk, false), both(s::detach, rk, true), 1e-5, "reverse KL T=" + tau);
                assertSame(both(s::detach, ce, false), both(s::detach, ce, true), 1e-5, "soft CE T=" + tau);
            }
        }
    }

    @Test
    void paramNoiseFusedUsesTheSameStream() {
        for (RandomKind kind : RandomKind.values()) {
            Tensor base = Tensor.randn(new Generator(1), DType.FLOAT32, 5, 7);
            Tensor composed = base.clone(), fused = base.clone();
            Generator g1 = new Generator(42), g2 = new Generator(42);
            ParamNoise.shrinkPerturb(composed, 0.7, 0.3 * 0.5, kind, -0.4, 0.8, g1);
            System.setProperty("sluice.fused", "true");
            ParamNoise.shrinkPerturb(fused, 0.7, 0.3 * 0.5, kind, -0.4, 0.8, g2);
            System.clearProperty("sluice.fused");
            assertArrayEquals(composed.toFloatArray(), fused.toFloatArray(), 1e-6f, kind.toString());
            assertEquals(g1.offset(), g2.offset(), "both paths take the same counters");
            // and the update moved every element toward a fresh draw
            assertNotEquals(base.toFloatArray()[0], composed.toFloatArray()[0]);
        }
    }
}
