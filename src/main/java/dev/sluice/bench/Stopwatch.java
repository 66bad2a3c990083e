package dev.sluice.bench;

import java.util.Arrays;

/**
 * Times two contenders side by side: after warm-up, runs them alternately (A, B, A, B, ...) until both have had at
 * least {@code minSeconds} and {@code minReps}, and reports each one's median. Alternating keeps slow drifts of a
 * shared machine (another tenant, frequency changes) from favouring whichever ran second.
 */
final class Stopwatch {
    private Stopwatch() {}

    /** Median seconds per call of each contender; a null contender is skipped (its slot is NaN). */
    static double[] medians(Runnable a, Runnable b, int warmup, int minReps, double minSeconds) {
        for (int i = 0; i < warmup; i++) {
            a.run();
            if (b != null) b.run();
        }
        double[] ta = new double[16], tb = new double[16];
        int reps = 0;
        double totalA = 0, totalB = 0;
        while (reps < minReps || totalA < minSeconds || (b != null && totalB < minSeconds)) {
            if (reps == ta.length) {
                ta = Arrays.copyOf(ta, reps * 2);
                tb = Arrays.copyOf(tb, reps * 2);
            }
            ta[reps] = time(a);
            totalA += ta[reps];
            if (b != null) {
                tb[reps] = time(b);
                totalB += tb[reps];
            }
            reps++;
            if (reps >= 10_000) break;
        }
        return new double[] {median(ta, reps), b == null ? Double.NaN : median(tb, reps)};
    }

    /** Median and fastest seconds per call of one contender. */
    record Timing(double median, double best, int reps) {}

    /**
     * Times {@code r} alone (no warm-up: see {@link #warmUntilStable}) until it has had {@code minReps} calls and
     * {@code minSeconds}. The fastest call is reported beside the median because on a shared machine other jobs only
     * ever add time: the fastest call is the one least disturbed, as the FMA roof's best-of-three is.
     */
    static Timing timing(Runnable r, int minReps, double minSeconds) {
        double[] t = new double[16];
        int reps = 0;
        double total = 0;
        while (reps < minReps || total < minSeconds) {
            if (reps == t.length) t = Arrays.copyOf(t, reps * 2);
            t[reps] = time(r);
            total += t[reps++];
            if (reps >= 10_000) break;
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) best = Math.min(best, t[i]);
        return new Timing(median(t, reps), best, reps);
    }

    /**
     * How a warm-up went: seconds and calls spent, whether the timing settled before the time ran out, and the
     * seconds of every call in order (the curve shows the interpreter, C1 and C2 tiers one after another).
     */
    record Warmup(double seconds, int calls, boolean stable, double[] callSeconds) {}

    /**
     * Runs {@code r} until its timing has settled: at least {@code minCalls} calls and {@code minSeconds}, and then
     * until the last three calls lie within 5% of each other and none of them is slower than the fastest call seen so
     * far by more than 10% (a run of three equally slow calls in C1-compiled code, with C2 still compiling, is not
     * "settled"), or until {@code maxSeconds} have passed. Vector API code needs this: until C2 has compiled it,
     * every vector operation is an object, and the first calls of a GEMM run hundreds of times slower.
     */
    static Warmup warmUntilStable(Runnable r, int minCalls, double minSeconds, double maxSeconds) {
        double[] times = new double[16];
        int calls = 0;
        double total = 0, best = Double.MAX_VALUE;
        boolean stable = false;
        while (total < maxSeconds) {
            if (calls == times.length) times = Arrays.copyOf(times, calls * 2);
            double t = time(r);
            times[calls++] = t;
            total += t;
            best = Math.min(best, t);
            if (calls >= Math.max(3, minCalls) && total >= minSeconds) {
                double lo = Math.min(times[calls - 1], Math.min(times[calls - 2], times[calls - 3]));
                double hi = Math.max(times[calls - 1], Math.max(times[calls - 2], times[calls - 3]));
                if (hi <= 1.05 * lo && hi <= 1.10 * best) {
                    stable = true;
                    break;
                }
            }
        }
        return new Warmup(total, calls, stable, Arrays.copyOf(times, calls));
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] xs, int n) {
        double[] s = Arrays.copyOf(xs, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
