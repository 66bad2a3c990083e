package dev.sluice.backend;

/** Reductions understood by every backend; mean, variance and logsumexp are built on these by the op layer. */
public enum ReduceOp {
    SUM(0),
    MAX(Double.NEGATIVE_INFINITY),
    MIN(Double.POSITIVE_INFINITY);

    /** The identity element: the result of reducing an empty set. */
    public final double identity;

    ReduceOp(double identity) { this.identity = identity; }

    /** Combines an accumulator with one value (NaN-propagating for max/min, as PyTorch). */
    public double combine(double acc, double x) {
        return switch (this) {
            case SUM -> acc + x;
            case MAX -> (x > acc || Double.isNaN(x)) && !Double.isNaN(acc) ? x : acc;
            case MIN -> (x < acc || Double.isNaN(x)) && !Double.isNaN(acc) ? x : acc;
        };
    }

    public String opName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
