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
