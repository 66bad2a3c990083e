package dev.sluice.ops;

import dev.sluice.autograd.GradMode;
import dev.sluice.autograd.Graph;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

/** gather, index_select, scatter_add, one_hot and embedding lookup, with their gradients. */
public final class Indexing {
    private Indexing() {}

    private static Tensor asLong(Tensor index) {
        if (index.dtype() == DType.INT64) return index;
        try (var ignored = GradMode.noGrad()) {
            return index.to(DType.INT64);
        }
    }

    /** Checks torch.gather/scatter shape rules: same rank; index no larger than the source off the dim. */
    private static void checkGatherShapes(String op, Tensor x, int d, Tensor index, Tensor other) {
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException(op + ": index of shape " + Ops.str(index.shape()) + " must have the same rank as "
                    + "the tensor of shape " + Ops.str(x.shape()));
        }
        for (int i = 0; i < x.dim(); i++) {
            if (i != d && index.shape()[i] > x.shape()[i]) {
                throw new IllegalArgumentException(op + ": index shape " + Ops.str(index.shape()) + " exceeds the tensor shape "
                        + Ops.str(x.shape()) + " in dimension " + i);
            }
            if (other != null && index.shape()[i] > other.shape()[i]) {
                throw new IllegalArgumentException(op + ": index shape " + Ops.str(index.shape()) + " exceeds the source shape "
                        + Ops.str(other.shape()) + " in dimension " + i);
            }
        }
    }

    public static Tensor gather(Tensor x, int dim, Tensor index) {
        Ops.requireIndex("gather", "index", index);
        Ops.sameDevice("gather", x, index);
        int d = Shapes.normalizeDim(dim, x.dim(), "gather");
        checkGatherShapes("gather", x, d, index, null);
        Tensor idx = asLong(index);
        Tensor out = Ops.emptyForOverwrite(x.dtype(), x.device(), idx.shape());
        Ops.backend(x).gather(Ops.view(x), d, Ops.view(idx), Ops.view(out));
        int[] inShape = x.shape();
        return Graph.record("gather", out, new Tensor[] {x}, new Tensor[] {idx},
                (g, s) -> new Tensor[] {Creation.full(0, g.dtype(), g.device(), inShape).scatterAdd(d, s[0], g)});
    }

    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Ops.requireIndex("scatter_add", "index", index);
        Ops.sameDevice("scatter_add", x, index, src);
        int d = Shapes.normalizeDim(dim, x.dim(), "scatter_add");
        checkGatherShapes("scatter_add", x, d, index, src);
        if (src.dtype() != x.dtype()) {
            throw new IllegalArgumentException("scatter_add: src dtype " + src.dtype() + " differs from the tensor's " + x.dtype());
        }
        Tensor idx = asLong(index);
        Tensor out = x.detach().clone();
        Ops.backend(x).scatterAdd(Ops.view(out), d, Ops.view(idx), Ops.view(src));
        return Graph.record("scatter_add", out, new Tensor[] {x, src}, new Tensor[] {idx},
                (g, s) -> new Tensor[] {g, g.gather(d, s[0])});
    }

    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        Ops.requireIndex("index_select", "index", index);
        Ops.sameDevice("index_select", x, index);
        if (index.dim() > 1) {
            throw new IllegalArgumentException("index_select: index must be 0-D or 1-D, got shape " + Ops.str(index.shape()));
        }
        int d = Shapes.normalizeDim(dim, x.dim(), "index_select");
        Tensor idx = asLong(index).reshape(-1);
        int[] shape = x.shape();
        shape[d] = idx.numel();
        Tensor out = Ops.emptyForOverwrite(x.dtype(), x.device(), shape);
        Ops.backend(x).indexSelect(Ops.view(x), d, Ops.view(idx), Ops.view(out));
        int[] inShape = x.shape();
        return Graph.record("index_select", out, new Tensor[] {x}, new Tensor[] {idx}, (g, s) -> {
            Tensor z = Creation.full(0, g.dtype(), g.device(), inShape);
            Ops.backend(z).indexAdd(Ops.view(z), d, Ops.view(s[0]), Ops.view(g));
            return new Tensor[] {z};
        });
    }

    /** Rows of {@code weight} ([V, D]) for integer indices of any shape: result shape indices.shape + [D]. */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be 2-D [num_embeddings, dim], got " + Ops.str(weight.shape()));
        }
        Ops.requireIndex("embedding", "indices", indices);
        Tensor rows = indexSelect(weight, 0, indices.reshape(-1));
        return rows.reshape(Ops.concat(indices.shape(), new int[] {weight.shape()[1]}));
    }

    public static Tensor oneHot(Tensor index, int numClasses) {
        Ops.requireIndex("one_hot", "input", index);
        if (numClasses <= 0) throw new IllegalArgumentException("one_hot: numClasses must be positive, got " + numClasses);
        try (var ignored = GradMode.noGrad()) {
            Tensor idx = asLong(index);
            if (idx.numel() > 0) {
                long lo = (long) idx.min().item(), hi = (long) idx.max().item();
                if (lo < 0 || hi >= numClasses) {
                    throw new IndexOutOfBoundsException("one_hot: class values must be in [0, " + numClasses + "), found "
                            + (lo < 0 ? lo : hi));
                }
            }
            Tensor classes = Tensor.arange(numClasses).to(idx.device());
            return idx.unsqueeze(-1).eq(classes).to(DType.FLOAT32);
        }
    }
}
