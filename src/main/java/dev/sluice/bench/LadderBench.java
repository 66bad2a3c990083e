package dev.sluice.bench;

import dev.sluice.backend.cpu.Parallel;
import dev.sluice.bench.ladder.GemmReference;
import dev.sluice.bench.ladder.GemmRung;

import java.util.SplittableRandom;

/**
 * The GEMM ladder timed side by side ({@code ./sluice bench ladder}): every rung of {@code dev.sluice.bench.ladder} on
 * the same square matrices, with OpenBLAS as the peer row. Each rung is first warmed up until its timing settles
 * ({@link Stopwatch#warmUntilStable}: Vector API code is hundreds of times slower until C2 has compiled it), then
 * timed by {@link Stopwatch#timing} (median and fastest call). Each row also checks its result on sampled entries against the float64
 * reference, in units of float32's error bound, so a fast-but-wrong rung cannot hide in the table.
 */
public final class LadderBench {
    /** Entries of C checked against the float64 reference per row (a full check of a 1024² product takes seconds). */
    public static final int SAMPLED_ENTRIES = 64;
    /** The naive rung is timed at this size at most: at 1024 one call takes seconds. */
    public static final int NAIVE_MAX_SIZE = 512;

    /**
     * One timed row: a rung (or the peer) at one size and thread count. {@code errorInBounds} is the largest error of
     * the sampled entries in units of the float32 bound (at most 1 for a correct product).
     */
    public record Row(String name, int size, int threads, double seconds, double bestSeconds, double warmupSeconds,
                      int warmupCalls, boolean warmupStable, double errorInBounds) {
        /** 2·size³ / median seconds, in GFLOP/s. */
        public double gflops() { return 2.0 * size * size * size / seconds / 1e9; }

        /** 2·size³ / fastest call's seconds, in GFLOP/s: on a shared machine, the least disturbed call. */
        public double bestGflops() { return 2.0 * size * size * size / bestSeconds / 1e9; }
    }

    /** The operands every rung multiplies: A and B of one size, seeded, in [-1, 1). */
    public static final class Operands {
        final int size;
        final float[] a, b, c;

        /** Square size×size A and B from a fixed seed, and a C for the result. */
        public Operands(int size) {
            this.size = size;
            var rnd = new SplittableRandom(1_000_003L * size);
            a = random(rnd, size * size);
            b = random(rnd, size * size);
            c = new float[size * size];
        }

        /** The matrix size (rows = columns = depth). */
        public int size() { return size; }
    }

    /** How long warm-up and measurement may take per row. */
    public record Budget(int minWarmupCalls, double minWarmupSeconds, double maxWarmupSeconds, double minSeconds) {
        /** The defaults: at least 1 s of warm-up (settled, up to 15 s), then {@code minSeconds} of timed calls. */
        public static Budget standard(double minSeconds) { return new Budget(5, 1.0, 15.0, minSeconds); }

        /** A smoke run: short warm-ups whose numbers are not for reporting. */
        public static Budget quick(double minSeconds) { return new Budget(2, 0.05, 0.5, minSeconds); }
    }

    private LadderBench() {}

    /** Times one rung on {@code x} with {@code threads} threads. */
    public static Row measure(GemmRung rung, Operands x, int threads, Budget budget) {
        int n = x.size;
        return time(rung.name(), x, threads, budget, () -> rung.gemm(n, n, n, x.a, x.b, x.c));
    }

    /** Times OpenBLAS's {@code cblas_sgemm} on {@code x} with {@code threads} threads. */
    public static Row measurePeer(OpenBlas peer, Operands x, int threads, Budget budget) {
        int n = x.size;
        peer.setThreads(threads);
        return time("OpenBLAS (peer)", x, threads, budget, () -> peer.sgemm(false, false, n, n, n, x.a, n, x.b, n, 0f, x.c, n));
    }

    private static Row time(String name, Operands x, int threads, Budget budget, Runnable product) {
        try (var limit = Parallel.limitThreads(threads)) {
            java.util.Arrays.fill(x.c, Float.NaN); // a rung that leaves entries unwritten fails the check below
            Stopwatch.Warmup w = Stopwatch.warmUntilStable(product, budget.minWarmupCalls(), budget.minWarmupSeconds(),
                    budget.maxWarmupSeconds());
            Stopwatch.Timing t = Stopwatch.timing(product, 3, budget.minSeconds());
            return new Row(name, x.size, threads, t.median(), t.best(), w.seconds(), w.calls(), w.stable(),
                    sampledError(x));
        }
    }

    /** The largest error of {@link #SAMPLED_ENTRIES} seeded entries of x.c in units of the float32 bound. */
    static double sampledError(Operands x) {
        int n = x.size;
        var rnd = new SplittableRandom(n);
        double gamma = n * GemmReference.UNIT_ROUNDOFF / (1 - n * GemmReference.UNIT_ROUNDOFF), worst = 0;
        for (int s = 0; s < SAMPLED_ENTRIES; s++) {
            int i = rnd.nextInt(n), j = rnd.nextInt(n);
            double exact = GemmReference.entry(n, n, x.a, x.b, i, j);
            double bound = gamma * GemmReference.absEntry(n, n, x.a, x.b, i, j) + Double.MIN_NORMAL;
            double err = Math.abs(x.c[i * n + j] - exact) / bound;
            worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
        }
        return worst;
    }

    private static float[] random(SplittableRandom rnd, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }
}
