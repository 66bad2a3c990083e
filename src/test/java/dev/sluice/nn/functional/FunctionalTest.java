package dev.sluice.nn.functional;

import dev.sluice.nn.Losses;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.testing.OpCheck.Domain;
import static dev.sluice.testing.OpCheck.op;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The functional layer and the reductions of every loss. Expected values are computed here in double precision from
 * PyTorch's documented definitions ({@code torch.nn.functional}); gradients of the SUM and NONE forms are checked
 * against finite differences ({@code OpCheck}: float64 gradcheck, float32 against float64, three layouts).
 */
class FunctionalTest {
    private static final double[][] X = {{1, 2, 3}, {0.5, -1, 2}, {-0.3, 0.8, 0.1}};
    private static final Tensor LOGITS = Tensor.of(new double[] {1, 2, 3, 0.5, -1, 2, -0.3, 0.8, 0.1}, 3, 3);

    @AfterEach
    void unforceFused() { System.clearProperty("sluice.fused"); }

    @Test
    void classJavadocExampleRuns() {
        // the {@snippet} on F, verbatim
        Generator gen = new Generator(0);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 8, 4, 16);                   // [batch, time, features]
        Tensor w = Tensor.randn(gen, DType.FLOAT32, 10, 16).requiresGrad(true);  // [out, in]
        Tensor b = Tensor.zeros(10).requiresGrad(true);

        Tensor h = F.layerNorm(x, new int[] {4, 16}, null, null, 1e-5); // over the last two dims
        Tensor logits = F.linear(F.gelu(h), w, b);                       // [8, 4, 10]
        Tensor targets = Tensor.randint(gen, 0, 10, 8, 4);

        Tensor perPosition = F.crossEntropy(logits, targets, -100, 0.0, Reduction.NONE); // [8, 4]
        Tensor loss = F.crossEntropy(logits, targets);                                    // scalar mean
        loss.backward();

        assertArrayEquals(new int[] {8, 4}, perPosition.shape());
        assertEquals(perPosition.mean().item(), loss.item(), 1e-5);
        assertArrayEquals(new int[] {10, 16}, w.grad().shape());
    }

    // ------------------------------------------------------------------ cross entropy

    /** PyTorch's per-sample loss with label smoothing ε: −(1−ε)·log p[t] − (ε/C)·Σ_c log p[c]. */
    private static double ce(double[] x, int t, double eps) {
        double m = Double.NEGATIVE_INFINITY, s = 0, sumLogp = 0;
        for (double v : x) m = Math.max(m, v);
        for (double v : x) s += Math.exp(v - m);
        double lse = m + Math.log(s);
        for (double v : x) sumLogp += v - lse;
        return -(1 - eps) * (x[t] - lse) - eps / x.length * sumLogp;
    }

    @Test
    void crossEntropyReductionsMatchPyTorch() {
        Tensor targets = Tensor.of(new long[] {2, -1, 0}, 3);
        double l0 = ce(X[0], 2, 0.2), l2 = ce(X[2], 0, 0.2);
        // reduction='none': per-sample losses, 0 where target == ignore_index
        assertArrayEquals(new double[] {l0, 0, l2}, F.crossEntropy(LOGITS, targets, -1, 0.2, Reduction.NONE).toDoubleArray(), 1e-12);
        // reduction='sum': sum over the samples not ignored; 'mean': divided by their count
        assertEquals(l0 + l2, F.crossEntropy(LOGITS, targets, -1, 0.2, Reduction.SUM).item(), 1e-12);
        assertEquals((l0 + l2) / 2, F.crossEntropy(LOGITS, targets, -1, 0.2, Reduction.MEAN).item(), 1e-12);
        // class dimension last: [B, T, C] logits give a [B, T] 'none' loss
        Tensor all = Tensor.of(new long[] {2, 1, 0}, 1, 3);
        Tensor none = F.crossEntropy(LOGITS.reshape(1, 3, 3), all, Reduction.NONE);
        assertArrayEquals(new int[] {1, 3}, none.shape());
        assertArrayEquals(new double[] {ce(X[0], 2, 0), ce(X[1], 1, 0), ce(X[2], 0, 0)}, none.toDoubleArray(), 1e-12);
        // unbatched, as PyTorch: logits [C] with a scalar target
        assertEquals(ce(X[1], 1, 0), F.crossEntropy(LOGITS.select(0, 1), Tensor.scalar(1, DType.INT64)).item(), 1e-12);
        assertArrayEquals(new int[0], F.crossEntropy(LOGITS.select(0, 1), Tensor.scalar(1, DType.INT64), Reduction.NONE).shape());
        // Losses gives the same numbers, bit for bit, as F
        assertEquals(F.crossEntropy(LOGITS, targets, -1, 0.2, Reduction.SUM).item(),
                Losses.crossEntropy(LOGITS, targets, -1, 0.2, Reduction.SUM).item(), 0);
    }

    /** Where the op checks run (cpu, or cuda:0 in the build's CUDA-emulator run): the NaN and zero-gradient cases run there too. */
    private static final dev.sluice.tensor.Device DEVICE = dev.sluice.testing.OpCheck.DEVICE;

    @Test
    void crossEntropyOverAnEmptyBatchIsNanForTheMean() {
        Tensor logits = Tensor.zeros(DType.FLOAT32, 0, 3).to(DEVICE).requiresGrad(true);
        Tensor targets = Tensor.of(new long[0], 0).to(DEVICE);
        // PyTorch: the mean over zero elements is nan; the sum is 0; 'none' is an empty tensor
        Tensor mean = F.crossEntropy(logits, targets);
        assertTrue(Double.isNaN(mean.item()), "mean over an empty batch: " + mean.item());
        assertEquals(0, F.crossEntropy(logits, targets, Reduction.SUM).item(), 0);
        assertArrayEquals(new int[] {0}, F.crossEntropy(logits, targets, Reduction.NONE).shape());
        mean.backward();
        assertArrayEquals(new int[] {0, 3}, logits.grad().shape());
        // the same through Losses, and on [B, 0, C]
        assertTrue(Double.isNaN(Losses.crossEntropy(Tensor.zeros(2, 0, 3), Tensor.of(new long[0], 2, 0)).item()));
    }

    @Test
    void crossEntropyWithEveryTargetIgnoredIsNanWithZeroGradients() {
        {
            for (double smoothing : new double[] {0, 0.1}) {
                // PyTorch: F.cross_entropy(x, torch.full((3,), -100)) is nan (0/0) and x.grad after backward is zeros
                Tensor ignoreAll = Tensor.of(new long[] {-100, -100, -100}, 3).to(DEVICE);
                Tensor x = LOGITS.to(DType.FLOAT32).to(DEVICE).detach().requiresGrad(true);
                Tensor loss = F.crossEntropy(x, ignoreAll, -100, smoothing, Reduction.MEAN);
                assertTrue(Double.isNaN(loss.item()));
                loss.backward();
                assertArrayEquals(new float[9], x.grad().toFloatArray(), 0f, "smoothing " + smoothing); // ±0
                // sum: 0 with zero gradients; none: zeros
                Tensor y = LOGITS.to(DEVICE).detach().requiresGrad(true);
                Tensor sum = F.crossEntropy(y, ignoreAll, -100, smoothing, Reduction.SUM);
                assertEquals(0, sum.item(), 0);
                sum.backward();
                assertArrayEquals(new double[9], y.grad().toDoubleArray(), 0);
                assertArrayEquals(new double[3], F.crossEntropy(LOGITS, Tensor.of(new long[] {7, 7, 7}, 3), 7, smoothing, Reduction.NONE)
                        .toDoubleArray());
            }
        }
    }

    @Test
    void crossEntropySumAndNoneGradientsCheck() {
        Tensor t = Tensor.of(new long[] {2, -100, 1, 3, 0, 4}, 2, 3);
        op("cross_entropy_sum", in -> F.crossEntropy(in[0], in[1], -100, 0.15, Reduction.SUM)).input(2, 3, 5).constant(t).run();
        op("cross_entropy_none", in -> F.crossEntropy(in[0], in[1], -100, 0.15, Reduction.NONE)).input(2, 3, 5).constant(t).run();
        op("cross_entropy_none_plain", in -> F.crossEntropy(in[0], in[1], Reduction.NONE)).input(4, 5)
                .constant(Tensor.of(new long[] {2, 0, 1, 3}, 4)).run();
    }

    @Test
    void crossEntropyNoneGradientIsPerPosition() {
        // d/dx of Σ_i g_i·ℓ_i = g_i·(softmax(x_i) − onehot(t_i)); ignored rows get 0
        Tensor x = LOGITS.detach().requiresGrad(true);
        F.crossEntropy(x, Tensor.of(new long[] {2, -100, 0}, 3), Reduction.NONE).mul(Tensor.of(new double[] {2, 5, -1}, 3)).sum().backward();
        double[] g = x.grad().toDoubleArray(), w = {2, 5, -1};
        int[] t = {2, -100, 0};
        for (int i = 0; i < 3; i++) {
            double m = Math.max(X[i][0], Math.max(X[i][1], X[i][2])), s = 0;
            for (double v : X[i]) s += Math.exp(v - m);
            for (int c = 0; c < 3; c++) {
                double expected = t[i] < 0 ? 0 : w[i] * (Math.exp(X[i][c] - m) / s - (c == t[i] ? 1 : 0));
                assertEquals(expected, g[i * 3 + c], 1e-12);
            }
        }
    }

    @Test
    void crossEntropyRejectsBadInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(LOGITS, Tensor.vector(0, 1, 2)));
        assertTrue(e.getMessage().contains("int64") && e.getMessage().contains("float32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(LOGITS, Tensor.of(new long[] {0, 1}, 2)));
        assertTrue(e.getMessage().contains("[3, 3]") && e.getMessage().contains("[2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(LOGITS, Tensor.of(new long[] {0, 1, 2}, 3), -100, Double.NaN, Reduction.MEAN));
        assertThrows(IndexOutOfBoundsException.class, () -> F.crossEntropy(LOGITS, Tensor.of(new long[] {0, 3, 2}, 3), Reduction.NONE));
        assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(Tensor.of(new long[] {1, 2, 3}, 1, 3), Tensor.of(new long[] {0}, 1)));
        assertThrows(NullPointerException.class, () -> F.crossEntropy(LOGITS, Tensor.of(new long[] {0, 1, 2}, 3), null));
    }

    // ------------------------------------------------------------------ mse, l1

    @Test
    void mseAndL1Reductions() {
        Tensor a = Tensor.of(new double[] {1, 2, -1, 0.5, 3, -2}, 2, 3), b = Tensor.of(new double[] {0.5, 3, 1, 0.5, -1, 0}, 2, 3);
        double[] d = {0.5, -1, -2, 0, 4, -2};
        double sq = 0, ab = 0;
        double[] sqs = new double[6], abs = new double[6];
        for (int i = 0; i < 6; i++) {
            sqs[i] = d[i] * d[i];
            abs[i] = Math.abs(d[i]);
            sq += sqs[i];
            ab += abs[i];
        }
        assertEquals(sq / 6, F.mseLoss(a, b).item(), 1e-12);
        assertEquals(sq, F.mseLoss(a, b, Reduction.SUM).item(), 1e-12);
        assertArrayEquals(sqs, F.mseLoss(a, b, Reduction.NONE).toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {2, 3}, F.mseLoss(a, b, Reduction.NONE).shape());
        assertEquals(ab / 6, F.l1Loss(a, b).item(), 1e-12);
        assertEquals(ab, Losses.l1(a, b, Reduction.SUM).item(), 1e-12);
        assertArrayEquals(abs, F.l1Loss(a, b, Reduction.NONE).toDoubleArray(), 1e-12);
        // PyTorch's mean over zero elements is nan; the sum is 0
        assertTrue(Double.isNaN(F.mseLoss(Tensor.zeros(0), Tensor.zeros(0)).item()));
        assertEquals(0, F.l1Loss(Tensor.zeros(0), Tensor.zeros(0), Reduction.SUM).item(), 0);
        // a target that broadcasts to the input's shape is accepted
        assertEquals(F.mseLoss(a, Tensor.zeros(DType.FLOAT64, 2, 3)).item(), F.mseLoss(a, Tensor.scalar(0, DType.FLOAT64)).item(), 0);
    }

    @Test
    void mseRefusesShapesThatWouldBroadcastPastTheInput() {
        // input [3, 1] against target [3] would broadcast to [3, 3] (PyTorch warns and does so): refused
        var e = assertThrows(IllegalArgumentException.class, () -> F.mseLoss(Tensor.zeros(3, 1), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("mseLoss") && e.getMessage().contains("[3, 1]") && e.getMessage().contains("[3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.l1(Tensor.zeros(3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("l1Loss") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> F.mseLoss(Tensor.zeros(DType.INT64, 3), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void mseAndL1SumAndNoneGradientsCheck() {
        for (Reduction r : List.of(Reduction.SUM, Reduction.NONE)) {
            op("mse_" + r, in -> F.mseLoss(in[0], in[1], r)).input(3, 4).input(3, 4).run();
            op("mse_broadcast_" + r, in -> F.mseLoss(in[0], in[1], r)).input(3, 4).input(4).run();
            op("l1_" + r, in -> F.l1Loss(in[0], in[1].add(10), r)).input(3, 4).input(3, 4).run();
        }
    }

    // ------------------------------------------------------------------ binary cross entropy

    /** PyTorch's BCEWithLogits element: −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]. */
    private static double bce(double x, double y, double w, double p) {
        double logSig = -Math.log1p(Math.exp(-x)), log1mSig = -Math.log1p(Math.exp(x));
        return -w * (p * y * logSig + (1 - y) * log1mSig);
    }

    @Test
    void binaryCrossEntropyWithLogitsReductionsAndWeights() {
        double[] x = {0.5, -2, 3, -1, 0, 1.5}, y = {1, 0, 0.3, 1, 0.5, 0}, w = {2, 0.5, 1}, p = {3, 1, 0.25};
        Tensor xt = Tensor.of(x, 2, 3), yt = Tensor.of(y, 2, 3), wt = Tensor.of(w, 3), pt = Tensor.of(p, 3);
        double[] plain = new double[6], weighted = new double[6];
        double sum = 0, wsum = 0;
        for (int i = 0; i < 6; i++) {
            plain[i] = bce(x[i], y[i], 1, 1);
            weighted[i] = bce(x[i], y[i], w[i % 3], p[i % 3]);
            sum += plain[i];
            wsum += weighted[i];
        }
        assertArrayEquals(plain, F.binaryCrossEntropyWithLogits(xt, yt, Reduction.NONE).toDoubleArray(), 1e-12);
        assertEquals(sum, F.binaryCrossEntropyWithLogits(xt, yt, Reduction.SUM).item(), 1e-12);
        assertEquals(sum / 6, Losses.binaryCrossEntropyWithLogits(xt, yt).item(), 1e-12);
        assertArrayEquals(weighted, F.binaryCrossEntropyWithLogits(xt, yt, wt, pt, Reduction.NONE).toDoubleArray(), 1e-12);
        // 'mean' with a weight is the plain mean of the weighted elements, as PyTorch
        assertEquals(wsum / 6, F.binaryCrossEntropyWithLogits(xt, yt, wt, pt, Reduction.MEAN).item(), 1e-12);
        assertEquals(wsum, F.binaryCrossEntropyWithLogits(xt, yt, wt, pt, Reduction.SUM).item(), 1e-12);
        // stable for large |x| (no overflow): with y = 1 and pos_weight 2, ℓ = 2·softplus(−x)
        Tensor big = Tensor.of(new double[] {-40, 40}, 2), one = Tensor.ones(DType.FLOAT64, 2), two = Tensor.full(2, DType.FLOAT64, 2);
        assertArrayEquals(new double[] {80, 0}, F.binaryCrossEntropyWithLogits(big, one, null, two, Reduction.NONE).toDoubleArray(), 1e-12);
    }

    @Test
    void binaryCrossEntropyWithLogitsGradientsCheck() {
        for (Reduction r : Reduction.values()) {
            op("bce_" + r, in -> F.binaryCrossEntropyWithLogits(in[0], in[1].sigmoid(), r)).input(3, 4).input(3, 4).run();
            op("bce_weights_" + r, in -> F.binaryCrossEntropyWithLogits(in[0], in[1].sigmoid(), in[2], in[3], r))
                    .input(3, 4).input(3, 4).input(Domain.POSITIVE, 3, 1).input(Domain.POSITIVE, 4).run();
        }
    }

    @Test
    void binaryCrossEntropyWithLogitsRejectsBadShapes() {
        // PyTorch raises "Target size must be the same as input size"
        var e = assertThrows(IllegalArgumentException.class, () -> F.binaryCrossEntropyWithLogits(Tensor.zeros(3, 1), Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("[3, 1]") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> F.binaryCrossEntropyWithLogits(Tensor.zeros(3, 4), Tensor.zeros(3, 4), null, Tensor.ones(3), Reduction.MEAN));
        assertTrue(e.getMessage().contains("posWeight"), e.getMessage());
    }

    // ------------------------------------------------------------------ distillation

    private static double[] softmax(double[] v, int row, int n, double tau) {
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, v[row * n + i] / tau);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) s += p[i] = Math.exp(v[row * n + i] / tau - m);
        for (int i = 0; i < n; i++) p[i] /= s;
        return p;
    }

    @Test
    void distillationReductionsMatchClosedForms() {
        Tensor s = Tensor.randn(new Generator(1), DType.FLOAT64, 2, 3, 5).mul(2.0);
        Tensor t = Tensor.randn(new Generator(2), DType.FLOAT64, 2, 3, 5).mul(2.0);
        Tensor mask = Tensor.of(new double[] {1, 0, 1, 1, 1, 0}, 2, 3);
        double[] sv = s.toDoubleArray(), tv = t.toDoubleArray(), mv = mask.toDoubleArray();
        for (boolean fused : new boolean[] {false, true}) {
            if (fused) System.setProperty("sluice.fused", "true");
            double tau = 2;
            double[] fwd = new double[6], rev = new double[6], sce = new double[6], mse = new double[6], klu = new double[6];
            for (int r = 0; r < 6; r++) {
                double[] ps = softmax(sv, r, 5, tau), pt = softmax(tv, r, 5, tau), p1 = softmax(sv, r, 5, 1);
                for (int v = 0; v < 5; v++) {
                    fwd[r] += mv[r] * tau * tau * pt[v] * Math.log(pt[v] / ps[v]);
                    rev[r] += mv[r] * tau * tau * ps[v] * Math.log(ps[v] / pt[v]);
                    sce[r] -= mv[r] * tau * tau * pt[v] * Math.log(ps[v]);
                    mse[r] += mv[r] * Math.pow(sv[r * 5 + v] - tv[r * 5 + v], 2) / 5;
                    klu[r] += mv[r] * 0.2 * Math.log(0.2 / p1[v]);
                }
            }
            check("forward KL", fwd, mv, F.forwardKl(s, t, tau, mask, Reduction.NONE), F.forwardKl(s, t, tau, mask, Reduction.SUM),
                    F.forwardKl(s, t, tau, mask, Reduction.MEAN));
            check("reverse KL", rev, mv, F.reverseKl(s, t, tau, mask, Reduction.NONE), F.reverseKl(s, t, tau, mask, Reduction.SUM),
                    Losses.reverseKl(s, t, tau, mask));
            check("soft CE", sce, mv, F.softTargetCrossEntropy(s, t, tau, mask, Reduction.NONE),
                    Losses.softTargetCrossEntropy(s, t, tau, mask, Reduction.SUM), F.softTargetCrossEntropy(s, t, tau, mask));
            check("mse logits", mse, mv, F.mseLogits(s, t, mask, Reduction.NONE), F.mseLogits(s, t, mask, Reduction.SUM),
                    F.mseLogits(s, t, mask));
            check("KL to uniform", klu, mv, F.klToUniform(s, mask, Reduction.NONE), F.klToUniform(s, mask, Reduction.SUM),
                    Losses.klToUniform(s, mask));
            // without a mask every position counts
            Tensor none = F.forwardKl(s, t, 1, null, Reduction.NONE);
            assertArrayEquals(new int[] {2, 3}, none.shape());
            assertEquals(none.sum().item(), F.forwardKl(s, t, 1, null, Reduction.SUM).item(), 1e-12);
            assertEquals(none.mean().item(), F.forwardKl(s, t, 1, null, Reduction.MEAN).item(), 1e-12);
            // an all-zero mask: the sum is 0 (the mean has nothing to average and throws, as before)
            Tensor zero = Tensor.zeros(DType.FLOAT64, 2, 3);
            assertEquals(0, F.reverseKl(s, t, 1, zero, Reduction.SUM).item(), 0);
            assertThrows(IllegalArgumentException.class, () -> F.reverseKl(s, t, 1, zero, Reduction.MEAN));
        }
    }

    private static void check(String what, double[] perPosition, double[] mask, Tensor none, Tensor sum, Tensor mean) {
        assertArrayEquals(new int[] {2, 3}, none.shape(), what);
        assertArrayEquals(perPosition, none.toDoubleArray(), 1e-12, what + " none");
        double total = 0, count = 0;
        for (int i = 0; i < perPosition.length; i++) {
            total += perPosition[i];
            count += mask[i];
        }
        assertEquals(total, sum.item(), 1e-12, what + " sum");
        assertEquals(total / count, mean.item(), 1e-12, what + " mean");
    }

    @Test
    void distillationSumAndNoneGradientsCheck() {
        Tensor teacher = Tensor.randn(new Generator(5), DType.FLOAT64, 2, 3, 5).mul(2.0);
        Tensor mask = Tensor.of(new double[] {1, 0, 1, 1, 1, 0}, 2, 3);
        for (boolean fused : new boolean[] {false, true}) {
            if (fused) System.setProperty("sluice.fused", "true");
            for (Reduction r : List.of(Reduction.SUM, Reduction.NONE)) {
                String tag = (fused ? "fused_" : "") + r;
                op("forward_kl_" + tag, in -> F.forwardKl(in[0], in[1], 2.0, in[2], r)).input(2, 3, 5).constant(teacher).constant(mask).run();
                op("reverse_kl_" + tag, in -> F.reverseKl(in[0], in[1], 1.5, in[2], r)).input(2, 3, 5).constant(teacher).constant(mask).run();
                op("soft_ce_" + tag, in -> F.softTargetCrossEntropy(in[0], in[1], 1.0, null, r)).input(2, 3, 5).constant(teacher).run();
                op("mse_logits_" + tag, in -> F.mseLogits(in[0], in[1], in[2], r)).input(2, 3, 5).constant(teacher).constant(mask).run();
                op("kl_uniform_" + tag, in -> F.klToUniform(in[0], in[1], r)).input(2, 3, 5).constant(mask).run();
            }
        }
    }

    // ------------------------------------------------------------------ layer norm

    @Test
    void layerNormOverTwoTrailingDimsMatchesTheDefinition() {
        Generator gen = new Generator(3);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 3, 4).mul(3).add(2);
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 3, 4), b = Tensor.randn(gen, DType.FLOAT64, 3, 4);
        double eps = 1e-5;
        double[] xv = x.toDoubleArray(), wv = w.toDoubleArray(), bv = b.toDoubleArray(), expected = new double[24];
        for (int n = 0; n < 2; n++) {
            // PyTorch: mean and biased variance over all of normalized_shape, per sample
            double mean = 0, var = 0;
            for (int i = 0; i < 12; i++) mean += xv[n * 12 + i] / 12;
            for (int i = 0; i < 12; i++) var += Math.pow(xv[n * 12 + i] - mean, 2) / 12;
            for (int i = 0; i < 12; i++) expected[n * 12 + i] = (xv[n * 12 + i] - mean) / Math.sqrt(var + eps) * wv[i] + bv[i];
        }
        assertArrayEquals(expected, F.layerNorm(x, new int[] {3, 4}, w, b, eps).toDoubleArray(), 1e-10);
        // without weight and bias
        Tensor plain = F.layerNorm(x, new int[] {3, 4});
        assertArrayEquals(new int[] {2, 3, 4}, plain.shape());
        assertEquals(0, plain.select(0, 1).mean().item(), 1e-12);
        assertEquals(1, plain.select(0, 1).var(null, 0, false).item(), 1e-5);
    }

    @Test
    void layerNormGradientsCheck() {
        op("layer_norm_2d", in -> F.layerNorm(in[0], new int[] {3, 4}, in[1], in[2], 1e-5)).input(2, 3, 4).input(3, 4).input(3, 4).run();
        op("layer_norm_3d", in -> F.layerNorm(in[0], new int[] {2, 3, 4}, in[1], in[2], 1e-5)).input(2, 2, 3, 4).input(2, 3, 4).input(2, 3, 4).run();
        op("layer_norm_2d_plain", in -> F.layerNorm(in[0], new int[] {3, 4})).input(5, 3, 4).run();
    }

    // ------------------------------------------------------------------ layers and activations

    @Test
    void layersAndActivationsMatchTheirDefinitions() {
        Generator gen = new Generator(7);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 3, 4), w = Tensor.randn(gen, DType.FLOAT64, 5, 4), b = Tensor.randn(gen, DType.FLOAT64, 5);
        assertArrayEquals(x.matmul(w.t()).add(b).toDoubleArray(), F.linear(x, w, b).toDoubleArray(), 1e-12);
        assertArrayEquals(x.matmul(w.t()).toDoubleArray(), F.linear(x, w, null).toDoubleArray(), 1e-12);
        Tensor idx = Tensor.of(new long[] {4, 0, 4, 2}, 2, 2);
        Tensor e = F.embedding(idx, w);
        assertArrayEquals(new int[] {2, 2, 4}, e.shape());
        assertArrayEquals(w.select(0, 4).toDoubleArray(), e.select(0, 0).select(0, 0).toDoubleArray());
        assertArrayEquals(x.relu().toDoubleArray(), F.relu(x).toDoubleArray());
        assertArrayEquals(x.gelu().toDoubleArray(), F.gelu(x, "none").toDoubleArray());
        assertArrayEquals(x.geluTanh().toDoubleArray(), F.gelu(x, "tanh").toDoubleArray());
        assertArrayEquals(x.silu().toDoubleArray(), F.silu(x).toDoubleArray());
        assertArrayEquals(x.sigmoid().toDoubleArray(), F.sigmoid(x).toDoubleArray());
        assertArrayEquals(x.tanh().toDoubleArray(), F.tanh(x).toDoubleArray());
        assertArrayEquals(x.softmax(1).toDoubleArray(), F.softmax(x, 1).toDoubleArray());
        assertArrayEquals(x.logSoftmax(-1).toDoubleArray(), F.logSoftmax(x, -1).toDoubleArray());
        assertEquals(1.0, F.softmax(x, 1).sum(1).select(0, 0).select(0, 0).item(), 1e-12);
        var bad = assertThrows(IllegalArgumentException.class, () -> F.gelu(x, "exact"));
        assertTrue(bad.getMessage().contains("\"exact\""), bad.getMessage());
        // dropout: identity when not training or p = 0; while training, kept elements are scaled by 1/(1 − p)
        assertSame(x, F.dropout(x, 0.5, false, gen));
        assertSame(x, F.dropout(x, 0, true, gen));
        double[] dropped = F.dropout(Tensor.ones(DType.FLOAT64, 1000), 0.25, true, new Generator(8)).toDoubleArray();
        int kept = 0;
        for (double v : dropped) {
            assertTrue(v == 0 || Math.abs(v - 4.0 / 3) < 1e-12, "value " + v);
            if (v != 0) kept++;
        }
        assertEquals(750, kept, 60);
        assertThrows(IllegalArgumentException.class, () -> F.dropout(x, 1.5, true, gen));
    }
}
