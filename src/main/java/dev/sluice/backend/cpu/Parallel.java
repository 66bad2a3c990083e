package dev.sluice.backend.cpu;

/**
 * The CPU backend's thread pool: with n threads, the calling thread and n − 1 helper threads ({@link HelperPool})
 * named {@code sluice-cpu-1..n-1}. n is the machine's processor count unless configured (the system property {@code sluice.threads}, the environment variable
 * {@code SLUICE_THREADS}, or {@link #setThreads} at any time, before or after first use).
 *
 * <p>Results never depend on how the work was split as long as each index is computed independently. Calls made from
 * inside a pool worker run inline (no nested parallelism, no deadlock).
 */
public final class Parallel {
    /** A body that processes the half-open index range [lo, hi). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int lo, int hi);
    }

    /** Upper bound for a configured thread count: far above any core count, low enough to catch typos. */
    public static final int MAX_THREADS = 1024;

    /** The configured thread count: the pool holds one worker fewer. */
    private static volatile int configured = configuredThreads();
    /** Threads in use now: {@link #configured}, or fewer inside {@link #limitThreads}. The caller counts as one. */
    private static volatile int active = configured;
    /** The helpers' pool: created on first parallel call, replaced when the thread count changes; null for 1 thread. */
    private static volatile HelperPool pool;

    private Parallel() {}

    /** Number of threads the CPU backend uses now. */
    public static int threads() { return active; }

    /**
     * Sets the number of threads the CPU backend uses, from now on. Work already running finishes on the old pool,
     * whose threads then exit. {@code 1} runs everything on the calling thread.
     *
     * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_THREADS}]
     */
    public static synchronized void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("setThreads: thread count must be in [1, " + MAX_THREADS + "], got " + n);
        }
        if (n == configured) return;
        configured = n;
        active = n;
        HelperPool old = pool;
        pool = null;    // the next parallel call creates one of the new size
        if (old != null) old.shutdown();
    }

    /** The pool for the current thread count, created on first use; null when one thread is active. */
    private static HelperPool pool() {
        HelperPool p = pool;
        if (p != null || active <= 1) return p;
        synchronized (Parallel.class) {
            // the caller works too, so n threads need n - 1 helpers
            if (pool == null && active > 1) pool = new HelperPool(configured - 1);
            return pool;
        }
    }

    private static boolean onPoolThread() { return Thread.currentThread() instanceof HelperPool.Worker; }

    /**
     * Uses at most {@code n} threads until the returned scope is closed (the pool itself keeps its size).
     * Meant for benchmarks that compare thread counts in one run; it applies to all threads of the JVM.
     */
    public static Limit limitThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("limitThreads: need at least 1 thread, got " + n);
        int previous = active;
        active = Math.min(n, previous);
        return () -> active = Math.min(previous, configured);
    }

    /** Restores the previous thread count when closed. */
    @FunctionalInterface
    public interface Limit extends AutoCloseable {
        @Override
        void close();
    }

    /** The count from {@code sluice.threads} / {@code SLUICE_THREADS}, else the machine's processor count. */
    static int configuredThreads() {
        String v = System.getProperty("sluice.threads", System.getenv("SLUICE_THREADS"));
        if (v != null && !v.isBlank()) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= 1 && n <= MAX_THREADS) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the machine's count
            }
            System.getLogger("dev.sluice").log(System.Logger.Level.WARNING,
                    "ignoring invalid thread count '" + v + "' (sluice.threads / SLUICE_THREADS: an integer in [1, "
                            + MAX_THREADS + "]); using " + Runtime.getRuntime().availableProcessors());
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts {@code body} on up to {@code helpers} pool threads and returns at once, without waiting for them. Meant
     * for work-sharing loops in which the caller itself claims work items until none are left and then waits only for
     * items that were claimed: a helper that starts late (a parked worker can take milliseconds to wake when its core
     * is busy) simply finds nothing left, instead of the caller blocking until it has woken up. Starts none (returns
     * 0) when only one thread is active, the pool has one thread, or the caller is already a pool worker.
     */
    public static int startHelpers(int helpers, Runnable body) {
        int n = Math.min(helpers, active - 1);
        if (n <= 0 || onPoolThread()) return 0;
        HelperPool p = pool();
        if (p == null) return 0;
        try {
            for (int i = 0; i < n; i++) p.execute(body);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // setThreads shut this pool down meanwhile: the caller claims the remaining work itself
            return 0;
        }
        return n;
    }

    /**
     * Runs {@code body} over [0, n) in chunks of {@code grain} indices that the caller and the pool's helpers claim
     * from a shared counter (dynamic load balancing), returning once every chunk is done. The caller never waits for a
     * helper to wake up, only for chunks already claimed; a helper that starts late just takes fewer chunks. Which
     * thread runs a chunk varies from run to run, so each index must be computed independently of the others.
     */
    public static void forClaimed(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        if (active <= 1 || n <= g) {
            body.run(0, n);
            return;
        }
        var job = new Object() {
            final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            volatile Throwable failure;

            void work() {
                for (int lo = next.getAndAdd(g); lo < n; lo = next.getAndAdd(g)) {
                    int hi = Math.min(n, lo + g);
                    try {
                        body.run(lo, hi);
                    } catch (Throwable t) {
                        if (failure == null) failure = t;
                    }
                    done.addAndGet(hi - lo); // counted even when it failed, so nobody waits for it forever
                }
            }
        };
        startHelpers(Math.min(active - 1, (n + g - 1) / g - 1), job::work);
        job.work();
        for (int spins = 0; job.done.get() < n; spins++) {
            if (spins < 2000) Thread.onSpinWait();
            else Thread.yield();
        }
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }

    /**
     * Runs {@code body} over [0, n) split into contiguous chunks of at least {@code grain} indices: up to
     * {@value #CHUNKS_PER_THREAD} per thread, claimed dynamically ({@link #forClaimed}), so the caller never blocks
     * waiting for a parked worker to wake and a slow thread takes fewer chunks. Chunk boundaries depend only on n,
     * grain and the thread count, never on scheduling. Runs inline when the range is small, one thread is active, or
     * the caller is already a pool worker.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(active * CHUNKS_PER_THREAD, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || active <= 1 || onPoolThread()) {
            body.run(0, n);
            return;
        }
        forClaimed(chunks, 1, (clo, chi) -> {
            for (int c = clo; c < chi; c++) {
                body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
        });
    }

    /** Chunks per thread in {@link #forRange}: enough to balance uneven progress, few enough to keep overhead low. */
    static final int CHUNKS_PER_THREAD = 4;
}
