package dev.sluice.backend.cpu;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recycles the large float arrays behind CPU tensors, so that a training step, which allocates the same activation
 * and gradient sizes every time, reuses last step's arrays instead of making the garbage collector free and re-zero
 * hundreds of megabytes (and, for arrays over half a G1 region, trigger a collection per "humongous" allocation).
 *
 * <p>How an array comes back: the storage that owns it registers with a {@link Cleaner}; once the garbage collector
 * finds the storage unreachable (every view of it is gone), the cleaner hands the array — never the storage — back to
 * a free list keyed by exact length. Training steps repeat exact sizes, so exact keys hit. Arrays handed out again are
 * zero-filled, as fresh Java arrays are. The pool holds at most {@link #capacityBytes()} (a quarter of the maximum
 * heap, at most 1 GiB); beyond that, returned arrays are left to the collector. Small arrays (under 64K floats) are
 * cheap to allocate and are never pooled.
 *
 * <p>Only arrays that never leave the backend may be pooled: an array given to a user (e.g. by {@code toArray}) is
 * allocated outside the pool.
 */
public final class CpuBufferPool {
    /** Arrays shorter than this are allocated normally. */
    static final int MIN_POOLED_LENGTH = 1 << 16;

    /** {@code -Dsluice.bufferPool=false} (or SLUICE_BUFFER_POOL=false) turns pooling off, to measure what it saves. */
    private static final boolean ENABLED = !"false".equalsIgnoreCase(
            System.getProperty("sluice.bufferPool", System.getenv().getOrDefault("SLUICE_BUFFER_POOL", "true")));

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "sluice-buffer-recycler");
        t.setDaemon(true);
        return t;
    });
    private static final Map<Integer, ConcurrentLinkedDeque<float[]>> FREE = new ConcurrentHashMap<>();
    private static final long CAPACITY = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
    private static final AtomicLong pooledBytes = new AtomicLong();
    private static final AtomicLong hits = new AtomicLong(), misses = new AtomicLong();

    private CpuBufferPool() {}

    /**
     * A zeroed float array of length n for {@code owner}; when owner becomes unreachable the array returns to the pool.
     */
    static float[] floats(Object owner, int n) {
        if (n < MIN_POOLED_LENGTH || !ENABLED) return new float[n];
        float[] a = null;
        ConcurrentLinkedDeque<float[]> free = FREE.get(n);
        if (free != null) a = free.pollFirst();
        if (a != null) {
            pooledBytes.addAndGet(-4L * n);
            hits.incrementAndGet();
            Arrays.fill(a, 0f);
        } else {
            misses.incrementAndGet();
            a = new float[n];
        }
        float[] array = a;
        CLEANER.register(owner, () -> giveBack(array));
        return array;
    }

    private static void giveBack(float[] a) {
        long bytes = 4L * a.length;
        if (pooledBytes.addAndGet(bytes) > CAPACITY) {
            pooledBytes.addAndGet(-bytes);
            return; // over capacity: let the collector have it
        }
        FREE.computeIfAbsent(a.length, k -> new ConcurrentLinkedDeque<>()).addFirst(a);
    }

    /** Upper bound on the bytes the pool keeps for reuse. */
    public static long capacityBytes() { return CAPACITY; }

    /** Bytes currently waiting in the pool for reuse. */
    public static long pooledBytes() { return pooledBytes.get(); }

    /** Large allocations served from the pool, and those that needed a fresh array, since start-up. */
    public static long[] hitsAndMisses() { return new long[] {hits.get(), misses.get()}; }
}
