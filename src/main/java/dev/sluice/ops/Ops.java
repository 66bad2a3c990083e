package dev.sluice.ops;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Backends;
import dev.sluice.backend.TracingBackend;
import dev.sluice.backend.View;
import dev.sluice.internal.Internals;
import dev.sluice.internal.Trace;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/** Small helpers shared by the op implementations: allocation, views, argument checks and messages. */
final class Ops {
    private Ops() {}

    static View view(Tensor t) { return Internals.view(t); }

    static Tensor wrap(View v) { return Internals.wrap(v); }

    /** The backend of t's storage; while the op trace is on, wrapped so that each kernel reports its time. */
    static Backend backend(Tensor t) {
        Backend b = view(t).storage().backend();
        return Trace.on ? TracingBackend.of(b) : b;   // off: one volatile read, nothing allocated
    }

    /** Whether t's backend takes the fused row kernels (or -Dsluice.fused=true forces them, for tests). */
    static boolean fused(Tensor t) { return Boolean.getBoolean("sluice.fused") || backend(t).prefersFusedKernels(); }

    /** Whether cross entropy on t's backend goes through the fused row kernel. */
    static boolean fusedCrossEntropy(Tensor t) { return Boolean.getBoolean("sluice.fused") || backend(t).prefersFusedCrossEntropy(); }

    /** A new zero-filled contiguous tensor. */
    static Tensor empty(DType dtype, Device device, int... shape) { return allocate(dtype, device, shape, true); }

    /**
     * A new tensor whose contents are unspecified (see {@code Backend.allocateForOverwrite}): only for an op's output
     * that its kernel writes in full before anything reads it.
     */
    static Tensor emptyForOverwrite(DType dtype, Device device, int... shape) { return allocate(dtype, device, shape, false); }

    private static Tensor allocate(DType dtype, Device device, int[] shape, boolean zeroed) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        int n = View.numel(shape);
        if (Trace.on) Trace.allocated((long) n * dtype.itemSize());
        Backend backend = Backends.of(device);
        return wrap(View.contiguous(zeroed ? backend.allocate(dtype, n) : backend.allocateForOverwrite(dtype, n), shape.clone()));
    }

    /** As {@link #emptyForOverwrite}, shaped, typed and placed like t. */
    static Tensor emptyForOverwriteLike(Tensor t) { return emptyForOverwrite(t.dtype(), t.device(), t.shape()); }

    /** A new zero-filled tensor shaped, typed and placed like t. */
    static Tensor emptyLike(Tensor t) { return empty(t.dtype(), t.device(), t.shape()); }

    static String str(int[] shape) { return Arrays.toString(shape); }

    /** Throws when the tensors are not all on one device, naming the op and both devices. */
    static void sameDevice(String op, Tensor... ts) {
        Device d = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            if (d == null) d = t.device();
            else if (!d.equals(t.device())) {
                throw new IllegalArgumentException(op + ": expected all tensors on one device, but found " + d + " and "
                        + t.device());
            }
        }
    }

    /** Throws unless t has a floating-point dtype. */
    static void requireFloat(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": expects a floating-point tensor (float32 or float64), got "
                    + t.dtype() + " of shape " + str(t.shape()));
        }
    }

    /** Throws unless t has an integer dtype (int32 or int64). */
    static void requireIndex(String op, String what, Tensor t) {
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": " + what + " must be int64 or int32, got " + t.dtype()
                    + " of shape " + str(t.shape()));
        }
    }

    /**
     * Throws when a fill value cannot be stored in an integer dtype: NaN, an infinity or a value outside the dtype's
     * range (a Java cast would turn NaN into 0 and saturate the rest). Fractions truncate, as PyTorch's fill.
     */
    static void requireRepresentable(String op, double value, DType dtype) {
        double lo, hi;
        switch (dtype) {
            case INT32 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
            case INT64 -> { lo = -0x1p63; hi = 0x1p63; } // 2^63 itself is out of range: checked with < below
            default -> { return; }
        }
        boolean fits = dtype == DType.INT64 ? value >= lo && value < hi : value > lo - 1 && value < hi + 1;
        if (!fits) {
            throw new IllegalArgumentException(op + ": value " + value + " cannot be converted to " + dtype
                    + " without overflow");
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Marks an in-place write on t's storage by op {@code name} (every in-place op ends here, so the trace sees it). */
    static void bump(String name, Tensor t) {
        view(t).storage().bumpVersion();
        if (Trace.on) Trace.op(name, t, new Tensor[] {t}, null, true);
    }
}
