package dev.sluice.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one body per rank, each on its own thread, and collects what each returned or threw. */
final class Ranks {
    private Ranks() {}

    @FunctionalInterface
    interface Body<T> {
        T run(int rank) throws Exception;
    }

    /** A rank's outcome: its value, or the exception it threw. */
    record Outcome<T>(T value, Throwable error) {
        T get() {
            if (error != null) throw new AssertionError("rank failed: " + error, error);
            return value;
        }
    }

    /** Runs {@code body} on ranks 0..n-1 at once; fails the test if any rank is still running after 20 s (a hang). */
    static <T> List<Outcome<T>> run(int n, Body<T> body) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> body.run(rank)));
            }
            List<Outcome<T>> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(new Outcome<>(f.get(20, TimeUnit.SECONDS), null));
                } catch (ExecutionException e) {
                    out.add(new Outcome<>(null, e.getCause()));
                } catch (TimeoutException e) {
                    throw new AssertionError("a rank hung for 20 s", e);
                }
            }
            return out;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** All ranks' values; fails if any rank threw. */
    static <T> List<T> values(int n, Body<T> body) {
        return run(n, body).stream().map(Outcome::get).toList();
    }

    /** Floats whose magnitudes span six decades, so that the order of additions shows in the bits. */
    static float[] spread(SplittableRandom rng, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) a[i] = (float) ((rng.nextDouble() * 2 - 1) * Math.pow(10, rng.nextDouble() * 6 - 3));
        return a;
    }

    /** The element-wise sum added in rank order, ((a0 + a1) + a2) + ... */
    static float[] rankOrderSum(float[][] arrays) {
        float[] sum = arrays[0].clone();
        for (int r = 1; r < arrays.length; r++) {
            for (int i = 0; i < sum.length; i++) sum[i] = sum[i] + arrays[r][i];
        }
        return sum;
    }
}
