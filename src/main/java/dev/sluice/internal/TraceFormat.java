package dev.sluice.internal;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;

import java.util.List;
import java.util.Locale;

/** How the op trace writes tensors, kernels, bytes and values: short, tinygrad-like, e.g. {@code f32[8,32]}. */
final class TraceFormat {
    private TraceFormat() {}

    /** {@code f32[8,32]}, with {@code @cuda:0} appended when the tensor is not on {@code usual} (null: never). */
    static String tensor(Tensor t, Device usual) {
        StringBuilder sb = new StringBuilder(dtype(t.dtype())).append('[');
        int[] shape = t.shape();
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? "," : "").append(shape[i]);
        sb.append(']');
        if (usual != null && !usual.equals(t.device())) sb.append('@').append(t.device());
        return sb.toString();
    }

    static String dtype(DType d) {
        return switch (d) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT32 -> "i32";
            case INT64 -> "i64";
            case BOOL -> "bool";
        };
    }

    /** What an op saved for backward: {@code in0}, {@code out} or the tensor itself when it is neither. */
    static String saved(Tensor[] saved, Tensor[] inputs, Tensor out) {
        StringBuilder sb = new StringBuilder();
        for (Tensor s : saved) {
            if (s == null) continue;
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(role(s, inputs, out));
        }
        return sb.isEmpty() ? "nothing" : sb.toString();
    }

    private static String role(Tensor s, Tensor[] inputs, Tensor out) {
        int role = SavedRole.of(s, out, inputs);
        return role == SavedRole.OTHER ? tensor(s, null) : SavedRole.label(role);
    }

    /** Runs of the same kernel collapsed: {@code vector-512 fill, vector-512 matmul ×2}. */
    static String kernels(List<String> labels) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < labels.size(); ) {
            int j = i;
            while (j < labels.size() && labels.get(j).equals(labels.get(i))) j++;
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(labels.get(i));
            if (j - i > 1) sb.append(" x").append(j - i);
            i = j;
        }
        return sb.toString();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    /** min, max, mean over the finite values, and how many are NaN or infinite (copies the tensor to the host). */
    static String values(Tensor t) {
        if (t.numel() == 0) return "(empty)";
        double[] v = t.toDoubleArray();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        int nan = 0, inf = 0, finite = 0;
        for (double x : v) {
            if (Double.isNaN(x)) nan++;
            else if (Double.isInfinite(x)) inf++;
            else {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
                finite++;
            }
        }
        String s = finite == 0 ? "no finite values"
                : String.format(Locale.ROOT, "min %.4g max %.4g mean %.4g", min, max, sum / finite);
        if (nan > 0 || inf > 0) s += " nan " + nan + " inf " + inf;
        return "{" + s + "}";
    }
}
