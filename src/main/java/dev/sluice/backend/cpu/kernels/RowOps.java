package dev.sluice.backend.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised row-wise kernels (reductions, softmax, layer norm) for {@link VectorFloat32Kernels}. Every loop ends
 * with a masked vector; masked lanewise operations leave inactive accumulator lanes untouched, so the identity of a
 * reduction never leaks into the result.
 */
final class RowOps {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private RowOps() {}

    /** Lane-swap shuffles at distances V/2, V/4, ..., 1 for {@link #sumLanes}. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(V);
        VectorShuffle<Float>[] h = new VectorShuffle[steps];
        for (int s = 0, d = V / 2; d >= 1; s++, d /= 2) {
            int dist = d;
            h[s] = VectorShuffle.fromOp(S, i -> i ^ dist);
        }
        return h;
    }

    /**
     * Σ of the lanes of v in a fixed pairwise order. {@code reduceLanes(ADD)} is allowed to add in any order, and did
     * differ between interpreted and compiled code, which broke bit-identical seeded runs.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) v = v.add(v.rearrange(h));
        return v.lane(0);
    }

    /** Σ x[off .. off+n) in float lanes. */
    static float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.add(FloatVector.fromArray(S, x, off + i, m), m);
        }
        return sumLanes(acc);
    }

    /** max of x[off .. off+n), NaN if any element is NaN, −∞ when empty. */
    static float max(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), acc2 = acc;
        int i = 0;
        // two independent chains: a NaN-aware lanewise MAX is several instructions deep
        for (int bound = n - 2 * V; i <= bound; i += 2 * V) {
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, off + i));
            acc2 = acc2.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, off + i + V));
        }
        acc = acc.lanewise(VectorOperators.MAX, acc2);
        for (int bound = S.loopBound(n); i < bound; i += V) {
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) { // ragged end: masked lanes keep the identity
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, off + i, m), m);
        }
        // lanewise MAX is Math.max (NaN-propagating); check explicitly rather than trust the lane reduction's order
        return acc.test(VectorOperators.IS_NAN).anyTrue() ? Float.NaN : acc.reduceLanes(VectorOperators.MAX);
    }

    /** min of x[off .. off+n), NaN if any element is NaN, +∞ when empty. */
    static float min(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY), acc2 = acc;
        int i = 0;
        // two independent chains: a NaN-aware lanewise MIN is several instructions deep
        for (int bound = n - 2 * V; i <= bound; i += 2 * V) {
            acc = acc.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, x, off + i));
            acc2 = acc2.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, x, off + i + V));
        }
        acc = acc.lanewise(VectorOperators.MIN, acc2);
        for (int bound = S.loopBound(n); i < bound; i += V) {
            acc = acc.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, x, off + i));
        }
        if (i < n) { // ragged end: masked lanes keep the identity
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.lanewise(VectorOperators.MIN, FloatVector.fromArray(S, x, off + i, m), m);
        }
        return acc.test(VectorOperators.IS_NAN).anyTrue() ? Float.NaN : acc.reduceLanes(VectorOperators.MIN);
    }

    /** Row-wise (log-)softmax, x[rows×cols] → out[rows×cols]: subtract the row max, exponentiate, normalise. */
    static void softmax(float[] x, int xOff, float[] out, int outOff, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, ob = outOff + r * cols;
            float max = max(x, xb, cols);
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xb + j, m).sub(max));
                sum = sum.add(e, m);
                if (!log) e.intoArray(out, ob + j, m); // keep exp for the normalising pass
            }
            float total = sumLanes(sum);
            if (log) {
                // (x − max) − log Σ, not x − (max + log Σ): the first difference is exact for nearby values
                float logTotal = (float) Math.log(total);
                for (int j = 0; j < cols; j += V) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    FloatVector.fromArray(S, x, xb + j, m).sub(max).sub(logTotal).intoArray(out, ob + j, m);
                }
            } else {
                float inv = 1f / total;
                for (int j = 0; j < cols; j += V) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    FloatVector.fromArray(S, out, ob + j, m).mul(inv).intoArray(out, ob + j, m);
                }
            }
        }
    }

    /** dx = y·(g − Σg·y) for softmax; dx = g − exp(y)·Σg for log-softmax (y is the forward output). */
    static void softmaxBackward(float[] y, int yOff, float[] g, int gOff, float[] dx, int dxOff, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int yb = yOff + r * cols, gb = gOff + r * cols, db = dxOff + r * cols;
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector gv = FloatVector.fromArray(S, g, gb + j, m);
                acc = log ? acc.add(gv, m) : acc.add(gv.mul(FloatVector.fromArray(S, y, yb + j, m)), m);
            }
            float dot = sumLanes(acc);
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector gv = FloatVector.fromArray(S, g, gb + j, m);
                FloatVector yv = FloatVector.fromArray(S, y, yb + j, m);
                FloatVector d = log ? gv.sub(VectorMath.exp(yv).mul(dot)) : yv.mul(gv.sub(dot));
                d.intoArray(dx, db + j, m);
            }
        }
    }

    /** Layer norm over rows of x[rows×cols] with optional gamma/beta[cols]; writes mean/rstd[rows]. */
    static void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff, float[] mean, float[] rstd,
                          int rows, int cols, float eps) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, yb = yOff + r * cols;
            float mu = sum(x, xb, cols) / cols;
            FloatVector sq = FloatVector.zero(S);
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector d = FloatVector.fromArray(S, x, xb + j, m).sub(mu);
                sq = sq.add(d.mul(d), m); // two-pass variance: no cancellation from E[x²] − E[x]²
            }
            float inv = (float) (1 / Math.sqrt((double) sumLanes(sq) / cols + eps));
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(S, x, xb + j, m).sub(mu).mul(inv);
                if (gamma != null) v = v.mul(FloatVector.fromArray(S, gamma, j, m));
                if (beta != null) v = v.add(FloatVector.fromArray(S, beta, j, m));
                v.intoArray(y, yb + j, m);
            }
            mean[r] = mu;
            rstd[r] = inv;
        }
    }

    /**
     * Layer-norm backward: dx = rstd·(gŷ − mean(gŷ) − x̂·mean(gŷ·x̂)) with gŷ = g·gamma, x̂ = (x − mean)·rstd;
     * dgamma += Σ_rows g·x̂ and dbeta += Σ_rows g when non-null.
     */
    static void layerNormBackward(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, float[] gamma,
                                  float[] dx, int dxOff, float[] dgamma, float[] dbeta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int gb = gOff + r * cols, xb = xOff + r * cols, db = dxOff + r * cols;
            float mu = mean[r], rs = rstd[r];
            FloatVector sumG = FloatVector.zero(S), sumGX = FloatVector.zero(S);
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector gv = FloatVector.fromArray(S, g, gb + j, m);
                FloatVector xhat = FloatVector.fromArray(S, x, xb + j, m).sub(mu).mul(rs);
                FloatVector gy = gamma == null ? gv : gv.mul(FloatVector.fromArray(S, gamma, j, m));
                sumG = sumG.add(gy, m);
                sumGX = sumGX.add(gy.mul(xhat), m);
                if (dgamma != null) FloatVector.fromArray(S, dgamma, j, m).add(gv.mul(xhat)).intoArray(dgamma, j, m);
                if (dbeta != null) FloatVector.fromArray(S, dbeta, j, m).add(gv).intoArray(dbeta, j, m);
            }
            float meanG = sumLanes(sumG) / cols;
            float meanGX = sumLanes(sumGX) / cols;
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector gv = FloatVector.fromArray(S, g, gb + j, m);
                FloatVector xhat = FloatVector.fromArray(S, x, xb + j, m).sub(mu).mul(rs);
                FloatVector gy = gamma == null ? gv : gv.mul(FloatVector.fromArray(S, gamma, j, m));
                gy.sub(meanG).sub(xhat.mul(meanGX)).mul(rs).intoArray(dx, db + j, m);
            }
        }
    }
}
