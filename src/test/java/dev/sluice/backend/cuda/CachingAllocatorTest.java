package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The caching allocator's bookkeeping against a fake device with a fixed capacity (no GPU needed). */
class CachingAllocatorTest {
    /** Device memory that hands out increasing addresses and runs out beyond {@code capacity} bytes. */
    static final class FakeMemory implements DeviceMemory {
        final long capacity;
        final Map<Long, Long> blocks = new HashMap<>();
        long next = 0x1000, used, mallocs, frees;

        FakeMemory(long capacity) { this.capacity = capacity; }

        @Override
        public long malloc(long bytes) {
            if (used + bytes > capacity) throw new OutOfDeviceMemory("fake device full (" + used + " of " + capacity + ")");
            long a = next;
            next += bytes;
            blocks.put(a, bytes);
            used += bytes;
            mallocs++;
            return a;
        }

        @Override
        public void free(long address) {
            Long b = blocks.remove(address);
            assertNotNull(b, "double free");
            used -= b;
            frees++;
        }
    }

    @Test
    void sizeClassesRoundUpToPowersOfTwoThenToTwoMebibytes() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(4096, CachingAllocator.sizeClass(4000));
        assertEquals(1 << 20, CachingAllocator.sizeClass((1 << 20) - 5));
        assertEquals(2 << 20, CachingAllocator.sizeClass((1 << 20) + 1));
        assertEquals(4 << 20, CachingAllocator.sizeClass((2 << 20) + 1));
        assertEquals(64L << 20, CachingAllocator.sizeClass(64L << 20));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.sizeClass(-1));
    }

    @Test
    void releasedBlocksAreReusedWithoutNewDeviceAllocations() {
        FakeMemory mem = new FakeMemory(1L << 30);
        CachingAllocator alloc = new CachingAllocator(mem, () -> {});
        long a = alloc.allocate(1000), b = alloc.allocate(1000);
        assertNotEquals(a, b);
        assertEquals(2, mem.mallocs);
        assertEquals(2048, alloc.liveBytes());
        alloc.release(a);
        assertEquals(1024, alloc.cachedBytes());
        long c = alloc.allocate(900);          // same class: the cached block comes back
        assertEquals(a, c);
        assertEquals(2, mem.mallocs);
        assertEquals(1, alloc.reuseCount());
        long d = alloc.allocate(5000);         // another class: a new device block
        assertEquals(3, mem.mallocs);
        alloc.release(b);
        alloc.release(c);
        alloc.release(d);
        assertEquals(0, alloc.liveBytes());
        assertEquals(1024 + 1024 + 8192, alloc.cachedBytes());
        alloc.emptyCache();
        assertEquals(0, alloc.cachedBytes());
        assertEquals(0, mem.used);
        assertEquals(3, mem.frees);
    }

    @Test
    void doubleOrUnknownReleaseFails() {
        CachingAllocator alloc = new CachingAllocator(new FakeMemory(1 << 20), () -> {});
        long a = alloc.allocate(10);
        alloc.release(a);
        assertThrows(IllegalStateException.class, () -> alloc.release(a));
        assertThrows(IllegalStateException.class, () -> alloc.release(12345));
    }

    @Test
    void releasesQueuedFromOtherThreadsComeBackOnTheNextAllocation() throws Exception {
        FakeMemory mem = new FakeMemory(1 << 20);
        CachingAllocator alloc = new CachingAllocator(mem, () -> {});
        long a = alloc.allocate(4096);
        Thread t = new Thread(() -> alloc.releaseLater(a));   // as the GC's cleaner thread does
        t.start();
        t.join();
        assertEquals(a, alloc.allocate(4096));
        assertEquals(1, mem.mallocs);
    }

    @Test
    void outOfMemoryRelievesPressureThenEmptiesTheCacheThenFailsWithNumbers() {
        FakeMemory mem = new FakeMemory(4096);
        long[] unreachable = new long[1];
        CachingAllocator[] self = new CachingAllocator[1];
        int[] reliefs = new int[1];
        CachingAllocator alloc = new CachingAllocator(mem, () -> {
            reliefs[0]++;
            if (unreachable[0] != 0) self[0].releaseLater(unreachable[0]);   // "the GC found a dead tensor"
            unreachable[0] = 0;
        });
        self[0] = alloc;
        long a = alloc.allocate(2048);
        unreachable[0] = alloc.allocate(2048);                                // full now
        long b = alloc.allocate(2048);                                        // served by the relieved block
        assertEquals(1, reliefs[0]);
        assertEquals(2, mem.mallocs);
        // a cached block of another class is freed to make room
        alloc.release(a);
        long c = alloc.allocate(1024);
        assertEquals(1, mem.frees);
        alloc.release(c);
        alloc.release(b);
        assertEquals(0, alloc.liveBytes());
        long big = alloc.allocate(4096);                                      // needs the whole cache freed
        alloc.release(big);
        DeviceMemory.OutOfDeviceMemory e = assertThrows(DeviceMemory.OutOfDeviceMemory.class, () -> alloc.allocate(8192));
        assertTrue(e.getMessage().contains("out of device memory allocating 8192 bytes"), e.getMessage());
    }
}
