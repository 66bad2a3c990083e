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

    /**
     * Σ x[off .. off+n) in float lanes. Four independent accumulators (a single one is bound by the add latency),
     * combined in a fixed order, so the result depends only on n and the data.
     */
    static float sum(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + V));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * V));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * V));
        }
        for (int end = S.loopBound(n); i < end; i += V) a0 = a0.add(FloatVector.fromArray(S, x, off + i));
        if (i < n) a0 = a0.add(FloatVector.fromArray(S, x, off + i, S.indexInRange(i, n))); // masked lanes load 0
        return sumLanes(a0.add(a1).add(a2.add(a3)));
    }

    /** Σ (x − mu)² over x[off .. off+n), accumulated as {@link #sum}. */
    static float sumSquaredDeviations(float[] x, int off, int n, float mu) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector m = FloatVector.broadcast(S, mu);
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            FloatVector d0 = FloatVector.fromArray(S, x, off + i).sub(m), d1 = FloatVector.fromArray(S, x, off + i + V).sub(m);
            FloatVector d2 = FloatVector.fromArray(S, x, off + i + 2 * V).sub(m), d3 = FloatVector.fromArray(S, x, off + i + 3 * V).sub(m);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(m);
            a0 = d.fma(d, a0);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(S, x, off + i, k).sub(m);
            a0 = a0.add(d.mul(d), k); // inactive lanes would add mu²
        }
        return sumLanes(a0.add(a1).add(a2.add(a3)));
    }

    /** Σ a·b over a[aOff ..], b[bOff ..] of length n, accumulated as {@link #sum}. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            a0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), a0);
            a1 = FloatVector.fromArray(S, a, aOff + i + V).fma(FloatVector.fromArray(S, b, bOff + i + V), a1);
            a2 = FloatVector.fromArray(S, a, aOff + i + 2 * V).fma(FloatVector.fromArray(S, b, bOff + i + 2 * V), a2);
            a3 = FloatVector.fromArray(S, a, aOff + i + 3 * V).fma(FloatVector.fromArray(S, b, bOff + i + 3 * V), a3);
        }
        for (int end = S.loopBound(n); i < end; i += V) {
            a0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), a0);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            a0 = FloatVector.fromArray(S, a, aOff + i, k).fma(FloatVector.fromArray(S, b, bOff + i, k), a0);
        }
        return sumLanes(a0.add(a1).add(a2.add(a3)));
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

    /**
     * Row-wise (log-)softmax, x[rows×cols] → out[rows×cols]: subtract the row max, exponentiate, normalise. A row
     * (4 KiB at 1024 columns) stays in L1 across the passes, so memory sees one read of x and one write of out.
     */
    static void softmax(float[] x, int xOff, float[] out, int outOff, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, ob = outOff + r * cols;
            float max = shiftForSoftmax(x, xb, cols);
            if (log) {
                // (x − max) − log Σ, not x − (max + log Σ): the first difference is exact for nearby values
                float logTotal = (float) Math.log(sumExp(x, xb, cols, max));
                shiftRow(x, xb, out, ob, cols, max, logTotal);
            } else {
                float total = expRow(x, xb, out, ob, cols, max);
                scaleRow(out, ob, cols, 1f / total);
            }
        }
    }

    /**
     * The row max for softmax, with the hardware's max (compare and blend) instead of {@link #max}'s NaN-propagating
     * one, which is several instructions per vector and was a fifth of softmax's time. NaN needs no care here: a NaN
     * element makes its exp, hence the row sum, hence every output NaN, whatever shift was subtracted (as in the
     * reference). Four independent chains, combined in a fixed order.
     */
    private static float shiftForSoftmax(float[] x, int xb, int n) {
        FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            FloatVector v0 = FloatVector.fromArray(S, x, xb + i), v1 = FloatVector.fromArray(S, x, xb + i + V);
            FloatVector v2 = FloatVector.fromArray(S, x, xb + i + 2 * V), v3 = FloatVector.fromArray(S, x, xb + i + 3 * V);
            a0 = a0.blend(v0, a0.compare(VectorOperators.LT, v0));
            a1 = a1.blend(v1, a1.compare(VectorOperators.LT, v1));
            a2 = a2.blend(v2, a2.compare(VectorOperators.LT, v2));
            a3 = a3.blend(v3, a3.compare(VectorOperators.LT, v3));
        }
        for (; i < n; i += V) { // masked lanes load 0 and are excluded from the compare
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xb + i, k);
            a0 = a0.blend(v, a0.compare(VectorOperators.LT, v).and(k));
        }
        a0 = a0.blend(a1, a0.compare(VectorOperators.LT, a1));
        a2 = a2.blend(a3, a2.compare(VectorOperators.LT, a3));
        a0 = a0.blend(a2, a0.compare(VectorOperators.LT, a2));
        for (VectorShuffle<Float> h : HALVES) { // fixed pairwise order, as sumLanes
            FloatVector w = a0.rearrange(h);
            a0 = a0.blend(w, a0.compare(VectorOperators.LT, w));
        }
        return a0.lane(0);
    }

    /** out[n] = exp(x[n] − max); returns Σ out in the fixed order of {@link #sum}. */
    private static float expRow(float[] x, int xb, float[] out, int ob, int n, float max) {
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector e = VectorMath.expNoOverflow(FloatVector.fromArray(S, x, xb + i).sub(m)); // x − max ≤ 0
            e.intoArray(out, ob + i);
            acc = acc.add(e); // exp's latency dwarfs the add's: one accumulator does not limit this loop
        }
        float total = sumLanes(acc);
        // the tail's sum comes back as a float: a vector returned from a call that is not inlined is boxed
        return i < n ? total + expTail(x, xb + i, out, ob + i, n - i, max) : total;
    }

    /** The last n (< V) elements of {@link #expRow}, under a mask; returns their sum. */
    private static float expTail(float[] x, int xb, float[] out, int ob, int n, float max) {
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector e = VectorMath.expNoOverflow(FloatVector.fromArray(S, x, xb + i, k).sub(m));
            e.intoArray(out, ob + i, k);
            acc = acc.add(e, k);
        }
        return sumLanes(acc);
    }

    /**
     * Fused softmax cross entropy, see {@link Float32Kernels#softmaxCrossEntropyRows}. Per row: the max; exp(x − max)
     * written into the gradient row while summing it; then, with the row in L1, the gradient scaled in place to
     * coef·(p − ε/C) and the target's entry corrected: memory sees one read of x and one write of grad.
     */
    static void softmaxCrossEntropy(float[] x, int xOff, long[] target, int tOff, float[] coef, int cOff, float smoothing,
                                    float[] rowLoss, int lOff, float[] grad, int gOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, t = (int) target[tOff + r];
            float max = shiftForSoftmax(x, xb, cols);
            int gb = gOff + r * cols;
            // with a gradient to write, exp(x − max) goes straight into it (one exp per element, as softmax)
            float total = grad == null ? sumExpAsExpRow(x, xb, cols, max) : expRow(x, xb, grad, gb, cols, max);
            // StrictMath: the same bits in every execution mode (seeded runs are bit-identical). logp = (x − max) − logSum,
            // never x − (max + logSum), which loses the small difference when the logits are large
            float logSum = (float) StrictMath.log(total);
            float loss = -(1 - smoothing) * ((x[xb + t] - max) - logSum);
            if (smoothing != 0) loss -= smoothing / cols * (sumShifted(x, xb, cols, max) - cols * logSum);
            rowLoss[lOff + r] = loss;
            if (grad == null) continue;
            float c = coef[cOff + r];
            scaleShiftRow(grad, gb, cols, c / total, c * smoothing / cols); // c·p − c·ε/C
            grad[gb + t] -= c * (1 - smoothing);
        }
    }

    /**
     * Σ exp(x[n] − max) summed exactly as {@link #expRow} sums it (full vectors in one accumulator, then the tail's
     * own sum added), without storing: the loss evaluated under no-grad has the same bits as in training.
     */
    private static float sumExpAsExpRow(float[] x, int xb, int n, float max) {
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) acc = acc.add(VectorMath.expNoOverflow(FloatVector.fromArray(S, x, xb + i).sub(m)));
        float total = sumLanes(acc);
        return i < n ? total + sumExp(x, xb + i, n - i, max) : total;
    }

    /** v[n] = v[n]·a − b in place. */
    private static void scaleShiftRow(float[] v, int vb, int n, float a, float b) {
        FloatVector av = FloatVector.broadcast(S, a), bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) FloatVector.fromArray(S, v, vb + i).mul(av).sub(bv).intoArray(v, vb + i);
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector.fromArray(S, v, vb + i, k).mul(av).sub(bv).intoArray(v, vb + i, k);
        }
    }

    /** Σ (x[n] − max), for label smoothing's Σ logp (exact for large logits, unlike Σx − n·max). */
    private static float sumShifted(float[] x, int xb, int n, float max) {
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> k = S.indexInRange(i, n);
            acc = acc.add(FloatVector.fromArray(S, x, xb + i, k).sub(m), k);
        }
        return sumLanes(acc);
    }

    /** Σ exp(x[n] − max) without storing it (log-softmax). */
    private static float sumExp(float[] x, int xb, int n, float max) {
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> k = S.indexInRange(i, n);
            acc = acc.add(VectorMath.expNoOverflow(FloatVector.fromArray(S, x, xb + i, k).sub(m)), k);
        }
        return sumLanes(acc);
    }

    /** out[n] = (x[n] − max) − logTotal. */
    private static void shiftRow(float[] x, int xb, float[] out, int ob, int n, float max, float logTotal) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector.fromArray(S, x, xb + i).sub(max).sub(logTotal).intoArray(out, ob + i);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xb + i, k).sub(max).sub(logTotal).intoArray(out, ob + i, k);
        }
    }

    /** out[n] *= s in place. */
    private static void scaleRow(float[] out, int ob, int n, float s) {
        FloatVector sv = FloatVector.broadcast(S, s);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) FloatVector.fromArray(S, out, ob + i).mul(sv).intoArray(out, ob + i);
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector.fromArray(S, out, ob + i, k).mul(sv).intoArray(out, ob + i, k);
        }
    }

    /** dx = y·(g − Σg·y) for softmax; dx = g − exp(y)·Σg for log-softmax (y is the forward output). */
    static void softmaxBackward(float[] y, int yOff, float[] g, int gOff, float[] dx, int dxOff, int rows, int cols, boolean log) {
        float next = !log && rows > 0 ? dot(g, gOff, y, yOff, cols) : 0f;
        for (int r = 0; r < rows; r++) {
            int yb = yOff + r * cols, gb = gOff + r * cols, db = dxOff + r * cols;
            if (log) {
                float total = sum(g, gb, cols);
                for (int j = 0; j < cols; j += V) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    FloatVector gv = FloatVector.fromArray(S, g, gb + j, m);
                    gv.sub(VectorMath.exp(FloatVector.fromArray(S, y, yb + j, m)).mul(total)).intoArray(dx, db + j, m);
                }
            } else if (r + 1 < rows) {
                // as in layerNorm: the next row's dot (its reads from memory) runs in the loop that writes this row
                next = softmaxBackwardRowDotNext(y, yb, g, gb, dx, db, cols, next);
            } else {
                softmaxBackwardRow(y, yb, g, gb, dx, db, cols, next);
            }
        }
    }

    /**
     * {@link #softmaxBackwardRow} of the row at yb/gb, fused with {@link #dot} of the next row (y and g at +n), which
     * it returns (same accumulators and combine order as dot, so the same bits).
     */
    private static float softmaxBackwardRowDotNext(float[] y, int yb, float[] g, int gb, float[] dx, int db, int n, float dot) {
        FloatVector d = FloatVector.broadcast(S, dot);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int yn = yb + n, gn = gb + n;
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            a0 = FloatVector.fromArray(S, g, gn + i).fma(FloatVector.fromArray(S, y, yn + i), a0);
            a1 = FloatVector.fromArray(S, g, gn + i + V).fma(FloatVector.fromArray(S, y, yn + i + V), a1);
            a2 = FloatVector.fromArray(S, g, gn + i + 2 * V).fma(FloatVector.fromArray(S, y, yn + i + 2 * V), a2);
            a3 = FloatVector.fromArray(S, g, gn + i + 3 * V).fma(FloatVector.fromArray(S, y, yn + i + 3 * V), a3);
            softmaxBackwardAt(y, yb, g, gb, dx, db, i, d);
            softmaxBackwardAt(y, yb, g, gb, dx, db, i + V, d);
            softmaxBackwardAt(y, yb, g, gb, dx, db, i + 2 * V, d);
            softmaxBackwardAt(y, yb, g, gb, dx, db, i + 3 * V, d);
        }
        int rest = i;
        for (int end = S.loopBound(n); i < end; i += V) {
            a0 = FloatVector.fromArray(S, g, gn + i).fma(FloatVector.fromArray(S, y, yn + i), a0);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            a0 = FloatVector.fromArray(S, g, gn + i, k).fma(FloatVector.fromArray(S, y, yn + i, k), a0);
        }
        // the rest of this row (fewer than 4 vectors): the scalar crosses the call, not the vector (see layerNorm)
        if (rest < n) softmaxBackwardRowFrom(y, yb, g, gb, dx, db, rest, n, dot);
        return sumLanes(a0.add(a1).add(a2.add(a3)));
    }

    /** dx[j ..+V) = y·(g − d) (small enough to always inline: no boxing). */
    private static void softmaxBackwardAt(float[] y, int yb, float[] g, int gb, float[] dx, int db, int j, FloatVector d) {
        FloatVector.fromArray(S, y, yb + j).mul(FloatVector.fromArray(S, g, gb + j).sub(d)).intoArray(dx, db + j);
    }

    /** dx[n] = y·(g − dot). */
    private static void softmaxBackwardRow(float[] y, int yb, float[] g, int gb, float[] dx, int db, int n, float dot) {
        softmaxBackwardRowFrom(y, yb, g, gb, dx, db, 0, n, dot);
    }

    /** dx[from .. n) = y·(g − dot). */
    private static void softmaxBackwardRowFrom(float[] y, int yb, float[] g, int gb, float[] dx, int db, int from, int n,
                                               float dot) {
        FloatVector d = FloatVector.broadcast(S, dot);
        int i = from;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector.fromArray(S, y, yb + i).mul(FloatVector.fromArray(S, g, gb + i).sub(d)).intoArray(dx, db + i);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector.fromArray(S, y, yb + i, k).mul(FloatVector.fromArray(S, g, gb + i, k).sub(d)).intoArray(dx, db + i, k);
        }
    }

    /**
     * Layer norm over rows of x[rows×cols] with optional gamma/beta[cols]; writes mean/rstd[rows].
     *
     * <p>Each row is read from memory once: its sum (the DRAM pass) is taken in the same loop that writes the previous
     * row's output, so memory reads and writes overlap instead of alternating with the L1-only variance pass. The
     * fused loop accumulates the next row's sum exactly as {@link #sum} does, so the bits do not depend on how rows
     * are grouped into calls.
     */
    static void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff, float[] mean, float[] rstd,
                          int rows, int cols, float eps) {
        boolean affine = gamma != null && beta != null;
        float total = rows > 0 ? sum(x, xOff, cols) : 0f;
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, yb = yOff + r * cols;
            // two-pass variance over a row that is in L1 after the sum: no cancellation from E[x²] − E[x]²
            float mu = total / cols;
            float inv = (float) (1 / Math.sqrt((double) sumSquaredDeviations(x, xb, cols, mu) / cols + eps));
            boolean hasNext = r + 1 < rows;
            if (affine && hasNext) {
                total = normalizeAffineSumNext(x, xb, gamma, beta, y, yb, cols, mu, inv);
            } else {
                if (affine) normalizeAffine(x, xb, gamma, beta, y, yb, 0, cols, mu, inv);
                else normalizeGeneral(x, xb, gamma, beta, y, yb, cols, mu, inv);
                if (hasNext) total = sum(x, xb + cols, cols);
            }
            mean[r] = mu;
            rstd[r] = inv;
        }
    }

    /**
     * {@link #normalizeAffine} of the row at xb, fused with {@link #sum} of the next row x[xb+n .. xb+2n), which it
     * returns (same accumulators and combine order as sum, so the same bits).
     */
    private static float normalizeAffineSumNext(float[] x, int xb, float[] gamma, float[] beta, float[] y, int yb, int n,
                                                float mu, float inv) {
        FloatVector m = FloatVector.broadcast(S, mu), s = FloatVector.broadcast(S, inv);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int nb = xb + n;
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            a0 = a0.add(FloatVector.fromArray(S, x, nb + i));
            a1 = a1.add(FloatVector.fromArray(S, x, nb + i + V));
            a2 = a2.add(FloatVector.fromArray(S, x, nb + i + 2 * V));
            a3 = a3.add(FloatVector.fromArray(S, x, nb + i + 3 * V));
            normalizeAffineAt(x, xb, gamma, beta, y, yb, i, m, s);
            normalizeAffineAt(x, xb, gamma, beta, y, yb, i + V, m, s);
            normalizeAffineAt(x, xb, gamma, beta, y, yb, i + 2 * V, m, s);
            normalizeAffineAt(x, xb, gamma, beta, y, yb, i + 3 * V, m, s);
        }
        int rest = i;
        for (int end = S.loopBound(n); i < end; i += V) a0 = a0.add(FloatVector.fromArray(S, x, nb + i));
        if (i < n) a0 = a0.add(FloatVector.fromArray(S, x, nb + i, S.indexInRange(i, n)));
        // the rest of this row's output (fewer than 4 vectors). Scalars, not the broadcast vectors, cross the call: it
        // runs too rarely to be inlined, and a vector passed to a call that is not inlined is boxed
        if (rest < n) normalizeAffine(x, xb, gamma, beta, y, yb, rest, n, mu, inv);
        return sumLanes(a0.add(a1).add(a2.add(a3)));
    }

    /** y[yb+j ..+V) = (x[xb+j ..] − m)·s·gamma[j ..] + beta[j ..] (small enough to always inline: no boxing). */
    private static void normalizeAffineAt(float[] x, int xb, float[] gamma, float[] beta, float[] y, int yb, int j,
                                          FloatVector m, FloatVector s) {
        FloatVector.fromArray(S, x, xb + j).sub(m).mul(s).mul(FloatVector.fromArray(S, gamma, j))
                .add(FloatVector.fromArray(S, beta, j)).intoArray(y, yb + j);
    }

    /** y[from .. n) = (x − mu)·inv·gamma + beta: the common case, without per-vector null checks. */
    private static void normalizeAffine(float[] x, int xb, float[] gamma, float[] beta, float[] y, int yb, int from, int n,
                                        float mu, float inv) {
        FloatVector m = FloatVector.broadcast(S, mu), s = FloatVector.broadcast(S, inv);
        int i = from;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector.fromArray(S, x, xb + i).sub(m).mul(s).mul(FloatVector.fromArray(S, gamma, i))
                    .add(FloatVector.fromArray(S, beta, i)).intoArray(y, yb + i);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xb + i, k).sub(m).mul(s).mul(FloatVector.fromArray(S, gamma, i, k))
                    .add(FloatVector.fromArray(S, beta, i, k)).intoArray(y, yb + i, k);
        }
    }

    /** y[n] = (x − mu)·inv, times gamma and plus beta when non-null. */
    private static void normalizeGeneral(float[] x, int xb, float[] gamma, float[] beta, float[] y, int yb, int n, float mu, float inv) {
        for (int j = 0; j < n; j += V) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromArray(S, x, xb + j, m).sub(mu).mul(inv);
            if (gamma != null) v = v.mul(FloatVector.fromArray(S, gamma, j, m));
            if (beta != null) v = v.add(FloatVector.fromArray(S, beta, j, m));
            v.intoArray(y, yb + j, m);
        }
    }

    /**
     * Layer-norm backward: dx = rstd·(gŷ − mean(gŷ) − x̂·mean(gŷ·x̂)) with gŷ = g·gamma, x̂ = (x − mean)·rstd;
     * dgamma += Σ_rows g·x̂ and dbeta += Σ_rows g when non-null.
     */
    static void layerNormBackward(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, float[] gamma,
                                  float[] dx, int dxOff, float[] dgamma, float[] dbeta, int rows, int cols) {
        boolean common = gamma != null && dgamma != null && dbeta != null;
        for (int r = 0; r < rows; r++) {
            int gb = gOff + r * cols, xb = xOff + r * cols, db = dxOff + r * cols;
            if (common) {
                long sums = layerNormBackwardSums(g, gb, x, xb, mean[r], rstd[r], gamma, dgamma, dbeta, cols);
                float sumG = Float.intBitsToFloat((int) (sums >>> 32)), sumGX = Float.intBitsToFloat((int) sums);
                layerNormBackwardDx(g, gb, x, xb, mean[r], rstd[r], gamma, dx, db, cols, sumG / cols, sumGX / cols);
            } else {
                layerNormBackwardRowGeneral(g, gb, x, xb, mean[r], rstd[r], gamma, dx, db, dgamma, dbeta, cols);
            }
        }
    }

    /**
     * First pass of a layer-norm backward row with gamma, dgamma and dbeta present: dgamma += g·x̂, dbeta += g;
     * returns Σ g·gamma (high 32 bits) and Σ g·gamma·x̂ (low 32 bits) as float bits, two results without an
     * allocation (two accumulators each, combined in a fixed order).
     */
    private static long layerNormBackwardSums(float[] g, int gb, float[] x, int xb, float mu, float rs, float[] gamma,
                                              float[] dgamma, float[] dbeta, int n) {
        FloatVector m = FloatVector.broadcast(S, mu), s = FloatVector.broadcast(S, rs);
        FloatVector sg0 = FloatVector.zero(S), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        int i = 0;
        for (int end = n - 2 * V; i <= end; i += 2 * V) {
            FloatVector g0 = FloatVector.fromArray(S, g, gb + i), g1 = FloatVector.fromArray(S, g, gb + i + V);
            FloatVector h0 = FloatVector.fromArray(S, x, xb + i).sub(m).mul(s);
            FloatVector h1 = FloatVector.fromArray(S, x, xb + i + V).sub(m).mul(s);
            FloatVector gy0 = g0.mul(FloatVector.fromArray(S, gamma, i)), gy1 = g1.mul(FloatVector.fromArray(S, gamma, i + V));
            sg0 = sg0.add(gy0);
            sg1 = sg1.add(gy1);
            sgx0 = gy0.fma(h0, sgx0);
            sgx1 = gy1.fma(h1, sgx1);
            g0.fma(h0, FloatVector.fromArray(S, dgamma, i)).intoArray(dgamma, i);
            g1.fma(h1, FloatVector.fromArray(S, dgamma, i + V)).intoArray(dgamma, i + V);
            FloatVector.fromArray(S, dbeta, i).add(g0).intoArray(dbeta, i);
            FloatVector.fromArray(S, dbeta, i + V).add(g1).intoArray(dbeta, i + V);
        }
        for (; i < n; i += V) { // at most two vectors, the last one masked
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector g0 = FloatVector.fromArray(S, g, gb + i, k);
            FloatVector h0 = FloatVector.fromArray(S, x, xb + i, k).sub(m).mul(s);
            FloatVector gy0 = g0.mul(FloatVector.fromArray(S, gamma, i, k)); // 0 in inactive lanes
            sg0 = sg0.add(gy0);
            sgx0 = gy0.fma(h0, sgx0);
            g0.fma(h0, FloatVector.fromArray(S, dgamma, i, k)).intoArray(dgamma, i, k);
            FloatVector.fromArray(S, dbeta, i, k).add(g0).intoArray(dbeta, i, k);
        }
        long hi = Float.floatToRawIntBits(sumLanes(sg0.add(sg1)));
        return hi << 32 | (Float.floatToRawIntBits(sumLanes(sgx0.add(sgx1))) & 0xFFFF_FFFFL);
    }

    /** Second pass: dx = rstd·(g·gamma − meanG − x̂·meanGX). */
    private static void layerNormBackwardDx(float[] g, int gb, float[] x, int xb, float mu, float rs, float[] gamma,
                                            float[] dx, int db, int n, float meanG, float meanGX) {
        FloatVector m = FloatVector.broadcast(S, mu), s = FloatVector.broadcast(S, rs);
        FloatVector mg = FloatVector.broadcast(S, meanG), mgx = FloatVector.broadcast(S, meanGX);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector xhat = FloatVector.fromArray(S, x, xb + i).sub(m).mul(s);
            FloatVector gy = FloatVector.fromArray(S, g, gb + i).mul(FloatVector.fromArray(S, gamma, i));
            gy.sub(mg).sub(xhat.mul(mgx)).mul(s).intoArray(dx, db + i);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector xhat = FloatVector.fromArray(S, x, xb + i, k).sub(m).mul(s);
            FloatVector gy = FloatVector.fromArray(S, g, gb + i, k).mul(FloatVector.fromArray(S, gamma, i, k));
            gy.sub(mg).sub(xhat.mul(mgx)).mul(s).intoArray(dx, db + i, k);
        }
    }

    /** One layer-norm backward row when gamma, dgamma or dbeta is null (masked loops, null checks per vector). */
    private static void layerNormBackwardRowGeneral(float[] g, int gb, float[] x, int xb, float mu, float rs, float[] gamma,
                                                    float[] dx, int db, float[] dgamma, float[] dbeta, int cols) {
        {
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
