package dev.sluice.backend.cpu;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Recycled arrays must come back zeroed, and arrays handed to users must never be recycled under them. */
class CpuBufferPoolTest {
    private static final int N = CpuBufferPool.MIN_POOLED_LENGTH * 2;

    /** Drops a tensor and collects until its array has gone back to the pool (at most a few seconds). */
    private static void dropAndCollect(long pooledBefore) throws InterruptedException {
        for (int i = 0; i < 100 && CpuBufferPool.pooledBytes() <= pooledBefore; i++) {
            System.gc();
            Thread.sleep(20);
        }
    }

    @Test
    void droppedTensorsAreRecycledAndComeBackZeroed() throws Exception {
        long before = CpuBufferPool.pooledBytes();
        Tensor t = Tensor.full(7.0, N);
        assertEquals(7f, t.toFloatArray()[N - 1]);
        t = null;
        dropAndCollect(before);
        assertTrue(CpuBufferPool.pooledBytes() > before, "the dropped tensor's array went back to the pool");
        long hits = CpuBufferPool.hitsAndMisses()[0];
        Tensor fresh = Tensor.zeros(N);
        assertEquals(hits + 1, CpuBufferPool.hitsAndMisses()[0], "the next allocation of that size reused it");
        float[] values = fresh.toFloatArray();
        for (float v : values) assertEquals(0f, v);
    }

    @Test
    void arraysGivenToUsersAreNeverRecycled() throws Exception {
        Tensor t = Tensor.full(3.0, N);
        float[] mine = t.toFloatArray();
        t = null;
        long before = CpuBufferPool.pooledBytes();
        dropAndCollect(before);
        for (int i = 0; i < 8; i++) Tensor.full(-1.0, N).add(1.0); // reuse whatever the pool holds
        float[] expected = new float[N];
        Arrays.fill(expected, 3f);
        assertArrayEquals(expected, mine, "an array returned by toFloatArray was overwritten by a recycled tensor");
    }
}
