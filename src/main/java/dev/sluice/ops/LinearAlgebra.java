package dev.sluice.ops;

import dev.sluice.autograd.Graph;
import dev.sluice.backend.Backend;
import dev.sluice.backend.Epilogue;
import dev.sluice.backend.UnaryOp;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/** Matrix products with NumPy/PyTorch semantics: 1-D operands promoted, batch dimensions broadcast. */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        Ops.sameDevice("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dimension, got shapes "
                    + Ops.str(a.shape()) + " and " + Ops.str(b.shape()));
        }
        Ops.requireFloat("matmul", a);
        Ops.requireFloat("matmul", b);
        if (a.dtype() != b.dtype()) {
            DType dt = DType.promote(a.dtype(), b.dtype());
            return matmul(a.to(dt), b.to(dt));
        }
        if (a.dim() > 2 && b.dim() == 2 && a.size(-1) == b.size(0)) {
            // [..., m, k]·[k, n]: fold the batch into the rows and run one large GEMM instead of one per batch
            // entry. Backward then computes the weight gradient as one [k, rows]·[rows, n] product, rather than a
            // [batch, k, n] stack of products summed over the batch afterwards.
            int[] outShape = a.shape();
            outShape[outShape.length - 1] = b.size(1);
            return matmul(a.reshape(-1, a.size(-1)), b).reshape(outShape);
        }
        if (a.dim() == 1 && b.dim() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int ra = a.dim(), rb = b.dim();
        int m = a.shape()[ra - 2], k = a.shape()[ra - 1], k2 = b.shape()[rb - 2], n = b.shape()[rb - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Ops.str(a.shape()) + " and " + Ops.str(b.shape())
                    + " cannot be multiplied (" + k + " columns in the first vs " + k2 + " rows in the second)");
        }
        int[] batch = Broadcast.shape("matmul", Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(b.shape(), rb - 2));
        int[] outShape = Ops.concat(batch, new int[] {m, n});
        Tensor out = Ops.emptyForOverwrite(a.dtype(), a.device(), outShape);
        dev.sluice.internal.FlopCounter.matmul(dev.sluice.backend.View.numel(batch), m, n, k);
        Ops.backend(a).matmul(Broadcast.expandView(Ops.view(a), Ops.concat(batch, new int[] {m, k})),
                Broadcast.expandView(Ops.view(b), Ops.concat(batch, new int[] {k, n})), Ops.view(out));
        int[] sa = a.shape(), sb = b.shape();
        boolean ga = a.requiresGrad(), gb = b.requiresGrad();
        boolean aTransposed = isTransposedLayout(a), bTransposed = isTransposedLayout(b);
        return Graph.record("matmul", out, new Tensor[] {a, b}, new Tensor[] {gb ? a : null, ga ? b : null}, (g, s) -> new Tensor[] {
                ga ? Broadcast.sumTo(aTransposed ? s[1].matmul(g.transpose(-1, -2)).transpose(-1, -2)
                        : g.matmul(s[1].transpose(-1, -2)), sa) : null,
                gb ? Broadcast.sumTo(bTransposed ? g.transpose(-1, -2).matmul(s[0]).transpose(-1, -2)
                        : s[0].transpose(-1, -2).matmul(g), sb) : null});
    }

    /**
     * A linear layer, {@code x·weightᵀ + bias}, as one op: x [..., in], weight [out, in], bias [out] or null →
     * [..., out]. The GEMM adds the bias to each output tile while it is in cache ({@code Backend.matmulBias}), so
     * the bias costs no separate pass over the output (and no second output-sized tensor). Backward:
     * dx = g·weight, dweight = gᵀ·x (one GEMM over all rows, in weight's own layout), dbias = Σ_rows g.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return linear("linear", x, weight, bias, Epilogue.NONE); }

    /**
     * {@code relu(x·weightᵀ + bias)} as one op, with the same bits as {@code linear(x, weight, bias).relu()}: the GEMM
     * applies the ReLU to each output tile right after computing it, while it is in L1 (no pass over the output in
     * memory, no pre-activation tensor). Backward masks the incoming gradient with the output's sign (out > 0 exactly where the pre-activation
     * is > 0), then proceeds as {@link #linear}.
     */
    public static Tensor linearRelu(Tensor x, Tensor weight, Tensor bias) {
        return linear("linear_relu", x, weight, bias, Epilogue.RELU);
    }

    private static Tensor linear(String op, Tensor x, Tensor weight, Tensor bias, Epilogue epilogue) {
        Ops.sameDevice(op, x, weight);
        if (weight.dim() != 2 || x.dim() < 1 || x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException(op + ": input " + Ops.str(x.shape()) + " and weight "
                    + Ops.str(weight.shape()) + " do not fit (expected input [..., in] and weight [out, in])");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException(op + ": bias " + Ops.str(bias.shape()) + " does not fit weight "
                    + Ops.str(weight.shape()) + " (expected bias [" + weight.size(0) + "])");
        }
        if (bias != null) Ops.sameDevice(op, x, bias);
        DType dt = DType.promote(x.dtype(), weight.dtype());
        if (bias != null) dt = DType.promote(dt, bias.dtype());
        if (x.dtype() != dt || weight.dtype() != dt || (bias != null && bias.dtype() != dt)) {
            return linear(op, x.to(dt), weight.to(dt), bias == null ? null : bias.to(dt), epilogue);
        }
        Ops.requireFloat(op, x);
        int in = weight.size(1), outFeatures = weight.size(0);
        Tensor x2 = x.dim() == 2 ? x : x.reshape(-1, in);
        int rows = x2.size(0);
        Tensor out = Ops.emptyForOverwrite(dt, x.device(), rows, outFeatures); // the product (+ bias) writes it all
        Backend be = Ops.backend(x);
        dev.sluice.internal.FlopCounter.matmul(1, rows, outFeatures, in);
        if (bias != null) be.matmulBias(Ops.view(x2), Ops.view(weight.t()), Ops.view(bias), Ops.view(out), epilogue);
        else be.matmul(Ops.view(x2), Ops.view(weight.t()), Ops.view(out), false, epilogue);
        boolean gx = x2.requiresGrad(), gw = weight.requiresGrad(), gb = bias != null && bias.requiresGrad();
        boolean relu = epilogue == Epilogue.RELU;
        // the ReLU variant also saves its output (slot 2), whose sign is the ReLU's derivative
        Tensor result = Graph.record(op, out, new Tensor[] {x2, weight, bias},
                new Tensor[] {gw ? x2 : null, gx ? weight : null, relu ? out : null}, (g, s) -> {
                    Tensor gp = relu ? Elementwise.unaryBackward(UnaryOp.RELU, s[2], s[2], g) : g;
                    return new Tensor[] {gx ? gp.matmul(s[1]) : null, gw ? gp.t().matmul(s[0]) : null, gb ? gp.sum(0) : null};
                });
        if (x.dim() == 2) return result;
        int[] shape = x.shape();
        shape[shape.length - 1] = outFeatures;
        return result.reshape(shape);
    }

    /**
     * Whether the last two dims of t are stored column-major, as {@code W.t()} in {@code x.matmul(W.t())} is. Its
     * gradient is then computed transposed, (gᵀ·x)ᵀ instead of xᵀ·g, so that it comes out in W's own row-major layout:
     * the same multiply, but the gradient reaching W is contiguous and is not copied through a strided transpose.
     */
    private static boolean isTransposedLayout(Tensor t) {
        int r = t.dim();
        int[] st = t.strides(), sh = t.shape();
        return r >= 2 && sh[r - 2] > 1 && sh[r - 1] > 1 && st[r - 2] == 1 && st[r - 1] == sh[r - 2];
    }
}
