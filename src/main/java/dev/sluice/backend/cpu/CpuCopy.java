package dev.sluice.backend.cpu;

import dev.sluice.backend.View;
import dev.sluice.tensor.DType;

/** Strided copies (with dtype conversion) and fills: the path behind contiguous(), casts and in-place writes. */
final class CpuCopy {
    private CpuCopy() {}

    static void copy(View src, View dst) {
        CpuStorage s = CpuBackend.st(src), d = CpuBackend.st(dst);
        Strided it = Strided.of(dst.shape(), src, dst);
        int ss = it.innerStride(0), ds = it.innerStride(1);
        if (src.dtype() == dst.dtype()) {
            Object sa = array(s), da = array(d);
            it.forEachElementRun(true, (off, n) -> {
                if (ss == 1 && ds == 1) {
                    System.arraycopy(sa, off[0], da, off[1], n);
                } else {
                    copySameType(s, d, off[0], ss, off[1], ds, n);
                }
            });
            return;
        }
        // integer to integer stays in longs so that 64-bit values survive exactly; everything else goes through double
        boolean exactIntegers = !src.dtype().isFloating() && !dst.dtype().isFloating();
        it.forEachElementRun(true, (off, n) -> {
            for (int j = 0, si = off[0], di = off[1]; j < n; j++, si += ss, di += ds) {
                if (exactIntegers) setLong(d, di, s.getLong(si));
                else d.set(di, s.get(si));
            }
        });
    }

    private static void setLong(CpuStorage d, int i, long v) {
        switch (d.dtype()) {
            case INT64 -> d.i64[i] = v;
            case INT32 -> d.i32[i] = (int) v;
            case BOOL -> d.bool[i] = (byte) (v != 0 ? 1 : 0);
            default -> d.set(i, v);
        }
    }

    private static void copySameType(CpuStorage s, CpuStorage d, int si, int ss, int di, int ds, int n) {
        switch (s.dtype()) {
            case FLOAT32 -> { for (int j = 0; j < n; j++, si += ss, di += ds) d.f32[di] = s.f32[si]; }
            case FLOAT64 -> { for (int j = 0; j < n; j++, si += ss, di += ds) d.f64[di] = s.f64[si]; }
            case INT32 -> { for (int j = 0; j < n; j++, si += ss, di += ds) d.i32[di] = s.i32[si]; }
            case INT64 -> { for (int j = 0; j < n; j++, si += ss, di += ds) d.i64[di] = s.i64[si]; }
            case BOOL -> { for (int j = 0; j < n; j++, si += ss, di += ds) d.bool[di] = s.bool[si]; }
        }
    }

    static Object array(CpuStorage s) {
        return switch (s.dtype()) {
            case FLOAT32 -> s.f32;
            case FLOAT64 -> s.f64;
            case INT32 -> s.i32;
            case INT64 -> s.i64;
            case BOOL -> s.bool;
        };
    }

    static void fill(View dst, double value) {
        CpuStorage d = CpuBackend.st(dst);
        Strided it = Strided.of(dst.shape(), dst);
        int ds = it.innerStride(0);
        it.forEachElementRun(true, (off, n) -> {
            int di = off[0];
            switch (d.dtype()) {
                case FLOAT32 -> { float v = (float) value; for (int j = 0; j < n; j++, di += ds) d.f32[di] = v; }
                case FLOAT64 -> { for (int j = 0; j < n; j++, di += ds) d.f64[di] = value; }
                case INT32 -> { int v = (int) value; for (int j = 0; j < n; j++, di += ds) d.i32[di] = v; }
                case INT64 -> { long v = (long) value; for (int j = 0; j < n; j++, di += ds) d.i64[di] = v; }
                case BOOL -> { byte v = (byte) (value != 0 ? 1 : 0); for (int j = 0; j < n; j++, di += ds) d.bool[di] = v; }
            }
        });
    }
}
