package dev.sluice.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** {@link Parallel#forClaimed} (batched matmul's work sharing): every index exactly once, failures surface. */
class ParallelForClaimedTest {
    @Test
    void runsEveryIndexExactlyOnceForAnyGrain() {
        for (int n : new int[] {0, 1, 2, 7, 128, 1001}) {
            for (int grain : new int[] {0, 1, 3, 16, 5000}) {
                for (int rep = 0; rep < 20; rep++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    Parallel.forClaimed(n, grain, (lo, hi) -> {
                        for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " index " + i);
                }
            }
        }
    }

    @Test
    void rethrowsAFailureFromAnyChunkAndStillFinishes() {
        for (int rep = 0; rep < 20; rep++) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forClaimed(64, 1, (lo, hi) -> {
                if (lo == 37) throw new IllegalStateException("chunk 37");
            }));
            assertEquals("chunk 37", e.getMessage());
        }
    }

    @Test
    void nestedCallsFromChunksRunInline() {
        AtomicIntegerArray hits = new AtomicIntegerArray(16 * 16);
        Parallel.forClaimed(16, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int row = i;
                Parallel.forClaimed(16, 2, (l2, h2) -> {
                    for (int j = l2; j < h2; j++) hits.incrementAndGet(row * 16 + j);
                });
            }
        });
        for (int i = 0; i < 256; i++) assertEquals(1, hits.get(i));
    }
}
