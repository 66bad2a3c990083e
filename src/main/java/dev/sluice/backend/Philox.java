package dev.sluice.backend;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based generator.
 * Output block b of key k is a pure function of (k, b), so any element of a random tensor can be computed
 * independently — by any thread, in any order, on any device — and a seed gives the same numbers everywhere.
 *
 * <p>Sluice's streams: element i of a float32 draw starting at counter {@code offset} takes lane {@code i % 4} of block
 * {@code offset + i / 4}; see {@link #uniformFloat} and {@link #normalFloat}. float64 draws use two lanes per uniform.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final double TWO_POW_M32 = 1.0 / 4294967296.0;
    private static final double TWO_POW_M53 = 1.0 / 9007199254740992.0;

    private Philox() {}

    /** The four 32-bit outputs for a 128-bit counter (c0 lowest) and a 64-bit key (k0 lowest), written to out[0..4). */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The block at 64-bit counter {@code counter} for a 64-bit seed. */
    public static void block(long seed, long counter, int[] out) {
        block((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
    }

    /** Uniform in [0, 1) with 24 random bits (exactly representable in float32) from one 32-bit word. */
    public static float toUniformFloat(int bits) {
        return (bits >>> 8) * 0x1.0p-24f;
    }

    /** Uniform in (0, 1] from one word: safe to take the log of. */
    private static double toOpenUniform(int bits) {
        return ((bits & 0xFFFFFFFFL) + 1) * TWO_POW_M32;
    }

    /** Uniform in [0, 1) with 53 random bits from two words. */
    public static double toUniformDouble(int hi, int lo) {
        long bits = ((hi & 0xFFFFFFFFL) << 21) ^ ((lo & 0xFFFFFFFFL) >>> 11);
        return (bits & ((1L << 53) - 1)) * TWO_POW_M53;
    }

    /** Element i of the float32 uniform [0,1) stream. {@code scratch} is a caller-owned int[4]. */
    public static float uniformFloat(long seed, long offset, long i, int[] scratch) {
        block(seed, offset + (i >>> 2), scratch);
        return toUniformFloat(scratch[(int) (i & 3)]);
    }

    /**
     * Element i of the float32 standard-normal stream: Box–Muller on the lane pairs (0,1) and (2,3) of block
     * {@code offset + i/4}; lanes 0 and 2 take the cosine branch, 1 and 3 the sine branch.
     */
    public static float normalFloat(long seed, long offset, long i, int[] scratch) {
        block(seed, offset + (i >>> 2), scratch);
        int lane = (int) (i & 3), pair = lane & 2;
        double r = Math.sqrt(-2 * Math.log(toOpenUniform(scratch[pair])));
        double theta = 2 * Math.PI * toUniformFloat(scratch[pair + 1]);
        return (float) ((lane & 1) == 0 ? r * Math.cos(theta) : r * Math.sin(theta));
    }

    /** Element i of the float64 uniform [0,1) stream: lanes (2j, 2j+1) of block {@code offset + i/2}, j = i % 2. */
    public static double uniformDouble(long seed, long offset, long i, int[] scratch) {
        block(seed, offset + (i >>> 1), scratch);
        int j = (int) (i & 1) * 2;
        return toUniformDouble(scratch[j], scratch[j + 1]);
    }

    /** Element i of the float64 standard-normal stream: Box–Muller on the two 53-bit uniforms of block offset + i/2. */
    public static double normalDouble(long seed, long offset, long i, int[] scratch) {
        block(seed, offset + (i >>> 1), scratch);
        double u1 = 1 - toUniformDouble(scratch[0], scratch[1]); // (0, 1]
        double u2 = toUniformDouble(scratch[2], scratch[3]);
        double r = Math.sqrt(-2 * Math.log(u1));
        return (i & 1) == 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
    }

    /** Number of counter blocks a draw of n elements of the given width (4 or 8 bytes) consumes. */
    public static long blocksFor(long n, boolean doublePrecision) {
        return doublePrecision ? (n + 1) / 2 : (n + 3) / 4;
    }
}
