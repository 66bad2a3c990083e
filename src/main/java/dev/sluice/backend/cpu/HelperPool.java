package dev.sluice.backend.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads behind {@link Parallel}: n daemon threads named {@code sluice-cpu-1..n} that run the tasks handed to
 * them, in order of arrival. After a task a helper keeps polling for the next one for {@link #SPIN_NANOS} before it
 * parks. A training step hands out hundreds of short parallel jobs back to back (every elementwise op, every GEMM), and
 * a parked thread takes tens of microseconds or more to wake; the ForkJoinPool used before parked its workers almost
 * at once, and on two threads the helper did only 30–44% of each job's items (GPT, MLP and autoencoder steps).
 */
final class HelperPool {
    /**
     * How long an idle helper polls for the next task before parking: 1 ms. Two threads on a 2-core Sapphire Rapids
     * VM under -XX:UseAVX=2 (256-bit kernels), GPT / autoencoder / MLP steps, wall-clock medians of alternating JVMs: ForkJoinPool 172–173 / 17.5–18.4 / 5.6–5.7 ms, 0.2 ms of
     * polling 162–166 / 15.7–17.8 / 4.8–5.4 ms, 1 ms 153–157 / 15.6–16.2 / 4.9–5.1 ms (the gaps between a step's
     * parallel jobs, serial ops in between, are often longer than 0.2 ms). An idle JVM's helpers park after 1 ms.
     */
    static final long SPIN_NANOS = 1_000_000;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private volatile boolean shutdown;

    /** A helper thread; the class also marks a thread as Sluice's, so nested parallel calls from it run inline. */
    static final class Worker extends Thread {
        private final HelperPool pool;
        /** True while parked or about to park: {@link #execute} unparks such workers. */
        volatile boolean parked;

        Worker(HelperPool pool, int number) {
            super("sluice-cpu-" + number);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!pool.shutdown) {
                Runnable task = pool.tasks.poll();
                if (task != null) {
                    try {
                        task.run();
                    } catch (Throwable ignored) {
                        // Parallel's jobs record their own failures for the caller, which rethrows them
                    }
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // announce the park, then look again: execute() adds before it reads `parked`, this thread writes
                    // `parked` before it reads the queue (both volatile), so a task is never left with all parked
                    parked = true;
                    if (pool.tasks.isEmpty() && !pool.shutdown) LockSupport.park(this);
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    HelperPool(int helpers) {
        workers = new Worker[helpers];
        for (int i = 0; i < helpers; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
        }
    }

    /**
     * Queues {@code task} for the next free helper and wakes a parked one.
     *
     * @throws RejectedExecutionException once the pool is shut down
     */
    void execute(Runnable task) {
        if (shutdown) throw new RejectedExecutionException("the CPU helper pool was shut down (the thread count changed)");
        tasks.add(task);
        for (Worker w : workers) {
            if (w.parked) {
                // cleared here so that the next task of a burst wakes another parked helper, not this one again
                w.parked = false;
                LockSupport.unpark(w);
                return;
            }
        }
    }

    /** Lets the helpers finish the task they are running, then exit; queued tasks are dropped (no caller waits on them). */
    void shutdown() {
        shutdown = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }
}
