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

    /**
     * A generator with the given seed, at the start of its stream.
     *
     * @param seed any value; equal seeds give equal sequences of draws
     */
    public Generator(long seed) {
        this.seed = seed;
    }

    /**
     * The process-wide default generator used when no generator is passed.
     *
     * @return the shared global generator (seed 0 until {@link #manualSeed} reseeds it)
     */
    public static Generator global() { return GLOBAL; }

    /**
     * Reseeds the global generator, like {@code torch.manual_seed}.
     *
     * @param seed the new seed; the global stream restarts from its beginning
     */
    public static void manualSeed(long seed) { GLOBAL.reseed(seed); }

    /**
     * An independent generator at the same point of the same stream (it draws what this one would draw next).
     *
     * @return a new generator with this one's seed and offset
     */
    public synchronized Generator copy() {
        Generator g = new Generator(seed);
        g.offset = offset;
        return g;
    }

    /**
     * Restarts this generator's stream from a seed.
     *
     * @param seed the new seed
     */
    public synchronized void reseed(long seed) {
        this.seed = seed;
        this.offset = 0;
    }

    /**
     * The seed of the current stream.
     *
     * @return the seed last set by the constructor or {@link #reseed}
     */
    public synchronized long seed() { return seed; }

    /**
     * The next unused counter block.
     *
     * @return how many 128-bit Philox counter blocks have been reserved since the last (re)seed
     */
    public synchronized long offset() { return offset; }

    /**
     * Reserves counter blocks for one draw. Backends fill tensors from exactly these counters, so that results do not
     * depend on the thread count or device.
     *
     * @param blocks how many Philox counter blocks the draw needs
     * @return a two-element array: the seed and the first reserved block
     */
    public synchronized long[] reserve(long blocks) {
        long[] r = {seed, offset};
        offset += blocks;
        return r;
    }
}
