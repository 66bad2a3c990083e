package dev.sluice.backend;

/**
 * Elementwise unary operations understood by every backend.
 *
 * <p>Each constant carries its reference semantics in double precision: {@link #apply(double)} is the value and
 * {@link #derivative(double, double)} the derivative dy/dx given the input x and the output y. Backends may compute
 * faster approximations (vectorised, float32), but tests compare them against these formulas.
 */
public enum UnaryOp {
    NEG {
        public double apply(double x) { return -x; }
        public double derivative(double x, double y) { return -1; }
    },
    EXP {
        public double apply(double x) { return Math.exp(x); }
        public double derivative(double x, double y) { return y; }
    },
    LOG {
        public double apply(double x) { return Math.log(x); }
        public double derivative(double x, double y) { return 1 / x; }
    },
    SQRT {
        public double apply(double x) { return Math.sqrt(x); }
        public double derivative(double x, double y) { return 0.5 / y; }
    },
    RSQRT {
        public double apply(double x) { return 1 / Math.sqrt(x); }
        public double derivative(double x, double y) { return -0.5 * y * y * y; }
    },
    ABS {
        public double apply(double x) { return Math.abs(x); }
        /** Subgradient 0 at x = 0, as PyTorch. */
        public double derivative(double x, double y) { return Math.signum(x); }
    },
    RELU {
        /** NaN stays NaN (as PyTorch, so anomaly mode sees it); −0 becomes +0. */
        public double apply(double x) { return x <= 0 ? 0 : x; }
        /** Subgradient 0 at x = 0; 1 at NaN, as PyTorch's threshold_backward (x <= 0 ? 0 : grad). */
        public double derivative(double x, double y) { return x <= 0 ? 0 : 1; }
    },
    /** Exact GELU: x·Φ(x) with Φ the standard normal CDF. */
    GELU {
        public double apply(double x) { return 0.5 * x * (1 + SpecialFunctions.erf(x * INV_SQRT2)); }
        public double derivative(double x, double y) {
            double cdf = 0.5 * (1 + SpecialFunctions.erf(x * INV_SQRT2));
            double pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
            return cdf + x * pdf;
        }
    },
    /** GELU with the tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    GELU_TANH {
        public double apply(double x) {
            return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
        }
        public double derivative(double x, double y) {
            double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
            double t = Math.tanh(inner);
            double dInner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner;
        }
    },
    /** SiLU (swish): x·sigmoid(x). */
    SILU {
        public double apply(double x) { return x / (1 + Math.exp(-x)); }
        public double derivative(double x, double y) {
            double s = 1 / (1 + Math.exp(-x));
            return s * (1 + x * (1 - s));
        }
    },
    SIGMOID {
        public double apply(double x) {
            // two branches so that exp never overflows
            if (x >= 0) return 1 / (1 + Math.exp(-x));
            double e = Math.exp(x);
            return e / (1 + e);
        }
        public double derivative(double x, double y) { return y * (1 - y); }
    },
    TANH {
        public double apply(double x) { return Math.tanh(x); }
        public double derivative(double x, double y) { return 1 - y * y; }
    },
    SQUARE {
        public double apply(double x) { return x * x; }
        public double derivative(double x, double y) { return 2 * x; }
    },
    RECIPROCAL {
        public double apply(double x) { return 1 / x; }
        public double derivative(double x, double y) { return -y * y; }
    };

    static final double INV_SQRT2 = 0.70710678118654752440;
    static final double INV_SQRT_2PI = 0.39894228040143267794;
    static final double SQRT_2_OVER_PI = 0.79788456080286535588;

    /** The value f(x) in double precision. */
    public abstract double apply(double x);

    /** The derivative f'(x), given x and y = f(x) (whichever is cheaper to use). */
    public abstract double derivative(double x, double y);

    /** Lower-case name used in error messages and anomaly reports, e.g. {@code gelu_tanh}. */
    public String opName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
