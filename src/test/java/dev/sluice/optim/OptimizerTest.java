package dev.sluice.optim;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each optimizer on a scalar parameter p0 = 1 with fixed gradients 0.5, −1, 0.25 over three steps; expected values
 * worked out from the PyTorch update rules (lr 0.1).
 */
class OptimizerTest {
    private static final double[] GRADS = {0.5, -1.0, 0.25};

    private static double[] run(Function<List<Tensor>, Optimizer> make) {
        Tensor p = Tensor.of(new double[] {1.0}, 1).requiresGrad(true);
        Optimizer opt = make.apply(List.of(p));
        double[] out = new double[GRADS.length];
        for (int i = 0; i < GRADS.length; i++) {
            p.setGrad(Tensor.of(new double[] {GRADS[i]}, 1));
            opt.step();
            out[i] = p.item();
        }
        return out;
    }

    @Test
    void sgd() {
        assertArrayEquals(new double[] {0.95, 1.05, 1.025}, run(ps -> new SGD(ps, 0.1)), 1e-12);
        // momentum 0.9, weight decay 0.1: g = grad + 0.1 p; b = g, then 0.9 b + g
        assertArrayEquals(new double[] {0.94, 0.9766, 0.974774}, run(ps -> new SGD(ps, 0.1, 0.9, 0.1, false)), 1e-12);
        assertArrayEquals(new double[] {0.905, 1.0545, 1.05155}, run(ps -> new SGD(ps, 0.1, 0.9, 0, true)), 1e-12);
    }

    @Test
    void adamAndAdamW() {
        assertArrayEquals(new double[] {0.900000002, 0.9366103542405654, 0.9502794203389762},
                run(ps -> new Adam(ps, 0.1)), 1e-12);
        assertArrayEquals(new double[] {0.899000002, 0.9347113542385653, 0.9474457089827375},
                run(ps -> new AdamW(ps, 0.1)), 1e-12);
        assertArrayEquals(new double[] {0.900000002, 0.9366103542405654, 0.9502794203389762},
                run(ps -> new AdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0)), 1e-12);
    }

    @Test
    void float32AdamUsesTheSameRule() {
        Tensor p = Tensor.vector(1f, 1f).requiresGrad(true);
        AdamW opt = new AdamW(List.of(p), 0.1);
        for (double g : GRADS) {
            p.setGrad(Tensor.vector((float) g, (float) g));
            opt.step();
        }
        assertArrayEquals(new float[] {0.9474457f, 0.9474457f}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void skipsParametersWithoutGradientAndZeroGrad() {
        Tensor a = Tensor.vector(1f).requiresGrad(true), b = Tensor.vector(2f).requiresGrad(true);
        Adam opt = new Adam(List.of(a, b), 0.1);
        a.setGrad(Tensor.vector(1f));
        opt.step();
        assertEquals(0.9, a.item(), 1e-6);
        assertEquals(2, b.item());
        opt.zeroGrad();
        assertNull(a.grad());
        opt.setLr(0.5);
        assertEquals(0.5, opt.lr());
        assertEquals(1, opt.stepCount());
    }

    @Test
    void stepTrainsALeastSquaresProblem() {
        Tensor w = Tensor.zeros(3).requiresGrad(true);
        Tensor x = Tensor.matrix(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}});
        Tensor y = Tensor.vector(1, -2, 3, 2);
        SGD opt = new SGD(List.of(w), 0.1, 0.9, 0, false);
        for (int i = 0; i < 200; i++) {
            opt.zeroGrad();
            x.matmul(w).sub(y).square().mean().backward();
            opt.step();
        }
        assertArrayEquals(new float[] {1, -2, 3}, w.toFloatArray(), 1e-3f);
    }

    @Test
    void clipGradNorm() {
        Tensor a = Tensor.vector(0f, 0f).requiresGrad(true), b = Tensor.vector(0f).requiresGrad(true);
        Tensor c = Tensor.vector(0f).requiresGrad(true); // no gradient: ignored
        a.setGrad(Tensor.vector(3f, 0f));
        b.setGrad(Tensor.vector(4f));
        assertEquals(5.0, GradClip.clipGradNorm(List.of(a, b, c), 1.0), 1e-6);
        double scale = 1.0 / (5 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * scale), 0f}, a.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (4 * scale)}, b.grad().toFloatArray(), 1e-6f);
        // under the limit: unchanged
        assertEquals(1.0, GradClip.clipGradNorm(List.of(a, b), 10), 1e-5);
        assertArrayEquals(new float[] {(float) (4 * scale)}, b.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void warmupCosineSchedule() {
        LrSchedule s = LrSchedule.warmupCosine(10, 110, 1.0, 0.1);
        assertEquals(0.1, s.lr(0), 1e-12);
        assertEquals(0.5, s.lr(4), 1e-12);
        assertEquals(1.0, s.lr(9), 1e-12);
        assertEquals(1.0, s.lr(10), 1e-12);
        assertEquals(0.55, s.lr(60), 1e-12); // halfway: min + (max − min)/2
        assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-12);
        assertEquals(0.1, s.lr(110), 1e-12);
        assertEquals(0.1, s.lr(500), 1e-12);
        assertEquals(0.3, LrSchedule.constant(0.3).lr(7));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(10, 5, 1, 0));
    }

    @Test
    void adamWStateSavedAndLoadedContinuesExactly() {
        float[] start = {1f, -2f, 0.5f, 3f};
        float[][] grads = {{0.5f, -1f, 0.25f, 2f}, {-0.3f, 0.2f, 1f, -1f}, {0.1f, 0.1f, -0.7f, 0.4f}, {1f, -0.5f, 0.2f, 0f}};
        Tensor straight = Tensor.of(start.clone(), 4).requiresGrad(true);
        AdamW a = new AdamW(List.of(straight), 0.1, 0.9, 0.999, 1e-8, 0.01);
        assertEquals(new Adam.ParamState(null, null, 0), a.state(0));
        for (float[] g : grads) {
            straight.setGrad(Tensor.of(g, 4));
            a.step();
        }
        Tensor first = Tensor.of(start.clone(), 4).requiresGrad(true);
        AdamW b = new AdamW(List.of(first), 0.1, 0.9, 0.999, 1e-8, 0.01);
        for (int i = 0; i < 2; i++) {
            first.setGrad(Tensor.of(grads[i], 4));
            b.step();
        }
        Adam.ParamState saved = b.state(0);
        assertEquals(2, saved.step());
        // a new optimizer over a copy of the parameter, from the state's values (as a checkpoint read back gives them)
        Tensor resumed = Tensor.of(first.toFloatArray(), 4).requiresGrad(true);
        AdamW c = new AdamW(List.of(resumed), 0.1, 0.9, 0.999, 1e-8, 0.01);
        c.loadState(0, new Adam.ParamState(Tensor.of(saved.expAvg().toFloatArray(), 4),
                Tensor.of(saved.expAvgSq().toFloatArray(), 4), saved.step()));
        for (int i = 2; i < grads.length; i++) {
            resumed.setGrad(Tensor.of(grads[i], 4));
            c.step();
        }
        assertArrayEquals(straight.toFloatArray(), resumed.toFloatArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> c.loadState(0, new Adam.ParamState(Tensor.zeros(3), Tensor.zeros(3), 1)));
        assertThrows(IllegalArgumentException.class, () -> new Adam.ParamState(Tensor.zeros(4), null, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.state(1));
    }
}
