package dev.sluice.backend.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Free lists of float arrays, keyed by exact length, filled only by explicit {@link #give} calls from an owner that
 * has proved no one can read the array any more (the autograd engine, for gradients only it holds; see
 * {@code Backend.recycle}). Nothing comes back through the garbage collector: an earlier Cleaner-driven pool returned
 * arrays only after a GC found their storages dead, so they piled up in the old generation (commit 0e09a69).
 *
 * <p>A training step repeats the same tensor sizes, so arrays freed by one backward pass serve the next step's
 * allocations. Arrays handed out again are zero-filled, as fresh Java arrays are. Small arrays (under
 * {@link #MIN_LENGTH} floats) are cheap to allocate and are not pooled. The pool keeps at most {@link #capacityBytes()};
 * when a returned array would exceed that, the free lists are emptied first (sizes that stopped recurring then leave).
 */
public final class CpuBufferPool {
    /** Arrays shorter than this are allocated normally and never pooled. */
    static final int MIN_LENGTH = 1 << 12;

    private static final long CAPACITY = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
    private static final Object LOCK = new Object();
    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    private static long pooledBytes, hits, misses, given, freshBytes;

    private CpuBufferPool() {}

    /**
     * Debugging switch for tests ({@code -Dsluice.poisonUninitialized=true}, set for every test run): arrays taken
     * without zeroing are filled with NaN instead, new or recycled, so an op that allocates for overwrite but leaves
     * an element unwritten shows NaN in its result (and fails its test) instead of stale numbers now and then.
     */
    private static final boolean POISON = Boolean.getBoolean("sluice.poisonUninitialized");

    /** A zero-filled float array of length n: a pooled one when available, else a new one. */
    static float[] take(int n) { return take(n, true); }

    /**
     * A float array of length n, zero-filled when {@code zeroed}; otherwise a recycled array keeps its old contents
     * (a new one is zero anyway), for outputs a kernel overwrites in full.
     */
    static float[] take(int n, boolean zeroed) {
        if (POISON && !zeroed) {
            float[] a = take(n, true);
            Arrays.fill(a, Float.NaN);
            return a;
        }
        if (n < MIN_LENGTH) return new float[n];
        float[] a = null;
        synchronized (LOCK) {
            ArrayDeque<float[]> free = FREE.get(n);
            if (free != null) a = free.pollFirst();
            if (a != null) {
                pooledBytes -= 4L * n;
                hits++;
            } else {
                misses++;
                freshBytes += 4L * n;
            }
        }
        if (a == null) return new float[n];
        if (zeroed) Arrays.fill(a, 0f);
        return a;
    }

    /** Returns an array that its owner will never touch again. */
    static void give(float[] a) {
        if (a.length < MIN_LENGTH) return;
        long bytes = 4L * a.length;
        if (bytes > CAPACITY) return;
        synchronized (LOCK) {
            if (pooledBytes + bytes > CAPACITY) {
                FREE.clear();
                pooledBytes = 0;
            }
            FREE.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addFirst(a);
            pooledBytes += bytes;
            given++;
        }
    }

    /**
     * Bytes of new arrays of pooled sizes allocated since start-up: the large-buffer garbage, independent of what the
     * JIT has compiled yet (unlike a thread's allocated bytes, which include the Vector API's boxing while cold).
     */
    public static long freshBytes() {
        synchronized (LOCK) {
            return freshBytes;
        }
    }

    /** Upper bound on the bytes the pool keeps. */
    public static long capacityBytes() { return CAPACITY; }

    /** Bytes now waiting in the pool. */
    public static long pooledBytes() {
        synchronized (LOCK) {
            return pooledBytes;
        }
    }

    /** Since start-up: pooled-size allocations served from the pool, those that needed a new array, arrays given back. */
    public static long[] hitsMissesGiven() {
        synchronized (LOCK) {
            return new long[] {hits, misses, given};
        }
    }
}
