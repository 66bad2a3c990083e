package dev.sluice.ops;

import dev.sluice.autograd.GradMode;
import dev.sluice.backend.Backends;
import dev.sluice.backend.Philox;
import dev.sluice.backend.RandomKind;
import dev.sluice.backend.View;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.lang.reflect.Array;

/** Factories (from arrays, constants, ranges, random draws) and transfers out to Java arrays or other devices. */
public final class Creation {
    private Creation() {}

    /** A CPU tensor holding a copy of a Java array; an empty shape means 1-D of the array's length. */
    public static Tensor fromArray(Object data, int... shape) {
        int len = Array.getLength(data);
        if (shape.length == 0) shape = new int[] {len};
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("of: negative dimension in shape " + Ops.str(shape));
        }
        if (View.numel(shape) != len) {
            throw new IllegalArgumentException("of: " + len + " values cannot fill shape " + Ops.str(shape) + " ("
                    + View.numel(shape) + " elements)");
        }
        return Ops.wrap(View.contiguous(Backends.of(Device.CPU).fromArray(data), shape.clone()));
    }

    /** A float32 matrix from rows of equal length. */
    public static Tensor fromRows(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("matrix: row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return fromArray(flat, rows.length, cols);
    }

    /** A tensor of the given shape filled with value. */
    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        Ops.requireRepresentable("full", value, dtype);
        if (value == 0) return Ops.empty(dtype, device, shape);
        Tensor t = Ops.emptyForOverwrite(dtype, device, shape); // the fill writes every element
        Ops.backend(t).fill(Ops.view(t), value);
        return t;
    }

    /** [start, start+step, ...) below end (above end for negative steps). */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || !Double.isFinite(step)) throw new IllegalArgumentException("arange: step must be finite and non-zero, got " + step);
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            // NaN made the count 0: a silently empty tensor (PyTorch: "unsupported range")
            throw new IllegalArgumentException("arange: unsupported range: " + start + " -> " + end);
        }
        long count = (long) Math.max(0, Math.ceil((end - start) / step));
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("arange: " + count + " elements is too many");
        int n = (int) count;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = start + i * step;
        return fromDoubles(values, dtype);
    }

    /** steps values evenly spaced from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps, DType dtype) {
        if (steps < 0) throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        double[] values = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // fill symmetric halves from each end, as PyTorch, so both endpoints are exact
        for (int i = 0; i < steps; i++) values[i] = i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step;
        return fromDoubles(values, dtype);
    }

    /** The rows×cols identity-like matrix. */
    public static Tensor eye(int rows, int cols, DType dtype) {
        double[] values = new double[rows * cols];
        for (int i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = 1;
        return fromDoubles(values, dtype).reshape(rows, cols);
    }

    private static Tensor fromDoubles(double[] values, DType dtype) {
        Tensor t = fromArray(values);
        if (dtype == DType.INT64) {
            long[] l = new long[values.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) values[i];
            return fromArray(l);
        }
        try (var ignored = GradMode.noGrad()) {
            return t.to(dtype);
        }
    }

    /** Uniform [0, 1) of a floating dtype. */
    public static Tensor rand(Generator gen, DType dtype, int... shape) { return random(RandomKind.UNIFORM, gen, dtype, 0, 1, shape); }

    /** Standard normal of a floating dtype. */
    public static Tensor randn(Generator gen, DType dtype, int... shape) { return random(RandomKind.NORMAL, gen, dtype, 0, 1, shape); }

    /** Uniform on [low, high) (UNIFORM) or normal with mean a and std b (NORMAL), drawn from gen. */
    public static Tensor random(RandomKind kind, Generator gen, DType dtype, double a, double b, int... shape) {
        if (!dtype.isFloating()) throw new IllegalArgumentException(kind.name().toLowerCase() + ": dtype must be float32 or float64, got " + dtype);
        Tensor t = Ops.emptyForOverwrite(dtype, Device.CPU, shape);
        long[] seedOffset = gen.reserve(Philox.blocksFor(t.numel(), dtype == DType.FLOAT64));
        Ops.backend(t).random(kind, seedOffset[0], seedOffset[1], a, b, Ops.view(t));
        return t;
    }

    /** Uniform integers in [low, high) as int64. */
    public static Tensor randint(Generator gen, long low, long high, int... shape) {
        if (high <= low) throw new IllegalArgumentException("randint: high (" + high + ") must be greater than low (" + low + ")");
        try (var ignored = GradMode.noGrad()) {
            // u·(high−low) is non-negative, so the truncating cast is a floor
            Tensor u = rand(gen, DType.FLOAT64, shape).mul((double) (high - low));
            Tensor r = u.to(DType.INT64);
            return low == 0 ? r : r.add(Tensor.scalar(low, DType.INT64));
        }
    }

    /** This tensor's elements in a new Java array of the given dtype (row-major). */
    public static Object toArray(Tensor t, DType dtype) {
        Tensor src = t;
        if (t.dtype() != dtype) {
            try (var ignored = GradMode.noGrad()) {
                src = t.to(dtype);
            }
        }
        return Ops.backend(src).toArray(Ops.view(src));
    }

    /**
     * A copy on another device (the tensor itself when already there), through a host array. Differentiable: the
     * gradient flows back to the source device.
     */
    public static Tensor toDevice(Tensor t, Device device) {
        if (t.device().equals(device)) return t;
        var target = Backends.of(device); // throws "GPU unavailable: <reason>" when the device cannot be used
        Object host = Ops.backend(t).toArray(Ops.view(t));
        Tensor moved = Ops.wrap(View.contiguous(target.fromArray(host), t.shape()));
        Device source = t.device();
        return dev.sluice.autograd.Graph.record("to", moved, new Tensor[] {t}, new Tensor[0],
                (g, s) -> new Tensor[] {toDevice(g, source)});
    }
}
