package dev.sluice.ops;

import dev.sluice.autograd.GradMode;
import dev.sluice.autograd.Graph;
import dev.sluice.backend.ReduceOp;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import dev.sluice.tensor.ValuesIndices;

/** Reductions over any set of dimensions, with keepdim, and their gradients. */
public final class Reductions {
    private Reductions() {}

    /** Which dims are reduced: null or empty means all. */
    static boolean[] reducedDims(String op, Tensor t, int[] dims) {
        boolean[] reduced = new boolean[t.dim()];
        if (dims == null || dims.length == 0) {
            java.util.Arrays.fill(reduced, true);
            return reduced;
        }
        for (int d : dims) {
            int n = Shapes.normalizeDim(d, t.dim(), op);
            if (t.dim() == 0) continue;
            if (reduced[n]) throw new IllegalArgumentException(op + ": dimension " + d + " appears twice in " + Ops.str(dims));
            reduced[n] = true;
        }
        return reduced;
    }

    static int[] keepShape(Tensor t, boolean[] reduced) {
        int[] s = t.shape();
        for (int i = 0; i < s.length; i++) if (reduced[i]) s[i] = 1;
        return s;
    }

    static int[] dropShape(Tensor t, boolean[] reduced) {
        int n = 0;
        for (boolean r : reduced) if (!r) n++;
        int[] s = new int[n];
        for (int i = 0, j = 0; i < reduced.length; i++) if (!reduced[i]) s[j++] = t.shape()[i];
        return s;
    }

    static int count(Tensor t, boolean[] reduced) {
        int c = 1;
        for (int i = 0; i < reduced.length; i++) if (reduced[i]) c *= t.shape()[i];
        return c;
    }

    /** Backend reduction into keepdim layout (no graph). Integer sums produce int64, as PyTorch. */
    private static Tensor rawReduce(ReduceOp op, Tensor x, int[] keep) {
        DType outType = op == ReduceOp.SUM && !x.dtype().isFloating() ? DType.INT64 : x.dtype();
        Tensor out = Ops.empty(outType, x.device(), keep);
        Ops.backend(x).reduce(op, Ops.view(x), Ops.view(out));
        return out;
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = reducedDims("sum", x, dims);
        int[] keep = keepShape(x, reduced), inShape = x.shape();
        Tensor out = rawReduce(ReduceOp.SUM, x, keep);
        if (!keepDim) out = out.reshape(dropShape(x, reduced)); // a view of a fresh tensor: nothing recorded yet
        return Graph.record("sum", out, new Tensor[] {x}, new Tensor[0], (g, s) -> new Tensor[] {g.reshape(keep).expand(inShape)});
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        Ops.requireFloat("mean", x);
        boolean[] reduced = reducedDims("mean", x, dims);
        return sum(x, dims, keepDim).div(count(x, reduced));
    }

    /** Variance with the given correction (1 = unbiased, as PyTorch's default; 0 = population). */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepDim) {
        Ops.requireFloat("var", x);
        boolean[] reduced = reducedDims("var", x, dims);
        int n = count(x, reduced);
        Tensor centered = x.sub(x.mean(dims == null ? new int[0] : dims, true));
        return centered.square().sum(dims == null ? new int[0] : dims, keepDim).div(Math.max(0, n - correction));
    }

    public static Tensor amax(Tensor x, int[] dims, boolean keepDim) { return extremum("amax", ReduceOp.MAX, x, dims, keepDim); }

    public static Tensor amin(Tensor x, int[] dims, boolean keepDim) { return extremum("amin", ReduceOp.MIN, x, dims, keepDim); }

    /** max/min values over dims; the gradient is shared evenly among tied extrema (as torch.amax). */
    private static Tensor extremum(String name, ReduceOp op, Tensor x, int[] dims, boolean keepDim) {
        if (x.numel() == 0) throw new IllegalArgumentException(name + ": cannot reduce an empty tensor of shape " + Ops.str(x.shape()));
        boolean[] reduced = reducedDims(name, x, dims);
        int[] keep = keepShape(x, reduced);
        Tensor kept = rawReduce(op, x, keep);
        Tensor out = keepDim ? kept : kept.reshape(dropShape(x, reduced)); // views of a fresh tensor: nothing recorded
        int[] rdims = dimsOf(reduced);
        return Graph.record(name, out, new Tensor[] {x}, new Tensor[] {x, kept}, (g, s) -> {
            Tensor hit = s[0].eq(s[1]).to(g.dtype());
            Tensor share = hit.div(hit.sum(rdims, true));
            return new Tensor[] {share.mul(g.reshape(keep))};
        });
    }

    private static int[] dimsOf(boolean[] reduced) {
        int n = 0;
        for (boolean r : reduced) if (r) n++;
        int[] d = new int[n];
        for (int i = 0, j = 0; i < reduced.length; i++) if (reduced[i]) d[j++] = i;
        return d;
    }

    /** Max (or min) along one dim with int64 indices of the first extremum; gradient goes to that index. */
    public static ValuesIndices maxWithIndices(Tensor x, int dim, boolean keepDim, boolean max) {
        String name = max ? "max" : "min";
        int d = Shapes.normalizeDim(dim, x.dim(), name);
        if (x.dim() > 0 && x.shape()[d] == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce dimension " + dim + " of size 0 (shape " + Ops.str(x.shape()) + ")");
        }
        int[] keep = x.shape();
        if (keep.length > 0) keep[d] = 1;
        Tensor values = Ops.empty(x.dtype(), x.device(), keep);
        Tensor indices = Ops.empty(DType.INT64, x.device(), keep);
        if (x.dim() == 0) {
            Ops.backend(x).copy(Ops.view(x), Ops.view(values));
        } else {
            Ops.backend(x).argReduce(max ? ReduceOp.MAX : ReduceOp.MIN, Ops.view(x), d, Ops.view(values), Ops.view(indices));
        }
        int[] inShape = x.shape();
        if (x.dtype().isFloating()) {
            values = Graph.record(name, values, new Tensor[] {x}, new Tensor[] {indices}, (g, s) -> {
                if (inShape.length == 0) return new Tensor[] {g.reshape()};
                return new Tensor[] {Creation.full(0, g.dtype(), g.device(), inShape).scatterAdd(d, s[0], g)};
            });
        }
        if (!keepDim && x.dim() > 0) {
            values = values.squeeze(d);
            try (var ignored = GradMode.noGrad()) {
                indices = indices.squeeze(d);
            }
        }
        return new ValuesIndices(values, indices);
    }

    /** log Σ exp(x) over dims, shifting by the (detached) maximum for stability. */
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        Ops.requireFloat("logsumexp", x);
        Tensor m;
        try (var ignored = GradMode.noGrad()) {
            m = x.amax(dims, true);
            // rows that are all -inf would give NaN from (-inf) - (-inf): shift them by 0 instead
            m = m.maskedFill(m.eq(Double.NEGATIVE_INFINITY), 0);
        }
        Tensor out = x.sub(m).exp().sum(dims, true).log().add(m);
        if (keepDim) return out;
        return out.reshape(dropShape(x, reducedDims("logsumexp", x, dims)));
    }
}
