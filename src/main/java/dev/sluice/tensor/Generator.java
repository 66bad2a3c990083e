package dev.sluice.tensor;

/**
 * A seeded source of random tensors built on the counter-based Philox4x32-10 generator. Each draw reserves a range of
 * counters, so the numbers depend only on the seed and the sequence of draws — not on thread count or device.
 * Thread-safe. The {@link #global()} generator starts from seed 0 (reproducible by default); reseed it with
 * {@link #manualSeed(long)}.
 */
public final class Generator {
    private static final Generator GLOBAL = new Generator(0);

    private long seed;
    private long offset;

    /** A generator with the given seed. */
    public Generator(long seed) {
        this.seed = seed;
    }

    /** The process-wide default generator used when no generator is passed. */
    public static Generator global() { return GLOBAL; }

    /** Reseeds the global generator (as {@code torch.manual_seed}). */
    public static void manualSeed(long seed) { GLOBAL.reseed(seed); }

    /** An independent generator at the same point of the same stream (it draws what this one would draw next). */
    public synchronized Generator copy() {
        Generator g = new Generator(seed);
        g.offset = offset;
        return g;
    }

    /** Restarts this generator's stream from a seed. */
    public synchronized void reseed(long seed) {
        this.seed = seed;
        this.offset = 0;
    }

    public synchronized long seed() { return seed; }

    /** The next unused counter block. */
    public synchronized long offset() { return offset; }

    /**
     * Reserves {@code blocks} counter blocks and returns {seed, first block}. Backends fill tensors from exactly
     * these counters.
     */
    public synchronized long[] reserve(long blocks) {
        long[] r = {seed, offset};
        offset += blocks;
        return r;
    }
}
