package dev.sluice.tensor;

import java.util.Locale;

/** Renders tensors as text, PyTorch style: nested brackets, at most 6 entries per dimension shown. */
final class TensorFormat {
    private static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        double[] values = t.numel() > 0 ? t.toDoubleArray() : new double[0];
        append(sb, t.shape(), 0, values, 0, t.dtype(), 7);
        if (t.dtype() != DType.FLOAT32) sb.append(", dtype=").append(t.dtype());
        if (!t.device().equals(Device.CPU)) sb.append(", device=").append(t.device());
        if (t.gradFn() != null) sb.append(", grad_fn=").append(t.gradFn().name());
        else if (t.requiresGrad()) sb.append(", requires_grad=true");
        return sb.append(')').toString();
    }

    private static int stride(int[] shape, int dim) {
        int s = 1;
        for (int i = dim + 1; i < shape.length; i++) s *= shape[i];
        return s;
    }

    private static void append(StringBuilder sb, int[] shape, int dim, double[] v, int base, DType dt, int indent) {
        if (dim == shape.length) {
            sb.append(value(v[base], dt));
            return;
        }
        sb.append('[');
        int n = shape[dim], st = stride(shape, dim);
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE;
            }
            append(sb, shape, dim + 1, v, base + i * st, dt, indent + 1);
            if (i < n - 1) sb.append(dim == shape.length - 1 ? ", " : ",\n" + " ".repeat(indent + 1));
        }
        sb.append(']');
    }

    private static String value(double x, DType dt) {
        return switch (dt) {
            case BOOL -> x != 0 ? "true" : "false";
            case INT32, INT64 -> Long.toString((long) x);
            default -> String.format(Locale.ROOT, "%.4f", x);
        };
    }
}
