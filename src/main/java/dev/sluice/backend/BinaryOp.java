package dev.sluice.backend;

/**
 * Elementwise binary operations understood by every backend. Arithmetic ops produce the operands' dtype; comparisons
 * produce booleans (1 or 0 through {@link #apply}). {@link #apply(double, double)} is the reference semantics.
 */
public enum BinaryOp {
    ADD { public double apply(double a, double b) { return a + b; } },
    SUB { public double apply(double a, double b) { return a - b; } },
    MUL { public double apply(double a, double b) { return a * b; } },
    DIV { public double apply(double a, double b) { return a / b; } },
    POW { public double apply(double a, double b) { return Math.pow(a, b); } },
    /** NaN-propagating maximum, as {@code torch.maximum}. */
    MAX { public double apply(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b); } },
    /** NaN-propagating minimum, as {@code torch.minimum}. */
    MIN { public double apply(double a, double b) { return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b); } },
    EQ { public double apply(double a, double b) { return a == b ? 1 : 0; } },
    NE { public double apply(double a, double b) { return a != b ? 1 : 0; } },
    LT { public double apply(double a, double b) { return a < b ? 1 : 0; } },
    LE { public double apply(double a, double b) { return a <= b ? 1 : 0; } },
    GT { public double apply(double a, double b) { return a > b ? 1 : 0; } },
    GE { public double apply(double a, double b) { return a >= b ? 1 : 0; } },
    AND { public double apply(double a, double b) { return (a != 0 && b != 0) ? 1 : 0; } },
    OR { public double apply(double a, double b) { return (a != 0 || b != 0) ? 1 : 0; } };

    /** The value in double precision. */
    public abstract double apply(double a, double b);

    /** True for ops whose result is a boolean mask. */
    public boolean isComparison() { return ordinal() >= EQ.ordinal(); }

    public String opName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
