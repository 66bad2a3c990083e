package dev.sluice.autograd;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Behaviour of the autograd engine: accumulation, graph freeing, hooks, modes, version counters, anomaly mode. */
class AutogradTest {
    @Test
    void tenThousandOpDeepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1.0, DType.FLOAT64).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 10_000; i++) y = y.mul(1.0001);
        y.backward();
        assertEquals(Math.pow(1.0001, 10_000), x.grad().item(), 1e-9);
    }

    @Test
    void gradientsAccumulateIntoLeavesUntilZeroGrad() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        w.mul(2).sum().backward();
        w.mul(3).sum().backward();
        assertArrayEquals(new float[] {5, 5, 5}, w.grad().toFloatArray());
        w.zeroGrad();
        assertNull(w.grad());
        w.square().sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, w.grad().toFloatArray());
    }

    @Test
    void aTensorUsedTwiceSumsBothPaths() {
        Tensor x = Tensor.of(new double[] {3}).requiresGrad(true);
        Tensor y = x.mul(x).add(x.exp());
        y.sum().backward();
        assertEquals(6 + Math.exp(3), x.grad().item(), 1e-12);
    }

    @Test
    void secondBackwardThroughAFreedGraphIsAClearError() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        assertTrue(e.getMessage().contains("'sum'") || e.getMessage().contains("'exp'"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward(Tensor.scalar(1), true);
        loss.backward(Tensor.scalar(1), true);
        assertArrayEquals(new float[] {2 * (float) Math.exp(1), 2 * (float) Math.exp(2)}, x.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void backwardOnANonScalarNeedsAGradient() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor y = x.mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("scalar"), e.getMessage());
        y.backward(Tensor.ones(2, 3));
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, x.grad().toFloatArray());
        IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class,
                () -> x.mul(2).backward(Tensor.ones(3, 2)));
        assertTrue(wrongShape.getMessage().contains("[3, 2]"), wrongShape.getMessage());
    }

    @Test
    void backwardWithoutAnyGradientIsAClearError() {
        Tensor x = Tensor.ones(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2).sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void noGradScopeRecordsNothingAndRestoresTheMode() {
        Tensor w = Tensor.ones(3).requiresGrad(true);
        Tensor y;
        try (var ignored = GradMode.noGrad()) {
            y = w.mul(2);
            assertFalse(GradMode.isEnabled());
            try (var inner = GradMode.enableGrad()) {
                assertTrue(w.mul(2).requiresGrad());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
    }

    @Test
    void detachSharesDataButNotHistory() {
        Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y = w.mul(3);
        Tensor d = y.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.sharesStorageWith(y));
        Tensor loss = y.mul(d).sum(); // d is a constant: gradient 3·d
        loss.backward();
        assertArrayEquals(new float[] {9, 18}, w.grad().toFloatArray());
    }

    @Test
    void requiresGradToggleOnlyOnFloatLeaves() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        Tensor y = w.mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("leaf") && e.getMessage().contains("mul"), e.getMessage());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).requiresGrad(true));
        assertTrue(ints.getMessage().contains("int64"), ints.getMessage());
        w.requiresGrad(false);
        assertFalse(w.mul(2).requiresGrad());
    }

    @Test
    void hooksCanReplaceTheGradientAndBeRemoved() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor h = x.mul(2);
        AtomicInteger calls = new AtomicInteger();
        HookHandle handle = h.registerHook(g -> {
            calls.incrementAndGet();
            return g.mul(10);
        });
        h.sum().backward();
        assertArrayEquals(new float[] {20, 20, 20}, x.grad().toFloatArray());
        handle.remove();
        x.zeroGrad();
        x.mul(2).sum().backward();
        assertArrayEquals(new float[] {2, 2, 2}, x.grad().toFloatArray());
        assertEquals(1, calls.get());
    }

    @Test
    void hookOnALeafSeesTheTotalGradientBeforeAccumulation() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        float[][] seen = new float[1][];
        x.registerHook(g -> {
            seen[0] = g.toFloatArray();
            return g.mul(0); // block this pass entirely
        });
        x.mul(2).add(x.mul(3)).sum().backward();
        assertArrayEquals(new float[] {5, 5}, seen[0]);
        assertArrayEquals(new float[] {0, 0}, x.grad().toFloatArray());
    }

    @Test
    void hookReturningAWrongShapeIsAnError() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor h = x.mul(2);
        h.registerHook(g -> Tensor.ones(4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.sum().backward());
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void hooksDoNotMutateTheirArgument() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y = x.mul(1);
        Tensor[] captured = new Tensor[1];
        y.registerHook(g -> {
            captured[0] = g;
            return g.mul(5);
        });
        y.sum().backward();
        assertArrayEquals(new float[] {1, 1}, captured[0].toFloatArray());
    }

    @Test
    void retainGradKeepsANonLeafGradient() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(3).retainGrad();
        y.square().sum().backward();
        assertArrayEquals(new float[] {6, 12}, y.grad().toFloatArray());
    }

    @Test
    void inPlaceChangeOfASavedTensorFailsBackwardNamingTheOp() {
        Tensor a = Tensor.of(new float[] {1, 2, 3});
        Tensor w = Tensor.of(new float[] {4, 5, 6}).requiresGrad(true);
        Tensor y = w.mul(a);
        a.add_(Tensor.scalar(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("'mul'") && e.getMessage().contains("modified in place"), e.getMessage());
    }

    @Test
    void inPlaceChangeOfASavedOutputIsDetectedThroughAView() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor e;
        Tensor out = x.exp();
        try (var ignored = GradMode.noGrad()) {
            e = out.detach();
            e.narrow(0, 0, 1).fill_(0); // same storage as out, which exp saved
        }
        IllegalStateException err = assertThrows(IllegalStateException.class, () -> out.sum().backward());
        assertTrue(err.getMessage().contains("'exp'"), err.getMessage());
    }

    @Test
    void inPlaceOpsOnTensorsThatRequireGradAreRejected() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add_(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("add_") && e.getMessage().contains("requires grad"), e.getMessage());
        try (var ignored = GradMode.noGrad()) {
            w.add_(Tensor.ones(2)); // optimizer-style update is fine
        }
        assertArrayEquals(new float[] {2, 2}, w.toFloatArray());
    }

    @Test
    void anomalyModeNamesTheForwardOpThatProducedNaN() {
        Tensor x = Tensor.of(new float[] {-1, 2}).requiresGrad(true);
        try (var ignored = AnomalyMode.enable()) {
            AnomalyException e = assertThrows(AnomalyException.class, () -> x.log());
            assertTrue(e.getMessage().contains("'log'") && e.getMessage().contains("forward"), e.getMessage());
        }
        assertDoesNotThrow(() -> x.log()); // off again outside the scope
    }

    @Test
    void anomalyModeNamesTheBackwardOpThatProducedInf() {
        Tensor x = Tensor.of(new float[] {0, 4}).requiresGrad(true);
        try (var ignored = AnomalyMode.enable()) {
            Tensor y = x.sqrt().sum(); // forward finite, backward 0.5/sqrt(0) = inf
            AnomalyException e = assertThrows(AnomalyException.class, y::backward);
            assertTrue(e.getMessage().contains("backward of op 'sqrt'"), e.getMessage());
            assertTrue(e.getMessage().contains("AutogradTest"), "names the creation site: " + e.getMessage());
        }
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        Tensor x = Tensor.randn(new Generator(3), DType.FLOAT64, 4).requiresGrad(true);
        // a custom op whose gradient rule is deliberately wrong by a factor of 2
        GradCheck.Failure f = assertThrows(GradCheck.Failure.class, () -> GradCheck.check("bad_square", in -> {
            Tensor v = in[0];
            Tensor out;
            try (var ignored = GradMode.noGrad()) {
                out = v.square();
            }
            return Graph.record("bad_square", out, new Tensor[] {v}, new Tensor[] {v}, (g, s) -> new Tensor[] {g.mul(s[0]).mul(4)});
        }, x));
        assertTrue(f.getMessage().contains("bad_square"), f.getMessage());
    }

    @Test
    void nodeNamesAndEdgesAreInspectable() {
        Tensor a = Tensor.ones(2).requiresGrad(true);
        Tensor y = a.mul(2).exp();
        assertEquals("exp", y.gradFn().name());
        assertEquals("mul", y.gradFn().nextFunctions().get(0).name());
        assertEquals("accumulate_grad", y.gradFn().nextFunctions().get(0).nextFunctions().get(0).name());
    }
}
