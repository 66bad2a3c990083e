package dev.sluice.ops;

import dev.sluice.autograd.Graph;
import dev.sluice.autograd.RegionGradient;
import dev.sluice.backend.View;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Movement ops. Views (reshape when possible, permute, transpose, narrow, slice, select, expand, squeeze, unsqueeze)
 * share storage with their input; cat and stack copy. Every op has its gradient rule: the inverse movement, or
 * scattering the gradient into zeros for ops that pick a region.
 */
public final class Shapes {
    private Shapes() {}

    /** Maps a possibly negative dim into [0, rank), or throws naming the op. */
    public static int normalizeDim(int dim, int rank, String op) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank
                    + " (expected " + (-r) + " to " + (r - 1) + ")");
        }
        return dim < 0 ? dim + r : dim;
    }

    private static Tensor viewOf(Tensor t, int[] shape, int[] strides, int offset) {
        return Ops.wrap(new View(Ops.view(t).storage(), shape, strides, offset));
    }

    /** Resolves one -1 in a requested shape and checks the element count. */
    static int[] inferShape(String op, int[] from, int[] requested) {
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + Ops.str(requested));
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + shape[i] + " in " + Ops.str(requested));
            } else {
                known *= shape[i];
            }
        }
        int numel = View.numel(from);
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape tensor of shape " + Ops.str(from) + " (" + numel
                        + " elements) into " + Ops.str(requested));
            }
            shape[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": cannot reshape tensor of shape " + Ops.str(from) + " (" + numel
                    + " elements) into " + Ops.str(requested) + " (" + known + " elements)");
        }
        return shape;
    }

    /**
     * Strides that let a tensor of (oldShape, oldStrides) be viewed with newShape, or null when a copy is needed.
     * Groups of old dimensions that are contiguous with each other may be split or merged freely.
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int[] newStrides = new int[newShape.length];
        if (View.numel(oldShape) == 0 || oldShape.length == 0) return View.contiguousStrides(newShape);
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            boolean chunkEnds = d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase);
            if (chunkEnds) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    public static Tensor reshape(Tensor t, int... requested) {
        int[] shape = inferShape("reshape", t.shape(), requested);
        int[] strides = viewStrides(t.shape(), Ops.view(t).strides(), shape);
        Tensor src = strides == null ? t.contiguous() : t;
        return viewAs("reshape", src, shape, strides == null ? View.contiguousStrides(shape) : strides, t.shape());
    }

    public static Tensor view(Tensor t, int... requested) {
        int[] shape = inferShape("view", t.shape(), requested);
        int[] strides = viewStrides(t.shape(), Ops.view(t).strides(), shape);
        if (strides == null) {
            throw new IllegalStateException("view: shape " + Ops.str(shape) + " is not compatible with the input's shape "
                    + Ops.str(t.shape()) + " and strides " + Ops.str(t.strides()) + "; use reshape(), which copies when needed");
        }
        return viewAs("view", t, shape, strides, t.shape());
    }

    /** A view of src with new shape/strides whose gradient is reshaped back to {@code gradShape}. */
    private static Tensor viewAs(String name, Tensor src, int[] shape, int[] strides, int[] gradShape) {
        Tensor out = viewOf(src, shape, strides, Ops.view(src).offset());
        return Graph.record(name, out, new Tensor[] {src}, new Tensor[0], (g, s) -> new Tensor[] {g.reshape(gradShape)});
    }

    public static Tensor permute(Tensor t, int... dims) {
        int r = t.dim();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: expected " + r + " dims for shape " + Ops.str(t.shape()) + ", got " + Ops.str(dims));
        }
        int[] perm = new int[r], inverse = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            perm[i] = normalizeDim(dims[i], r, "permute");
            if (seen[perm[i]]) throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeats in " + Ops.str(dims));
            seen[perm[i]] = true;
            inverse[perm[i]] = i;
        }
        View v = Ops.view(t);
        int[] shape = new int[r], strides = new int[r];
        for (int i = 0; i < r; i++) {
            shape[i] = v.shape()[perm[i]];
            strides[i] = v.strides()[perm[i]];
        }
        Tensor out = viewOf(t, shape, strides, v.offset());
        return Graph.record("permute", out, new Tensor[] {t}, new Tensor[0], (g, s) -> new Tensor[] {g.permute(inverse)});
    }

    public static Tensor transpose(Tensor t, int dim0, int dim1) {
        int r = t.dim();
        int a = normalizeDim(dim0, r, "transpose"), b = normalizeDim(dim1, r, "transpose");
        if (r == 0) return t;
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute(t, perm);
    }

    /** A strided sub-range of one dimension; the backward writes the gradient into that range of zeros. */
    public static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = normalizeDim(dim, t.dim(), "slice");
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int size = t.shape()[d];
        int s = Math.clamp(start < 0 ? start + size : start, 0, size);
        int e = Math.clamp(end < 0 ? end + size : end, 0, size);
        int len = e > s ? (e - s + step - 1) / step : 0;
        return region("slice", t, d, s, len, step);
    }

    public static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = normalizeDim(dim, t.dim(), "narrow");
        int size = t.shape()[d];
        if (start < 0) start += size;
        if (start < 0 || length < 0 || start + length > size) {
            throw new IndexOutOfBoundsException("narrow: range [" + start + ", " + (start + length) + ") is out of bounds for dimension "
                    + dim + " of size " + size + " (shape " + Ops.str(t.shape()) + ")");
        }
        return region("narrow", t, d, start, length, 1);
    }

    private static Tensor region(String name, Tensor t, int d, int start, int length, int step) {
        View v = Ops.view(t);
        int[] shape = v.shape().clone(), strides = v.strides().clone();
        shape[d] = length;
        strides[d] = v.strides()[d] * step;
        Tensor out = viewOf(t, shape, strides, v.offset() + start * v.strides()[d]);
        return Graph.record(name, out, new Tensor[] {t}, new Tensor[0], new RegionRule(t.shape(), d, start, length, step));
    }

    /** The gradient of a region view: the output's gradient in the region, zero elsewhere (see RegionGradient). */
    private record RegionRule(int[] inShape, int d, int start, int length, int step) implements RegionGradient {
        @Override
        public Tensor regionOf(Tensor inputGradient) {
            return inputGradient.slice(d, start, start + (length - 1) * step + 1, step);
        }

        @Override
        public Tensor[] apply(Tensor g, Tensor[] saved) {
            Tensor z = Creation.full(0, g.dtype(), g.device(), inShape);
            regionOf(z).copy_(g);
            return new Tensor[] {z};
        }
    }

    public static Tensor select(Tensor t, int dim, int index) {
        int d = normalizeDim(dim, t.dim(), "select");
        int size = t.shape()[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of bounds for dimension " + dim
                    + " with size " + size);
        }
        return narrow(t, d, i, 1).squeeze(d);
    }

    public static Tensor expand(Tensor t, int... requested) {
        int n = requested.length, r = t.dim();
        if (n < r) {
            throw new IllegalArgumentException("expand: target " + Ops.str(requested) + " has fewer dims than the tensor's shape " + Ops.str(t.shape()));
        }
        int[] shape = requested.clone();
        for (int i = 0; i < n; i++) {
            int src = i - (n - r);
            if (shape[i] == -1) {
                if (src < 0) throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dimension in " + Ops.str(requested));
                shape[i] = t.shape()[src];
            }
            if (src >= 0 && t.shape()[src] != 1 && t.shape()[src] != shape[i]) {
                throw new IllegalArgumentException("expand: the expanded size " + shape[i] + " must match the existing size "
                        + t.shape()[src] + " at non-singleton dimension " + i + " (shape " + Ops.str(t.shape()) + " to "
                        + Ops.str(requested) + ")");
            }
        }
        Tensor out = Ops.wrap(Broadcast.expandView(Ops.view(t), shape));
        int[] inShape = t.shape();
        return Graph.record("expand", out, new Tensor[] {t}, new Tensor[0], (g, s) -> new Tensor[] {Broadcast.sumTo(g, inShape)});
    }

    public static Tensor squeezeAll(Tensor t) {
        return reshape(t, Arrays.stream(t.shape()).filter(s -> s != 1).toArray());
    }

    public static Tensor squeeze(Tensor t, int dim) {
        int d = normalizeDim(dim, t.dim(), "squeeze");
        if (t.dim() == 0 || t.shape()[d] != 1) return t;
        int[] shape = new int[t.dim() - 1];
        for (int i = 0, j = 0; i < t.dim(); i++) if (i != d) shape[j++] = t.shape()[i];
        return reshape(t, shape);
    }

    public static Tensor unsqueeze(Tensor t, int dim) {
        int d = normalizeDim(dim, t.dim() + 1, "unsqueeze");
        int[] shape = new int[t.dim() + 1];
        for (int i = 0, j = 0; i < shape.length; i++) shape[i] = i == d ? 1 : t.shape()[j++];
        return reshape(t, shape);
    }

    public static Tensor flatten(Tensor t, int startDim, int endDim) {
        if (t.dim() == 0) return reshape(t, 1);
        int a = normalizeDim(startDim, t.dim(), "flatten"), b = normalizeDim(endDim, t.dim(), "flatten");
        if (a > b) throw new IllegalArgumentException("flatten: start dim " + startDim + " comes after end dim " + endDim);
        int[] shape = new int[t.dim() - (b - a)];
        int j = 0, merged = 1;
        for (int i = 0; i < t.dim(); i++) {
            if (i < a || i > b) shape[j++] = t.shape()[i];
            else {
                merged *= t.shape()[i];
                if (i == b) shape[j++] = merged;
            }
        }
        return reshape(t, shape);
    }

    /** A contiguous copy; its gradient passes through unchanged. */
    public static Tensor cloneTensor(Tensor t) {
        Tensor out = Ops.emptyForOverwriteLike(t);
        Ops.backend(t).copy(Ops.view(t), Ops.view(out));
        return Graph.record("clone", out, new Tensor[] {t}, new Tensor[0], (g, s) -> new Tensor[] {g});
    }

    public static Tensor cat(int dim, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("cat: expects at least one tensor");
        Tensor first = ts[0];
        int r = first.dim();
        int d = normalizeDim(dim, r, "cat");
        int total = 0;
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            Ops.sameDevice("cat", first, t);
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException("cat: tensor " + i + " has dtype " + t.dtype() + ", tensor 0 has " + first.dtype());
            }
            if (t.dim() != r) {
                throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Ops.str(t.shape()) + ", tensor 0 has "
                        + Ops.str(first.shape()) + " (ranks differ)");
            }
            for (int k = 0; k < r; k++) {
                if (k != d && t.shape()[k] != first.shape()[k]) {
                    throw new IllegalArgumentException("cat: sizes must match except in dimension " + d + ", but tensor " + i
                            + " has shape " + Ops.str(t.shape()) + " and tensor 0 has " + Ops.str(first.shape()));
                }
            }
            total += t.shape()[d];
        }
        int[] shape = first.shape();
        shape[d] = total;
        Tensor out = Ops.emptyForOverwrite(first.dtype(), first.device(), shape);
        int[] starts = new int[ts.length], lengths = new int[ts.length];
        int pos = 0;
        for (int i = 0; i < ts.length; i++) {
            starts[i] = pos;
            lengths[i] = ts[i].shape()[d];
            View target = Ops.view(out.detach().narrow(d, pos, lengths[i]));
            Ops.backend(out).copy(Ops.view(ts[i]), target);
            pos += lengths[i];
        }
        return Graph.record("cat", out, ts, new Tensor[0], (g, s) -> {
            Tensor[] grads = new Tensor[starts.length];
            for (int i = 0; i < grads.length; i++) grads[i] = g.narrow(d, starts[i], lengths[i]);
            return grads;
        });
    }

    public static Tensor stack(int dim, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("stack: expects at least one tensor");
        int d = normalizeDim(dim, ts[0].dim() + 1, "stack");
        Tensor[] expanded = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            if (!Arrays.equals(ts[i].shape(), ts[0].shape())) {
                throw new IllegalArgumentException("stack: all tensors must have the same shape, but tensor " + i + " has "
                        + Ops.str(ts[i].shape()) + " and tensor 0 has " + Ops.str(ts[0].shape()));
            }
            expanded[i] = ts[i].unsqueeze(d);
        }
        return cat(d, expanded);
    }

    public static Tensor[] split(Tensor t, int size, int dim) {
        int d = normalizeDim(dim, t.dim(), "split");
        if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
        int n = t.shape()[d];
        int parts = Math.max(1, (n + size - 1) / size);
        Tensor[] out = new Tensor[parts];
        for (int i = 0; i < parts; i++) out[i] = t.narrow(d, i * size, Math.min(size, n - i * size));
        return out;
    }

    public static Tensor[] chunk(Tensor t, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        int d = normalizeDim(dim, t.dim(), "chunk");
        int n = t.shape()[d];
        return split(t, Math.max(1, (n + chunks - 1) / chunks), d);
    }
}
