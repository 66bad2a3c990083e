package dev.sluice.bench;

import dev.sluice.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float32 FMA roof as this JVM reaches it: twelve independent chains of vector fmas at the preferred
 * width (enough to cover an FMA latency of 4–5 cycles on two pipes, few enough to stay in 16 registers), no memory
 * traffic, on each thread. A GEMM's GFLOP/s divided by this is its share of the hardware's peak. Only loaded where
 * the Vector API module is present (the benchmark checks).
 */
final class FmaRoof {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private FmaRoof() {}

    /** Where the chains' results go, so that the JIT cannot drop the arithmetic as unused. */
    private static volatile double sink;

    /**
     * Windows the measurement is split into; the best one counts. On a shared machine other jobs can only lower the
     * rate, and a short window is more likely to have run undisturbed: with three windows of a third of a second, the
     * 2-core VM under a load of 10 measured 18–136 GFLOP/s of its ~220 in one run after another.
     */
    private static final int WINDOWS = 10;

    /** GFLOP/s of {@code threads} threads together, the best of {@value #WINDOWS} windows splitting {@code seconds}. */
    static double gflops(int threads, double seconds) {
        int iterations = 1 << 18;
        long flopsPerCall = 2L * 12 * S.length() * iterations;
        double best = 0;
        try (var limit = Parallel.limitThreads(threads)) {
            for (int rep = 0; rep < WINDOWS; rep++) {
                long t0 = System.nanoTime(), calls = 0;
                do {
                    Parallel.forRange(threads, 1, (lo, hi) -> {
                        for (int t = lo; t < hi; t++) sink = chains(iterations);
                    });
                    calls += threads;
                } while (System.nanoTime() - t0 < seconds * 1e9 / WINDOWS);
                best = Math.max(best, calls * (double) flopsPerCall / ((System.nanoTime() - t0) * 1e-9) / 1e9);
            }
        }
        return best;
    }

    private static double chains(int n) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b, c8 = b, c9 = b, c10 = b, c11 = b;
        for (int i = 0; i < n; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
