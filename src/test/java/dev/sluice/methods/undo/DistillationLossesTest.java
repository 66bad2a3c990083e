package dev.sluice.methods.undo;

import dev.sluice.autograd.GradCheck;
import dev.sluice.nn.Losses;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DistillationLossesTest {
    private final Tensor s = Tensor.randn(new Generator(1), DType.FLOAT64, 2, 3, 5).mul(2.0);
    private final Tensor t = Tensor.randn(new Generator(2), DType.FLOAT64, 2, 3, 5).mul(2.0);
    private final Tensor mask = Tensor.of(new double[] {1, 0, 1, 1, 1, 0}, 2, 3);

    @Test
    void divergencesAreZeroWhenStudentEqualsTeacher() {
        for (double tau : new double[] {1, 2.5}) {
            assertEquals(0, Losses.forwardKl(t, t, tau, mask).item(), 1e-12);
            assertEquals(0, Losses.reverseKl(t, t, tau, null).item(), 1e-12);
        }
        assertEquals(0, Losses.mseLogits(t, t, mask).item(), 0);
        // soft-target CE at equality is the teacher's entropy
        double[] e = entropyPerRow(t.toDoubleArray(), 5, 1);
        double mean = 0;
        for (double v : e) mean += v / e.length;
        assertEquals(mean, Losses.softTargetCrossEntropy(t, t, 1, null).item(), 1e-12);
    }

    @Test
    void valuesMatchClosedForms() {
        double[] sv = s.toDoubleArray(), tv = t.toDoubleArray(), mv = mask.toDoubleArray();
        for (double tau : new double[] {1, 2}) {
            double fwd = 0, rev = 0, ce = 0, w = 0;
            for (int r = 0; r < 6; r++) {
                double[] ps = softmax(sv, r, 5, tau), pt = softmax(tv, r, 5, tau);
                double f = 0, b = 0, c = 0;
                for (int v = 0; v < 5; v++) {
                    f += pt[v] * Math.log(pt[v] / ps[v]);
                    b += ps[v] * Math.log(ps[v] / pt[v]);
                    c -= pt[v] * Math.log(ps[v]);
                }
                fwd += mv[r] * f;
                rev += mv[r] * b;
                ce += mv[r] * c;
                w += mv[r];
            }
            assertEquals(tau * tau * fwd / w, Losses.forwardKl(s, t, tau, mask).item(), 1e-12, "forward KL, T=" + tau);
            assertEquals(tau * tau * rev / w, Losses.reverseKl(s, t, tau, mask).item(), 1e-12, "reverse KL, T=" + tau);
            assertEquals(tau * tau * ce / w, Losses.softTargetCrossEntropy(s, t, tau, mask).item(), 1e-12, "soft CE, T=" + tau);
        }
        double mse = 0;
        for (int i = 0; i < sv.length; i++) mse += (sv[i] - tv[i]) * (sv[i] - tv[i]) / 30;
        assertEquals(mse, Losses.mseLogits(s, t, null).item(), 1e-12);
        // KL(U ‖ p) = Σ_v (1/V)·log((1/V) / p_v) = −log V − mean_v log p_v
        double klu = 0;
        for (int r = 0; r < 6; r++) {
            double[] p = softmax(sv, r, 5, 1);
            double meanLog = 0;
            for (double q : p) meanLog += Math.log(q) / 5;
            klu += (-Math.log(5) - meanLog) / 6;
        }
        assertEquals(klu, Losses.klToUniform(s, null).item(), 1e-12);
    }

    @Test
    void gradientsPassFloat64Gradcheck() {
        for (double tau : new double[] {1, 3}) {
            GradCheck.check("forward_kl", in -> Losses.forwardKl(in[0], t, tau, mask), s.clone().requiresGrad(true));
            GradCheck.check("reverse_kl", in -> Losses.reverseKl(in[0], t, tau, mask), s.clone().requiresGrad(true));
            GradCheck.check("soft_ce", in -> Losses.softTargetCrossEntropy(in[0], t, tau, null), s.clone().requiresGrad(true));
        }
        GradCheck.check("mse_logits", in -> Losses.mseLogits(in[0], t, mask), s.clone().requiresGrad(true));
        GradCheck.check("kl_to_uniform", in -> Losses.klToUniform(in[0], null), s.clone().requiresGrad(true));
    }

    @Test
    void maskedPositionsGetNoGradientAndTheTeacherNone() {
        Tensor st = s.clone().requiresGrad(true), te = t.clone().requiresGrad(true);
        Losses.forwardKl(st, te, 2, mask).backward();
        double[] g = st.grad().toDoubleArray();
        for (int v = 0; v < 5; v++) {
            assertEquals(0, g[5 + v], 0, "position 1 is masked");
            assertEquals(0, g[25 + v], 0, "position 5 is masked");
        }
        assertNull(te.grad(), "the teacher's logits are constants");
    }

    @Test
    void float32IsStableForLargeLogits() {
        Tensor big = Tensor.of(new float[] {1000, 0, -1000, 999, 1, -999}, 2, 3);
        Tensor other = Tensor.of(new float[] {-1000, 0, 1000, 0, 0, 0}, 2, 3);
        double v = Losses.forwardKl(big, other, 1, null).item();
        assertTrue(Double.isFinite(v) && v > 100, "large but finite: " + v);
        assertTrue(Double.isFinite(Losses.reverseKl(big, other, 1, null).item()));
    }

    @Test
    void badInputsAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.forwardKl(s, t.narrow(2, 0, 4), 1, null));
        assertTrue(e.getMessage().contains("forward_kl") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.forwardKl(s, t, 0, null));
        var e2 = assertThrows(IllegalArgumentException.class, () -> Losses.forwardKl(s, t, 1, Tensor.ones(DType.FLOAT64, 3, 2)));
        assertTrue(e2.getMessage().contains("[2, 3]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.forwardKl(s, t, 1, Tensor.zeros(DType.FLOAT64, 2, 3)));
    }

    private static double[] softmax(double[] x, int row, int v, double tau) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < v; i++) max = Math.max(max, x[row * v + i] / tau);
        double[] p = new double[v];
        for (int i = 0; i < v; i++) sum += p[i] = Math.exp(x[row * v + i] / tau - max);
        for (int i = 0; i < v; i++) p[i] /= sum;
        return p;
    }

    private static double[] entropyPerRow(double[] x, int v, double tau) {
        double[] h = new double[x.length / v];
        for (int r = 0; r < h.length; r++) {
            double[] p = softmax(x, r, v, tau);
            for (double q : p) h[r] -= q * Math.log(q);
        }
        return h;
    }
}
