package dev.sluice.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps freed device blocks for reuse, so that ops do not call cuMemAlloc/cuMemFree (each a device synchronisation)
 * per tensor. Requests are rounded up to a size class; a freed block goes to its class's free list and serves the
 * next request of that class. All work runs on one stream per device, so a block freed after its last kernel was
 * enqueued may be handed out at once: later kernels run after that one.
 *
 * <p>Blocks come back explicitly ({@link #release}: autograd's recycling) or from the GC's cleaner thread
 * ({@link #releaseLater}: a tensor became unreachable). When the device runs out, the allocator first asks for
 * pressure relief (the backend runs the GC so that unreachable tensors hand their blocks back), then frees its whole
 * cache, retrying after each.
 */
final class CachingAllocator {
    /** Smallest size class; also the alignment of every block. */
    static final long MIN_BLOCK = 512;
    /** Requests up to this size round up to a power of two; larger ones to a multiple of {@link #LARGE_ROUNDING}. */
    static final long SMALL_LIMIT = 1L << 20;
    static final long LARGE_ROUNDING = 2L << 20;

    private final DeviceMemory memory;
    private final Runnable relievePressure;
    private final TreeMap<Long, ArrayDeque<Long>> free = new TreeMap<>();
    private final Map<Long, Long> live = new HashMap<>();  // address -> size class
    private final ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
    private long liveBytes, cachedBytes, mallocs, reuses;

    CachingAllocator(DeviceMemory memory, Runnable relievePressure) {
        this.memory = memory;
        this.relievePressure = relievePressure;
    }

    /** The size class serving a request of {@code bytes}. */
    static long sizeClass(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation: " + bytes);
        if (bytes <= MIN_BLOCK) return MIN_BLOCK;
        if (bytes <= SMALL_LIMIT) return Long.highestOneBit(bytes - 1) << 1;
        return (bytes + LARGE_ROUNDING - 1) / LARGE_ROUNDING * LARGE_ROUNDING;
    }

    /** A block of at least {@code bytes}, reused from the cache when one of its class is free. */
    synchronized long allocate(long bytes) {
        long cls = sizeClass(bytes);
        drainPending();
        Long cached = takeCached(cls);
        if (cached != null) return track(cached, cls);
        try {
            return track(malloc(cls), cls);
        } catch (DeviceMemory.OutOfDeviceMemory first) {
            relievePressure.run();  // may call releaseLater from cleaner threads: lock-free, no deadlock
            drainPending();
            cached = takeCached(cls);
            if (cached != null) return track(cached, cls);
            emptyCache();
            try {
                return track(malloc(cls), cls);
            } catch (DeviceMemory.OutOfDeviceMemory again) {
                throw new DeviceMemory.OutOfDeviceMemory("out of device memory allocating " + cls + " bytes with "
                        + liveBytes + " bytes in live tensors and the cache emptied: " + again.getMessage());
            }
        }
    }

    private long malloc(long cls) {
        long address = memory.malloc(cls);
        mallocs++;
        return address;
    }

    private Long takeCached(long cls) {
        ArrayDeque<Long> list = free.get(cls);
        if (list == null || list.isEmpty()) return null;
        cachedBytes -= cls;
        reuses++;
        return list.pop();
    }

    private long track(long address, long cls) {
        live.put(address, cls);
        liveBytes += cls;
        return address;
    }

    /** Returns a block to the cache; the caller guarantees no kernel enqueued later reads or writes it. */
    synchronized void release(long address) {
        Long cls = live.remove(address);
        if (cls == null) throw new IllegalStateException("release of unknown or already released block 0x" + Long.toHexString(address));
        liveBytes -= cls;
        cachedBytes += cls;
        free.computeIfAbsent(cls, c -> new ArrayDeque<>()).push(address);
    }

    /**
     * Queues a block for {@link #release} from any thread without taking the allocator's lock (the GC's cleaner
     * thread calls this for tensors that became unreachable); the next allocation takes it back.
     */
    void releaseLater(long address) { pending.add(address); }

    private void drainPending() {
        for (Long a; (a = pending.poll()) != null; ) release(a);
    }

    /** Frees every cached block back to the device. */
    synchronized void emptyCache() {
        for (ArrayDeque<Long> list : free.values()) {
            for (long address : list) memory.free(address);
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes in blocks handed out and not released (size classes, not requests); drains queued releases first. */
    synchronized long liveBytes() {
        drainPending();
        return liveBytes;
    }

    /** Bytes in freed blocks kept for reuse. */
    synchronized long cachedBytes() { return cachedBytes; }

    /** Number of device allocations made (cache misses). */
    synchronized long mallocCount() { return mallocs; }

    /** Number of requests served from the cache. */
    synchronized long reuseCount() { return reuses; }

    @Override
    public synchronized String toString() {
        return "CachingAllocator[live " + liveBytes + " B, cached " + cachedBytes + " B, " + mallocs + " mallocs, "
                + reuses + " reuses]";
    }
}
