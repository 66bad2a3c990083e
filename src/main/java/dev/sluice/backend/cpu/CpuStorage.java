package dev.sluice.backend.cpu;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Storage;
import dev.sluice.tensor.DType;

/**
 * CPU storage: one Java array of the dtype's primitive type (bool as bytes 0/1). Only the CPU backend's kernels read
 * the arrays; the accessors {@link #get}/{@link #set} are the slow generic path used by reference kernels.
 */
public final class CpuStorage extends Storage {
    /** Not final: {@link #recycle} clears it, so a read after recycling fails loudly instead of seeing reused data. */
    float[] f32;
    final double[] f64;
    final int[] i32;
    final long[] i64;
    final byte[] bool;

    CpuStorage(DType dtype, int n) { this(dtype, n, true); }

    /** With {@code zeroed} false, a float32 array from the pool keeps whatever it held (see Backend.allocateForOverwrite). */
    CpuStorage(DType dtype, int n, boolean zeroed) {
        super(dtype, n);
        f32 = dtype == DType.FLOAT32 ? CpuBufferPool.take(n, zeroed) : null;
        f64 = dtype == DType.FLOAT64 ? new double[n] : null;
        i32 = dtype == DType.INT32 ? new int[n] : null;
        i64 = dtype == DType.INT64 ? new long[n] : null;
        bool = dtype == DType.BOOL ? new byte[n] : null;
    }

    @Override
    public Backend backend() { return CpuBackend.INSTANCE; }

    /**
     * The float array behind a float32 CPU storage, for loaders that fill a freshly created tensor in place instead of
     * copying a temporary array into it (the array may be longer than the storage; element i of a contiguous view at
     * offset 0 is index i).
     *
     * @param s a float32 storage of the CPU backend
     * @return its array
     * @throws IllegalArgumentException if s is not a float32 CPU storage
     */
    public static float[] floats(Storage s) {
        if (!(s instanceof CpuStorage c) || c.f32 == null) {
            throw new IllegalArgumentException("CpuStorage.floats: not a live float32 CPU storage: " + s);
        }
        return c.f32;
    }

    /** Hands the float array to the buffer pool; the caller guarantees no view of this storage is used again. */
    void recycle() {
        float[] a = f32;
        if (a == null) return;
        f32 = null;
        CpuBufferPool.give(a);
    }

    /** Whether {@link #recycle} has taken this storage's memory (for tests). */
    public boolean isRecycled() { return dtype() == DType.FLOAT32 && f32 == null; }

    /** Element i as a double (int64 beyond 2^53 loses precision; exact paths avoid this accessor). */
    double get(int i) {
        return switch (dtype()) {
            case FLOAT32 -> f32[i];
            case FLOAT64 -> f64[i];
            case INT32 -> i32[i];
            case INT64 -> i64[i];
            case BOOL -> bool[i];
        };
    }

    /** Sets element i from a double, with C-style truncation for integers and "non-zero is true" for bool. */
    void set(int i, double v) {
        switch (dtype()) {
            case FLOAT32 -> f32[i] = (float) v;
            case FLOAT64 -> f64[i] = v;
            case INT32 -> i32[i] = (int) v;
            case INT64 -> i64[i] = (long) v;
            case BOOL -> bool[i] = (byte) (v != 0 ? 1 : 0);
        }
    }

    /** Element i as a long (exact for the integer dtypes); used for indices. */
    long getLong(int i) {
        return switch (dtype()) {
            case INT64 -> i64[i];
            case INT32 -> i32[i];
            case BOOL -> bool[i];
            case FLOAT32 -> (long) f32[i];
            case FLOAT64 -> (long) f64[i];
        };
    }
}
