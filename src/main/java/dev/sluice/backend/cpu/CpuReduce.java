package dev.sluice.backend.cpu;

import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.tensor.DType;

/**
 * Reductions. The input is seen as [kept dims..., reduced dims...]: when the reduced block is one contiguous run,
 * each output is a vectorised row reduction; when the kept block is the contiguous one (e.g. summing a bias gradient
 * over the batch), rows are accumulated into the output vector; anything else is first copied into that layout.
 */
final class CpuReduce {
    private CpuReduce() {}

    static void reduce(Float32Kernels k, ReduceOp op, View x, View out) {
        int rank = x.rank();
        int nKept = 0, nRed = 0;
        for (int d = 0; d < rank; d++) {
            if (out.shape()[d] == x.shape()[d]) nKept++;
            else nRed++;
        }
        int[] keptShape = new int[nKept], redShape = new int[nRed];
        int[] xKeptSt = new int[nKept], xRedSt = new int[nRed], outKeptSt = new int[nKept];
        for (int d = 0, a = 0, b = 0; d < rank; d++) {
            if (out.shape()[d] == x.shape()[d]) {
                keptShape[a] = x.shape()[d];
                xKeptSt[a] = x.strides()[d];
                outKeptSt[a++] = out.strides()[d];
            } else {
                redShape[b] = x.shape()[d];
                xRedSt[b++] = x.strides()[d];
            }
        }
        int redN = View.numel(redShape);
        Strided red = Strided.of(redShape, new int[][] {xRedSt}, new int[] {0});
        Strided kept = Strided.of(keptShape, new int[][] {xKeptSt, outKeptSt}, new int[] {x.offset(), out.offset()});
        CpuStorage xs = CpuBackend.st(x), os = CpuBackend.st(out);

        if (x.dtype() != DType.FLOAT32) {
            reduceGeneric(op, xs, os, kept, red, redN);
            return;
        }
        boolean redIsRun = redN <= 1 || (red.rows() == 1 && red.innerStride(0) == 1);
        if (redIsRun) {
            int kst = kept.innerStride(0), ost = kept.innerStride(1);
            kept.forEachRow(redN < 4096, (off, n) -> {
                for (int j = 0, xi = off[0], oi = off[1]; j < n; j++, xi += kst, oi += ost) {
                    os.f32[oi] = k.reduce(op, xs.f32, xi, redN);
                }
            });
            return;
        }
        boolean keptIsRun = kept.rows() == 1 && kept.innerStride(0) == 1 && kept.innerStride(1) == 1;
        if (keptIsRun) {
            int n = kept.inner(), xBase = x.offset(), oBase = out.offset();
            // accumulate in a fresh row, then store: out may alias nothing but must start at the identity. Columns
            // are shared out in pieces of at least 64 (a bias gradient, 384 columns × 2048 rows, used to stay on one
            // thread with a minimum of 256); each column is still summed over the rows in order
            Parallel.forRange(n, Math.max(64, Strided.PARALLEL_THRESHOLD / Math.max(1, redN)), (lo, hi) -> {
                float[] acc = new float[hi - lo];
                java.util.Arrays.fill(acc, (float) op.identity);
                red.forEachRow(false, (roff, rn) -> {
                    int rs = red.innerStride(0);
                    for (int j = 0, ri = roff[0]; j < rn; j++, ri += rs) k.reduceInto(op, xs.f32, xBase + ri + lo, acc, 0, hi - lo);
                });
                System.arraycopy(acc, 0, os.f32, oBase + lo, hi - lo);
            });
            return;
        }
        // general layout: copy x into [kept..., reduced...] order, then it is the contiguous-run case
        int[] perm = new int[rank];
        for (int d = 0, a = 0, b = nKept; d < rank; d++) {
            if (out.shape()[d] == x.shape()[d]) perm[a++] = d;
            else perm[b++] = d;
        }
        int[] pShape = new int[rank], pStrides = new int[rank];
        for (int d = 0; d < rank; d++) {
            pShape[d] = x.shape()[perm[d]];
            pStrides[d] = x.strides()[perm[d]];
        }
        CpuStorage tmp = new CpuStorage(DType.FLOAT32, x.numel());
        CpuCopy.copy(new View(xs, pShape, pStrides, x.offset()), View.contiguous(tmp, pShape));
        int keptN = View.numel(keptShape);
        Strided outIt = Strided.of(keptShape, new int[][] {outKeptSt}, new int[] {out.offset()});
        int[] outOffsets = new int[keptN];
        int[] cursor = {0};
        int outStep = outIt.innerStride(0);
        outIt.forEachRow(false, (off, n) -> {
            for (int j = 0, oi = off[0]; j < n; j++, oi += outStep) outOffsets[cursor[0]++] = oi;
        });
        Parallel.forRange(keptN, Math.max(1, 4096 / Math.max(1, redN)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) os.f32[outOffsets[r]] = k.reduce(op, tmp.f32, r * redN, redN);
        });
    }

    /** Reference path for float64 and integer dtypes: one accumulator per output, in double. */
    private static void reduceGeneric(ReduceOp op, CpuStorage xs, CpuStorage os, Strided kept, Strided red, int redN) {
        int kst = kept.innerStride(0), ost = kept.innerStride(1), rst = red.innerStride(0);
        boolean exactLong = xs.dtype() == DType.INT64 && op == ReduceOp.SUM;
        kept.forEachRow(true, (off, n) -> {
            for (int j = 0, xi = off[0], oi = off[1]; j < n; j++, xi += kst, oi += ost) {
                int base = xi;
                if (exactLong) {
                    long[] acc = {0};
                    red.forEachRow(false, (roff, rn) -> {
                        for (int q = 0, ri = base + roff[0]; q < rn; q++, ri += rst) acc[0] += xs.i64[ri];
                    });
                    os.i64[oi] = acc[0];
                } else {
                    double[] acc = {op.identity};
                    if (redN > 0) {
                        red.forEachRow(false, (roff, rn) -> {
                            for (int q = 0, ri = base + roff[0]; q < rn; q++, ri += rst) acc[0] = op.combine(acc[0], xs.get(ri));
                        });
                    }
                    os.set(oi, acc[0]);
                }
            }
        });
    }

    static void argReduce(ReduceOp op, View x, int axis, View values, View indices) {
        CpuStorage xs = CpuBackend.st(x), vs = CpuBackend.st(values), is = CpuBackend.st(indices);
        int len = x.shape()[axis], step = x.strides()[axis];
        Strided it = Strided.of(values.shape(), x, values, indices); // x's stride along axis is ignored: size 1 there
        int xst = it.innerStride(0), vst = it.innerStride(1), ist = it.innerStride(2);
        boolean max = op == ReduceOp.MAX;
        it.forEachRow(true, (off, n) -> {
            for (int j = 0, xi = off[0], vi = off[1], ii = off[2]; j < n; j++, xi += xst, vi += vst, ii += ist) {
                double best = xs.get(xi);
                int bestIdx = 0;
                for (int q = 1; q < len && !Double.isNaN(best); q++) {
                    double v = xs.get(xi + q * step);
                    if (Double.isNaN(v) || (max ? v > best : v < best)) {
                        best = v;
                        bestIdx = q;
                    }
                }
                vs.set(vi, best);
                is.i64[ii] = bestIdx;
            }
        });
    }
}
