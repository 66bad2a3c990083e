package dev.sluice.optim;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Optimizers, schedules and clipping refuse hyper-parameters that would wreck training silently (a NaN learning rate
 * makes every parameter NaN on the first step), with PyTorch's wording.
 */
class HyperparameterValidationTest {
    private static final List<Tensor> PS = List.of(Tensor.zeros(2).requiresGrad(true));
    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    private static void refused(Executable e, String... parts) {
        var t = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) assertTrue(t.getMessage().contains(p), "message should contain '" + p + "': " + t.getMessage());
    }

    @Test
    void learningRates() {
        // PyTorch (torch.optim.SGD/Adam/AdamW): `if not 0.0 <= lr: raise ValueError(f"Invalid learning rate: {lr}")`,
        // which refuses NaN and negatives; we refuse infinities too (they only ever produce NaN/inf parameters)
        for (double lr : new double[] {-1e-3, NAN, INF}) {
            refused(() -> new SGD(PS, lr), "SGD", "Invalid learning rate", String.valueOf(lr));
            refused(() -> new Adam(PS, lr), "Adam", "Invalid learning rate");
            refused(() -> new AdamW(PS, lr), "AdamW", "Invalid learning rate");
            refused(() -> LrSchedule.constant(lr), "Invalid learning rate");
            refused(() -> LrSchedule.warmupCosine(1, 10, lr, 0), "maxLr", "Invalid learning rate");
            refused(() -> LrSchedule.warmupCosine(1, 10, 1, lr), "minLr", "Invalid learning rate");
        }
        Optimizer opt = new AdamW(PS, 0.1);
        refused(() -> opt.setLr(NAN), "setLr", "Invalid learning rate", "NaN");
        refused(() -> opt.setLr(INF), "setLr", "Invalid learning rate");
        refused(() -> opt.setLr(-1), "setLr", "Invalid learning rate");
        assertEquals(0.1, opt.lr(), "a refused rate leaves the old one");
        opt.setLr(0);
        assertEquals(0, opt.lr());
    }

    @Test
    void adamCoefficients() {
        // PyTorch Adam/AdamW: "Invalid epsilon value" unless 0 <= eps, "Invalid beta parameter at index 0/1" unless
        // 0 <= beta < 1, "Invalid weight_decay value" unless 0 <= weight_decay (NaN fails every one of these checks)
        for (double b : new double[] {-0.1, 1.0, NAN}) {
            refused(() -> new AdamW(PS, 0.1, b, 0.999, 1e-8, 0), "AdamW", "Invalid beta parameter at index 0");
            refused(() -> new AdamW(PS, 0.1, 0.9, b, 1e-8, 0), "AdamW", "Invalid beta parameter at index 1");
            refused(() -> new Adam(PS, 0.1, b, 0.999, 1e-8), "Adam", "Invalid beta parameter at index 0");
        }
        for (double eps : new double[] {-1e-8, NAN, INF}) {
            refused(() -> new AdamW(PS, 0.1, 0.9, 0.999, eps, 0), "Invalid epsilon value");
            refused(() -> new Adam(PS, 0.1, 0.9, 0.999, eps), "Invalid epsilon value");
        }
        for (double wd : new double[] {-0.01, NAN, INF}) {
            refused(() -> new AdamW(PS, 0.1, 0.9, 0.999, 1e-8, wd), "AdamW", "Invalid weight_decay value");
            refused(() -> Adam.withL2(PS, 0.1, wd), "Adam", "Invalid weight_decay value");
        }
        assertDoesNotThrow(() -> new AdamW(PS, 0.1, 0, 0, 0, 0));
    }

    @Test
    void sgdCoefficients() {
        // PyTorch SGD: "Invalid momentum value" unless 0 <= momentum, "Invalid weight_decay value" unless 0 <=
        // weight_decay, and "Nesterov momentum requires a momentum and zero dampening"
        for (double m : new double[] {-0.9, NAN, INF}) refused(() -> new SGD(PS, 0.1, m, 0, false), "SGD", "Invalid momentum value");
        for (double wd : new double[] {-0.1, NAN, INF}) refused(() -> new SGD(PS, 0.1, 0, wd, false), "SGD", "Invalid weight_decay value");
        refused(() -> new SGD(PS, 0.1, 0, 0, true), "SGD", "Nesterov", "momentum > 0");
        assertDoesNotThrow(() -> new SGD(PS, 0.1, 0.9, 0, true));
    }

    @Test
    void clipGradNormBound() {
        // PyTorch's clip_grad_norm_ scales by max_norm / (total + 1e-6): a negative bound flips every gradient and NaN
        // poisons them all, so both are refused; +inf (measure only, as PyTorch allows) stays
        Tensor p = Tensor.vector(0f).requiresGrad(true);
        p.setGrad(Tensor.vector(3f));
        for (double bound : new double[] {-1, 0, NAN}) {
            refused(() -> GradClip.clipGradNorm(List.of(p), bound), "clipGradNorm", "max norm", String.valueOf(bound));
        }
        assertArrayEquals(new float[] {3f}, p.grad().toFloatArray(), "a refused bound leaves the gradient alone");
        assertEquals(3.0, GradClip.clipGradNorm(List.of(p), INF), 1e-6);
        assertArrayEquals(new float[] {3f}, p.grad().toFloatArray());
    }
}
