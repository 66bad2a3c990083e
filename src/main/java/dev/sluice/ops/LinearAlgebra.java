package dev.sluice.ops;

import dev.sluice.autograd.Graph;
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
        Tensor out = Ops.empty(a.dtype(), a.device(), outShape);
        Ops.backend(a).matmul(Broadcast.expandView(Ops.view(a), Ops.concat(batch, new int[] {m, k})),
                Broadcast.expandView(Ops.view(b), Ops.concat(batch, new int[] {k, n})), Ops.view(out));
        int[] sa = a.shape(), sb = b.shape();
        boolean ga = a.requiresGrad(), gb = b.requiresGrad();
        return Graph.record("matmul", out, new Tensor[] {a, b}, new Tensor[] {gb ? a : null, ga ? b : null}, (g, s) -> new Tensor[] {
                ga ? Broadcast.sumTo(g.matmul(s[1].transpose(-1, -2)), sa) : null,
                gb ? Broadcast.sumTo(s[0].transpose(-1, -2).matmul(g), sb) : null});
    }
}
