package dev.sluice.backend.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The helpers poll, then park; a task handed to parked helpers must still run, and a failing task must not kill one. */
class HelperPoolTest {

    @Test
    void tasksRunWhetherTheHelpersArePollingOrParked() throws InterruptedException {
        HelperPool pool = new HelperPool(2);
        try {
            AtomicInteger ran = new AtomicInteger();
            for (int round = 0; round < 40; round++) {
                // every fourth round waits past the polling time, so the helpers have parked when the tasks arrive
                if (round % 4 == 0) Thread.sleep(TimeUnit.NANOSECONDS.toMillis(HelperPool.SPIN_NANOS) + 3);
                CountDownLatch done = new CountDownLatch(3);
                for (int i = 0; i < 3; i++) {
                    pool.execute(() -> {
                        ran.incrementAndGet();
                        done.countDown();
                    });
                }
                assertTrue(done.await(10, TimeUnit.SECONDS), "round " + round + ": a task was never run");
            }
            assertEquals(120, ran.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aBurstOfTasksWakesEveryParkedHelper() throws InterruptedException {
        HelperPool pool = new HelperPool(3);
        try {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(HelperPool.SPIN_NANOS) + 20); // all three park
            // three tasks that each wait for the other two: they finish only if three helpers run them at once
            CountDownLatch together = new CountDownLatch(3), done = new CountDownLatch(3);
            for (int i = 0; i < 3; i++) {
                pool.execute(() -> {
                    together.countDown();
                    try {
                        if (together.await(10, TimeUnit.SECONDS)) done.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(done.await(15, TimeUnit.SECONDS), "a parked helper was left asleep during a burst");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aFailingTaskLeavesTheHelperWorkingAndShutdownRejectsNewTasks() throws InterruptedException {
        HelperPool pool = new HelperPool(1);
        pool.execute(() -> { throw new IllegalStateException("a task's own failure"); });
        CountDownLatch after = new CountDownLatch(1);
        String[] name = new String[1];
        pool.execute(() -> {
            name[0] = Thread.currentThread().getName();
            after.countDown();
        });
        assertTrue(after.await(10, TimeUnit.SECONDS), "the helper stopped after a failing task");
        assertEquals("sluice-cpu-1", name[0]);
        pool.shutdown();
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
    }
}
