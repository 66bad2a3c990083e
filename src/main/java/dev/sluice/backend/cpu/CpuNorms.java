package dev.sluice.backend.cpu;

import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.tensor.DType;

/** Row-wise softmax, log-softmax and layer norm (forward and backward) over the last dimension. */
final class CpuNorms {
    private CpuNorms() {}

    /** A contiguous version of v: v itself when already contiguous, else a copy. */
    static View dense(View v) {
        if (v == null || v.isContiguous()) return v;
        CpuStorage tmp = new CpuStorage(v.dtype(), v.numel());
        View c = View.contiguous(tmp, v.shape());
        CpuCopy.copy(v, c);
        return c;
    }

    /** Like {@link #dense} but also starting at offset 0: the kernels index gamma and beta from 0. */
    static View denseFromZero(View v) {
        if (v == null || (v.isContiguous() && v.offset() == 0)) return v;
        CpuStorage tmp = new CpuStorage(v.dtype(), v.numel());
        View c = View.contiguous(tmp, v.shape());
        CpuCopy.copy(v, c);
        return c;
    }

    private static int cols(View v) { return v.rank() == 0 ? 1 : v.shape()[v.rank() - 1]; }

    private static int rowGrain(int cols) { return Math.max(1, Strided.PARALLEL_THRESHOLD / 4 / Math.max(1, cols)); }

    /**
     * Most chunks of rows layer norm's backward splits dgamma/dbeta into (each a partial sum, added in order): a fixed
     * number, so that the result does not depend on the thread count; 16 keeps up to 16 threads busy.
     */
    static final int PARAM_GRAD_CHUNKS = 16;

    static void softmax(Float32Kernels k, View x, View out, boolean log) {
        View xd = dense(x);
        int cols = cols(x), rows = cols == 0 ? 0 : x.numel() / cols;
        CpuStorage xs = CpuBackend.st(xd), os = CpuBackend.st(out);
        int xo = xd.offset(), oo = out.offset();
        if (x.dtype() == DType.FLOAT32) {
            Parallel.forRange(rows, rowGrain(cols), (lo, hi) ->
                    k.softmaxRows(xs.f32, xo + lo * cols, os.f32, oo + lo * cols, hi - lo, cols, log));
            return;
        }
        Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int xb = xo + r * cols, ob = oo + r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) max = Math.max(max, xs.f64[xb + j]);
                double sum = 0;
                for (int j = 0; j < cols; j++) sum += Math.exp(xs.f64[xb + j] - max);
                double logSum = Math.log(sum);
                for (int j = 0; j < cols; j++) {
                    double z = xs.f64[xb + j] - max;
                    os.f64[ob + j] = log ? z - logSum : Math.exp(z) / sum;
                }
            }
        });
    }

    /**
     * Fused float32 softmax cross entropy (see {@link dev.sluice.backend.Backend#softmaxCrossEntropy}): logits [N, C],
     * int64 targets [N], coef [N] → rowLoss [N] and grad [N, C] (or null), rows split across threads.
     */
    static void softmaxCrossEntropy(Float32Kernels k, View logits, View target, View coef, double smoothing, View rowLoss, View grad) {
        View xd = dense(logits), td = dense(target), cd = dense(coef);
        int rows = rowLoss.numel(), cols = rows == 0 ? 0 : logits.numel() / rows;
        if (!rowLoss.isContiguous() || (grad != null && !grad.isContiguous())) {
            throw new IllegalStateException("softmax_cross_entropy: outputs must be contiguous");
        }
        CpuStorage xs = CpuBackend.st(xd), ts = CpuBackend.st(td), cs = CpuBackend.st(cd), ls = CpuBackend.st(rowLoss);
        float[] g = grad == null ? null : CpuBackend.st(grad).f32;
        int xo = xd.offset(), to = td.offset(), co = cd.offset(), lo0 = rowLoss.offset(), go = grad == null ? 0 : grad.offset();
        float eps = (float) smoothing;
        Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> k.softmaxCrossEntropyRows(xs.f32, xo + lo * cols, ts.i64, to + lo,
                cs.f32, co + lo, eps, ls.f32, lo0 + lo, g, go + lo * cols, hi - lo, cols));
    }

    static void softmaxBackward(Float32Kernels k, View y, View g, View out, boolean log) {
        View yd = dense(y), gd = dense(g);
        int cols = cols(y), rows = cols == 0 ? 0 : y.numel() / cols;
        CpuStorage ys = CpuBackend.st(yd), gs = CpuBackend.st(gd), os = CpuBackend.st(out);
        int yo = yd.offset(), go = gd.offset(), oo = out.offset();
        if (y.dtype() == DType.FLOAT32) {
            Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> k.softmaxBackwardRows(ys.f32, yo + lo * cols,
                    gs.f32, go + lo * cols, os.f32, oo + lo * cols, hi - lo, cols, log));
            return;
        }
        Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int yb = yo + r * cols, gb = go + r * cols, ob = oo + r * cols;
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += log ? gs.f64[gb + j] : gs.f64[gb + j] * ys.f64[yb + j];
                for (int j = 0; j < cols; j++) {
                    os.f64[ob + j] = log ? gs.f64[gb + j] - Math.exp(ys.f64[yb + j]) * dot
                            : ys.f64[yb + j] * (gs.f64[gb + j] - dot);
                }
            }
        });
    }

    /**
     * Float32 softmax over the last dimension with masked positions taken as −∞ (see Backend.maskedSoftmax): each row
     * is copied into a row-sized scratch with −∞ where the mask is set, then goes through the same row kernel as
     * softmax, so the bits are those of masked_fill followed by softmax, without the output-sized masked tensor.
     * False for other dtypes or a non-contiguous output.
     */
    static boolean maskedSoftmax(Float32Kernels k, View x, View mask, View out) {
        if (x.dtype() != DType.FLOAT32 || mask.dtype() != DType.BOOL || !out.isContiguous() || x.rank() == 0) return false;
        View xd = dense(x);
        int cols = cols(x), rows = cols == 0 ? 0 : x.numel() / cols;
        float[] xs = CpuBackend.st(xd).f32, os = CpuBackend.st(out).f32;
        byte[] ms = CpuBackend.st(mask).bool;
        int xo = xd.offset(), oo = out.offset(), mStep = mask.strides()[mask.rank() - 1];
        int[] maskRows = Strided.rowOffsets(mask, java.util.Arrays.copyOf(mask.shape(), mask.rank() - 1));
        Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> {
            float[] row = new float[cols];
            for (int r = lo; r < hi; r++) {
                int xb = xo + r * cols, mb = maskRows[r];
                if (mStep == 1) { // unit stride, branch-free: a loop C2 can compile to compares and blends
                    for (int j = 0; j < cols; j++) row[j] = ms[mb + j] != 0 ? Float.NEGATIVE_INFINITY : xs[xb + j];
                } else {
                    for (int j = 0; j < cols; j++) row[j] = ms[mb + j * mStep] != 0 ? Float.NEGATIVE_INFINITY : xs[xb + j];
                }
                k.softmaxRows(row, 0, os, oo + r * cols, 1, cols, false);
            }
        });
        return true;
    }

    /**
     * Backward of {@link #maskedSoftmax}: softmax's row kernel, then +0 where the mask is set (what masked_fill's
     * backward gives), row by row while the row is in cache. False where maskedSoftmax would be.
     */
    static boolean maskedSoftmaxBackward(Float32Kernels k, View y, View g, View mask, View out) {
        if (y.dtype() != DType.FLOAT32 || mask.dtype() != DType.BOOL || !out.isContiguous() || y.rank() == 0) return false;
        View yd = dense(y), gd = dense(g);
        int cols = cols(y), rows = cols == 0 ? 0 : y.numel() / cols;
        float[] ys = CpuBackend.st(yd).f32, gs = CpuBackend.st(gd).f32, os = CpuBackend.st(out).f32;
        byte[] ms = CpuBackend.st(mask).bool;
        int yo = yd.offset(), go = gd.offset(), oo = out.offset(), mStep = mask.strides()[mask.rank() - 1];
        int[] maskRows = Strided.rowOffsets(mask, java.util.Arrays.copyOf(mask.shape(), mask.rank() - 1));
        Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> {
            k.softmaxBackwardRows(ys, yo + lo * cols, gs, go + lo * cols, os, oo + lo * cols, hi - lo, cols, false);
            for (int r = lo; r < hi; r++) {
                int ob = oo + r * cols, mb = maskRows[r];
                if (mStep == 1) {
                    for (int j = 0; j < cols; j++) os[ob + j] = ms[mb + j] != 0 ? 0f : os[ob + j];
                } else {
                    for (int j = 0; j < cols; j++) if (ms[mb + j * mStep] != 0) os[ob + j] = 0f;
                }
            }
        });
        return true;
    }

    static void layerNorm(Float32Kernels k, View x, View gamma, View beta, double eps, View out, View mean, View rstd) {
        View xd = dense(x), gd = denseFromZero(gamma), bd = denseFromZero(beta);
        int cols = cols(x), rows = cols == 0 ? 0 : x.numel() / cols;
        CpuStorage xs = CpuBackend.st(xd), os = CpuBackend.st(out), ms = CpuBackend.st(mean), rs = CpuBackend.st(rstd);
        CpuStorage gs = gd == null ? null : CpuBackend.st(gd), bs = bd == null ? null : CpuBackend.st(bd);
        int xo = xd.offset(), oo = out.offset();
        if (x.dtype() == DType.FLOAT32) {
            float[] meanTmp = new float[rows], rstdTmp = new float[rows];
            Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> {
                // kernel writes mean/rstd per row starting at index 0 of the arrays given: use per-chunk slices
                float[] mChunk = new float[hi - lo], rChunk = new float[hi - lo];
                k.layerNormRows(xs.f32, xo + lo * cols, gs == null ? null : gs.f32, bs == null ? null : bs.f32,
                        os.f32, oo + lo * cols, mChunk, rChunk, hi - lo, cols, (float) eps);
                System.arraycopy(mChunk, 0, meanTmp, lo, hi - lo);
                System.arraycopy(rChunk, 0, rstdTmp, lo, hi - lo);
            });
            System.arraycopy(meanTmp, 0, ms.f32, mean.offset(), rows);
            System.arraycopy(rstdTmp, 0, rs.f32, rstd.offset(), rows);
            return;
        }
        int go = gd == null ? 0 : gd.offset(), bo = bd == null ? 0 : bd.offset();
        Parallel.forRange(rows, rowGrain(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int xb = xo + r * cols, ob = oo + r * cols;
                double mu = 0;
                for (int j = 0; j < cols; j++) mu += xs.f64[xb + j];
                mu /= cols;
                double var = 0;
                for (int j = 0; j < cols; j++) var += (xs.f64[xb + j] - mu) * (xs.f64[xb + j] - mu);
                double inv = 1 / Math.sqrt(var / cols + eps);
                for (int j = 0; j < cols; j++) {
                    double v = (xs.f64[xb + j] - mu) * inv;
                    if (gs != null) v *= gs.f64[go + j];
                    if (bs != null) v += bs.f64[bo + j];
                    os.f64[ob + j] = v;
                }
                ms.f64[mean.offset() + r] = mu;
                rs.f64[rstd.offset() + r] = inv;
            }
        });
    }

    static void layerNormBackward(Float32Kernels k, View g, View x, View mean, View rstd, View gamma,
                                  View dx, View dgamma, View dbeta) {
        View gd = dense(g), xd = dense(x), gmd = denseFromZero(gamma);
        int cols = cols(x), rows = cols == 0 ? 0 : x.numel() / cols;
        CpuStorage gs = CpuBackend.st(gd), xs = CpuBackend.st(xd), ms = CpuBackend.st(mean), rs = CpuBackend.st(rstd);
        CpuStorage gms = gmd == null ? null : CpuBackend.st(gmd), dxs = CpuBackend.st(dx);
        CpuStorage dgs = dgamma == null ? null : CpuBackend.st(dgamma), dbs = dbeta == null ? null : CpuBackend.st(dbeta);
        int go = gd.offset(), xo = xd.offset(), dxo = dx.offset();
        if (x.dtype() == DType.FLOAT32) {
            // partial sums of dgamma/dbeta per chunk of rows, added in chunk order. The chunks depend on the shape only,
            // never on the thread count or scheduling, so every thread count gives the same bits
            int chunks = Math.max(1, Math.min(PARAM_GRAD_CHUNKS, rows / Math.max(1, rowGrain(cols))));
            float[][] pg = new float[chunks][], pb = new float[chunks][];
            float[] meanArr = slice(ms.f32, mean.offset(), rows), rstdArr = slice(rs.f32, rstd.offset(), rows);
            Parallel.forRange(chunks, 1, (clo, chi) -> {
                for (int c = clo; c < chi; c++) {
                    int lo = (int) ((long) rows * c / chunks), hi = (int) ((long) rows * (c + 1) / chunks);
                    pg[c] = dgs == null ? null : new float[cols];
                    pb[c] = dbs == null ? null : new float[cols];
                    k.layerNormBackwardRows(gs.f32, go + lo * cols, xs.f32, xo + lo * cols,
                            java.util.Arrays.copyOfRange(meanArr, lo, hi), java.util.Arrays.copyOfRange(rstdArr, lo, hi),
                            gms == null ? null : gms.f32, dxs.f32, dxo + lo * cols, pg[c], pb[c], hi - lo, cols);
                }
            });
            for (int c = 0; c < chunks; c++) {
                for (int j = 0; j < cols; j++) {
                    if (dgs != null) dgs.f32[dgamma.offset() + j] += pg[c][j];
                    if (dbs != null) dbs.f32[dbeta.offset() + j] += pb[c][j];
                }
            }
            return;
        }
        int gmo = gmd == null ? 0 : gmd.offset();
        for (int r = 0; r < rows; r++) {
            int gb = go + r * cols, xb = xo + r * cols, db = dxo + r * cols;
            double mu = ms.f64[mean.offset() + r], inv = rs.f64[rstd.offset() + r];
            double sumG = 0, sumGX = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = (xs.f64[xb + j] - mu) * inv;
                double gy = gs.f64[gb + j] * (gms == null ? 1 : gms.f64[gmo + j]);
                sumG += gy;
                sumGX += gy * xhat;
                if (dgs != null) dgs.f64[dgamma.offset() + j] += gs.f64[gb + j] * xhat;
                if (dbs != null) dbs.f64[dbeta.offset() + j] += gs.f64[gb + j];
            }
            for (int j = 0; j < cols; j++) {
                double xhat = (xs.f64[xb + j] - mu) * inv;
                double gy = gs.f64[gb + j] * (gms == null ? 1 : gms.f64[gmo + j]);
                dxs.f64[db + j] = inv * (gy - sumG / cols - xhat * sumGX / cols);
            }
        }
    }

    private static float[] slice(float[] a, int off, int n) {
        return off == 0 && a.length == n ? a : java.util.Arrays.copyOfRange(a, off, off + n);
    }
}
