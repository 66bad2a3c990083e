package dev.sluice.backend;

/**
 * Plain-Java reference implementations of the fused row kernels ({@link Backend#softmaxCrossEntropy},
 * {@link Backend#distill}, {@link Backend#shrinkPerturb}), in double precision over contiguous rows. They are the
 * specification the CUDA kernels (native/fused.cu) are tested against, and the default any backend inherits.
 */
public final class FusedReference {
    private FusedReference() {}

    /** Kinds of {@link Backend#distill}. */
    public static final int FORWARD_KL = 0, REVERSE_KL = 1, SOFT_CE = 2;

    private static double logSumExp(double[] x, int off, int n, double scale) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) m = Math.max(m, x[off + c] * scale);
        double s = 0;
        for (int c = 0; c < n; c++) s += Math.exp(x[off + c] * scale - m);
        return m + Math.log(s);
    }

    /** See {@link Backend#softmaxCrossEntropy}; grad may be null. */
    public static void softmaxCrossEntropy(double[] x, long[] target, double[] coef, double smoothing, int rows, int c,
                                           double[] rowLoss, double[] grad) {
        for (int r = 0; r < rows; r++) {
            int off = r * c, t = (int) target[r];
            double lse = logSumExp(x, off, c, 1), sum = 0;
            for (int k = 0; k < c; k++) sum += x[off + k] - lse;
            rowLoss[r] = -(1 - smoothing) * (x[off + t] - lse) - smoothing / c * sum;
            if (grad != null) {
                for (int k = 0; k < c; k++) {
                    grad[off + k] = coef[r] * (Math.exp(x[off + k] - lse) - smoothing / c - (k == t ? 1 - smoothing : 0));
                }
            }
        }
    }

    /** See {@link Backend#distill}; grad may be null. */
    public static void distill(int kind, double[] s, double[] t, double tau, double[] coef, int rows, int v,
                               double[] rowLoss, double[] grad) {
        double inv = 1 / tau;
        for (int r = 0; r < rows; r++) {
            int off = r * v;
            double lseS = logSumExp(s, off, v, inv), lseT = logSumExp(t, off, v, inv), loss = 0;
            for (int k = 0; k < v; k++) {
                double ls = s[off + k] * inv - lseS, lt = t[off + k] * inv - lseT;
                loss += switch (kind) {
                    case FORWARD_KL -> Math.exp(lt) * (lt - ls);
                    case REVERSE_KL -> Math.exp(ls) * (ls - lt);
                    case SOFT_CE -> -Math.exp(lt) * ls;
                    default -> throw new IllegalArgumentException("distill kind " + kind);
                };
            }
            rowLoss[r] = loss;
            if (grad != null) {
                for (int k = 0; k < v; k++) {
                    double ls = s[off + k] * inv - lseS, lt = t[off + k] * inv - lseT, ps = Math.exp(ls);
                    grad[off + k] = coef[r] * (kind == REVERSE_KL ? ps * (ls - lt - loss) : ps - Math.exp(lt));
                }
            }
        }
    }

    static double[] doubles(Object a) {
        return switch (a) {
            case float[] f -> { double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; yield d; }
            case double[] d -> d;
            case long[] l -> { double[] d = new double[l.length]; for (int i = 0; i < l.length; i++) d[i] = l[i]; yield d; }
            default -> throw new IllegalArgumentException("expected a float array, got " + a.getClass().getSimpleName());
        };
    }

    static long[] longs(Object a) {
        return switch (a) {
            case long[] l -> l;
            case int[] i -> { long[] l = new long[i.length]; for (int k = 0; k < i.length; k++) l[k] = i[k]; yield l; }
            default -> throw new IllegalArgumentException("expected an integer array, got " + a.getClass().getSimpleName());
        };
    }

    /** Writes doubles into a view of any float dtype on backend b. */
    static void store(Backend b, double[] values, View dst) {
        Object arr;
        if (dst.dtype() == dev.sluice.tensor.DType.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            arr = f;
        } else {
            arr = values;
        }
        b.copy(View.contiguous(b.fromArray(arr), dst.shape()), dst);
    }
}
