package dev.sluice.ops;

import dev.sluice.backend.View;
import dev.sluice.tensor.Tensor;

/** NumPy broadcasting: the common shape of operands, stride-0 views onto it, and the reverse (sum back to a shape). */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of a and b, or an error naming the op, both shapes and the first clashing dimension. */
    public static int[] shape(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Ops.str(a) + " and " + Ops.str(b)
                        + " cannot be broadcast together (dimension " + (i - n) + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Checks that a mask of shape {@code mask} broadcasts to {@code target} without growing it (a mask may not add
     * dimensions or widen the tensor it masks), or throws an error naming the op and both shapes.
     */
    static void requireMaskFits(String op, int[] mask, int[] target) {
        if (!java.util.Arrays.equals(shape(op, target, mask), target)) {
            throw new IllegalArgumentException(op + ": mask of shape " + Ops.str(mask) + " must broadcast to the tensor's shape "
                    + Ops.str(target));
        }
    }

    /** A view of v broadcast to {@code shape} (which must be reachable: equal or size-1 dims, leading dims added). */
    static View expandView(View v, int[] shape) {
        int n = shape.length, r = v.rank();
        if (r == n && java.util.Arrays.equals(v.shape(), shape)) return v;
        int[] strides = new int[n];
        for (int i = 0; i < n; i++) {
            int src = i - (n - r);
            if (src < 0) continue;
            int size = v.shape()[src];
            if (size == shape[i]) strides[i] = v.strides()[src];
            else if (size == 1) strides[i] = 0;
            else throw new IllegalArgumentException("expand: shape " + Ops.str(v.shape()) + " cannot be broadcast to " + Ops.str(shape));
        }
        return new View(v.storage(), shape.clone(), strides, v.offset());
    }

    /**
     * Sums a gradient of the broadcast shape back to an operand's shape (the backward of broadcasting). Returns g
     * itself when the shapes already match.
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int count = 0;
        int[] dims = new int[gs.length];
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[count++] = i;
        }
        Tensor s = g.sum(java.util.Arrays.copyOf(dims, count), true);
        return s.reshape(shape);
    }
}
