package dev.sluice.ops;

import dev.sluice.autograd.Graph;
import dev.sluice.backend.View;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/** Fused neural-network ops: softmax/log-softmax, layer norm, dropout. */
public final class NeuralOps {
    private NeuralOps() {}

    /** Softmax (or log-softmax) along dim; non-last dims are moved last, computed, and moved back. */
    public static Tensor softmax(Tensor x, int dim, boolean log) {
        String name = log ? "log_softmax" : "softmax";
        Ops.requireFloat(name, x);
        if (x.dim() == 0) return softmax(x.reshape(1), 0, log).reshape();
        int d = Shapes.normalizeDim(dim, x.dim(), name);
        if (d != x.dim() - 1) return softmax(x.transpose(d, -1), -1, log).transpose(d, -1);
        Tensor xc = x.contiguous();
        Tensor out = Ops.emptyForOverwriteLike(xc);
        Ops.backend(x).softmax(Ops.view(xc), Ops.view(out), log);
        return Graph.record(name, out, new Tensor[] {xc}, new Tensor[] {out}, (g, s) -> {
            Tensor gx = Ops.emptyForOverwriteLike(s[0]);
            Ops.backend(gx).softmaxBackward(Ops.view(s[0]), Ops.view(g.contiguous()), Ops.view(gx), log);
            return new Tensor[] {gx};
        });
    }

    /**
     * Softmax along {@code dim} with the positions where the bool mask (broadcastable to x's shape) is true left out:
     * softmax(maskedFill(mask, −∞)) with that composite's bits, fused into one op over the last dimension of a float32
     * tensor where the backend has a kernel (the CPU does); otherwise the composite itself. A row masked everywhere
     * gives NaN, as the composite does.
     */
    public static Tensor maskedSoftmax(Tensor x, Tensor mask, int dim) {
        String name = "masked_softmax";
        Ops.requireFloat(name, x);
        Ops.sameDevice(name, x, mask);
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(name + ": the mask must be bool, got " + mask.dtype() + " " + Ops.str(mask.shape()));
        }
        Broadcast.requireMaskFits(name, mask.shape(), x.shape());
        int d = x.dim() == 0 ? 0 : Shapes.normalizeDim(dim, x.dim(), name);
        // only the CPU backend has the fused kernel: elsewhere the output is not allocated just to be refused
        if (x.dim() > 0 && d == x.dim() - 1 && x.dtype() == DType.FLOAT32 && x.device().kind() == Device.Kind.CPU) {
            Tensor xc = x.contiguous();
            Tensor out = Ops.emptyForOverwriteLike(xc);
            if (Ops.backend(x).maskedSoftmax(Ops.view(xc), Broadcast.expandView(Ops.view(mask), x.shape()), Ops.view(out))) {
                return Graph.record(name, out, new Tensor[] {xc}, new Tensor[] {out, mask}, (g, s) -> {
                    Tensor gx = Ops.emptyForOverwriteLike(s[0]);
                    View m = Broadcast.expandView(Ops.view(s[1]), s[0].shape());
                    if (!Ops.backend(gx).maskedSoftmaxBackward(Ops.view(s[0]), Ops.view(g.contiguous()), m, Ops.view(gx))) {
                        throw new IllegalStateException(name + ": the backend fused the forward but not the backward");
                    }
                    return new Tensor[] {gx};
                });
            }
        }
        return x.maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(dim);
    }

    /**
     * Layer norm over the trailing {@code normalizedShape} dims: (x − mean)/sqrt(var + eps)·gamma + beta with the
     * biased variance; gamma and beta (shape normalizedShape) may be null.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor gamma, Tensor beta, double eps) {
        Ops.requireFloat("layer_norm", x);
        int k = normalizedShape.length;
        int[] xs = x.shape();
        boolean ok = k >= 1 && k <= xs.length;
        for (int i = 0; ok && i < k; i++) ok = xs[xs.length - k + i] == normalizedShape[i];
        if (!ok) {
            throw new IllegalArgumentException("layer_norm: normalized shape " + Ops.str(normalizedShape)
                    + " must match the trailing dimensions of the input shape " + Ops.str(xs));
        }
        for (Tensor p : new Tensor[] {gamma, beta}) {
            if (p != null && !java.util.Arrays.equals(p.shape(), normalizedShape)) {
                throw new IllegalArgumentException("layer_norm: weight/bias of shape " + Ops.str(p.shape())
                        + " must have the normalized shape " + Ops.str(normalizedShape));
            }
            if (p != null && p.dtype() != x.dtype()) {
                throw new IllegalArgumentException("layer_norm: weight/bias dtype " + p.dtype() + " differs from input dtype " + x.dtype());
            }
        }
        Ops.sameDevice("layer_norm", x, gamma, beta);
        int cols = dev.sluice.backend.View.numel(normalizedShape);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor x2 = x.contiguous().reshape(rows, cols);
        Tensor g2 = gamma == null ? null : gamma.reshape(cols), b2 = beta == null ? null : beta.reshape(cols);
        Tensor out = Ops.emptyForOverwriteLike(x2);
        Tensor mean = Ops.emptyForOverwrite(x.dtype(), x.device(), rows), rstd = Ops.emptyForOverwrite(x.dtype(), x.device(), rows);
        Ops.backend(x).layerNorm(Ops.view(x2), g2 == null ? null : Ops.view(g2), b2 == null ? null : Ops.view(b2), eps,
                Ops.view(out), Ops.view(mean), Ops.view(rstd));
        boolean hasGamma = g2 != null, hasBeta = b2 != null;
        out = Graph.record("layer_norm", out, new Tensor[] {x2, g2, b2}, new Tensor[] {x2, mean, rstd, g2}, (g, s) -> {
            Tensor dx = Ops.emptyForOverwriteLike(s[0]);
            Tensor dg = hasGamma ? Ops.empty(g.dtype(), g.device(), cols) : null;
            Tensor db = hasBeta ? Ops.empty(g.dtype(), g.device(), cols) : null;
            Ops.backend(dx).layerNormBackward(Ops.view(g.contiguous()), Ops.view(s[0]), Ops.view(s[1]), Ops.view(s[2]),
                    s[3] == null ? null : Ops.view(s[3]), Ops.view(dx), dg == null ? null : Ops.view(dg), db == null ? null : Ops.view(db));
            return new Tensor[] {dx, dg, db};
        });
        return out.reshape(xs);
    }

    /** Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1−p) (training only). */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        Ops.requireFloat("dropout", x);
        if (p == 1) return x.mul(0.0);
        Tensor keep = Creation.rand(gen, x.dtype(), x.shape()).ge(p).to(x.dtype());
        return x.mul(keep.mul(1 / (1 - p)));
    }

}
