package dev.sluice.internal;

import dev.sluice.tensor.Tensor;

/**
 * What a tensor an op saved for backward is to that op: one of its inputs, its output, or something else (a mask, a
 * statistic). The op trace prints it and the graph picture draws it; both name it the same way.
 */
public final class SavedRole {
    /** The saved tensor is the op's output. */
    public static final int OUTPUT = -1;
    /** The saved tensor is neither an input nor the output. */
    public static final int OTHER = -2;

    private SavedRole() {}

    /** The input index of {@code saved} among {@code inputs}, {@link #OUTPUT} or {@link #OTHER} (by identity). */
    public static int of(Tensor saved, Tensor out, Tensor[] inputs) {
        if (saved == out) return OUTPUT;
        for (int i = 0; i < inputs.length; i++) if (saved != null && saved == inputs[i]) return i;
        return OTHER;
    }

    /** {@code in0}, {@code in1}..., {@code out}, or {@code other}. */
    public static String label(int role) { return role == OUTPUT ? "out" : role >= 0 ? "in" + role : "other"; }
}
