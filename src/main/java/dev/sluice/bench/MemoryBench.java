package dev.sluice.bench;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.UnaryOp;
import dev.sluice.backend.cpu.Parallel;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Memory-bound kernels against the machine's own copy bandwidth, measured in the same run on the same buffers. The
 * figure of merit is effective bandwidth: the bytes a kernel must read and write at least once, divided by its time.
 * Buffers are allocated once and reused, as a training step with a buffer pool does (fresh 64 MiB arrays would
 * measure page faults instead).
 */
public final class MemoryBench {
    /**
     * One measured kernel: {@code bytes} is the compulsory traffic per call; {@code peerGbps} is PyTorch's speed on
     * the same kernel and size in the same run (NaN when it could not be measured).
     */
    public record Row(String kernel, int threads, long elements, long bytes, double seconds, double copyGbps, double peerGbps) {
        public double gbps() { return bytes / seconds / 1e9; }
        public double ratioToCopy() { return gbps() / copyGbps; }
        /** Sluice's speed over the peer's: above 1, Sluice is faster. */
        public double ratioToPeer() { return gbps() / peerGbps; }
        public Row withPeer(double gbps) { return new Row(kernel, threads, elements, bytes, seconds, copyGbps, gbps); }
    }

    private MemoryBench() {}

    /** Runs every kernel on {@code n} floats (rows of {@code cols}) with {@code threads} threads. */
    public static List<Row> run(int n, int cols, int threads, double minSeconds) {
        if (n % cols != 0) throw new IllegalArgumentException("MemoryBench: n=" + n + " is not a multiple of cols=" + cols);
        int rows = n / cols;
        var rnd = new SplittableRandom(7);
        float[] x = random(rnd, n), y = random(rnd, n), out = new float[n], g = random(rnd, n);
        float[] m = new float[n], v = new float[n], p = random(rnd, n);
        float[] rowVec = random(rnd, cols), gamma = random(rnd, cols), beta = random(rnd, cols);
        float[] mean = new float[rows], rstd = new float[rows];
        float[][] dgamma = {new float[cols], new float[cols]}, dbeta = {new float[cols], new float[cols]};
        Float32Kernels k = KernelDispatch.float32();
        int grain = Math.max(1, rows / 64);
        List<Row> result = new ArrayList<>();
        try (var limit = Parallel.limitThreads(threads)) {
            double copy = time(() -> Parallel.forRange(rows, grain, (lo, hi) ->
                    System.arraycopy(x, lo * cols, out, lo * cols, (hi - lo) * cols)), minSeconds);
            double copyGbps = 8.0 * n / copy / 1e9;
            result.add(new Row("copy (roof)", threads, n, 8L * n, copy, copyGbps, Double.NaN));
            result.add(row("add a+b", threads, n, 12L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.binary(BinaryOp.ADD, x, lo * cols, 1, y, lo * cols, 1, out, lo * cols, (hi - lo) * cols))));
            result.add(row("mul by row vector", threads, n, 8L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) -> {
                for (int r = lo; r < hi; r++) k.binary(BinaryOp.MUL, x, r * cols, 1, rowVec, 0, 1, out, r * cols, cols);
            })));
            result.add(row("gelu", threads, n, 8L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.unary(UnaryOp.GELU, x, lo * cols, 1, out, lo * cols, (hi - lo) * cols))));
            result.add(row("softmax rows", threads, n, 8L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.softmaxRows(x, lo * cols, out, lo * cols, hi - lo, cols, false))));
            result.add(row("softmax backward", threads, n, 12L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.softmaxBackwardRows(y, lo * cols, g, lo * cols, out, lo * cols, hi - lo, cols, false))));
            // fused softmax + cross entropy: loss per row and the logits' gradient in one pass (targets and coefficients are
            // one value per row, negligible next to the logits read and the gradient written)
            long[] targets = new long[rows];
            float[] coef = new float[rows], rowLoss = new float[rows];
            for (int r = 0; r < rows; r++) {
                targets[r] = rnd.nextInt(cols);
                coef[r] = 1f / rows;
            }
            result.add(row("cross entropy fwd+bwd", threads, n, 8L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.softmaxCrossEntropyRows(x, lo * cols, targets, lo, coef, lo, 0f, rowLoss, lo, out, lo * cols, hi - lo, cols))));
            result.add(row("layer norm fwd", threads, n, 8L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.layerNormRows(x, lo * cols, gamma, beta, out, lo * cols, mean, rstd, hi - lo, cols, 1e-5f))));
            // per-thread dgamma/dbeta partials, as the backend does; rows split in two halves at most.
            // layerNormBackwardRows reads mean/rstd from index 0, so each half gets its own copy (made before timing)
            float[][] meanHalf = {mean, java.util.Arrays.copyOfRange(mean, rows / 2, rows)};
            float[][] rstdHalf = {rstd, java.util.Arrays.copyOfRange(rstd, rows / 2, rows)};
            result.add(row("layer norm bwd", threads, n, 12L * n, copyGbps, minSeconds, () -> Parallel.forRange(2, 1, (lo, hi) -> {
                for (int h = lo; h < hi; h++) {
                    int r0 = h * rows / 2, r1 = (h + 1) * rows / 2;
                    k.layerNormBackwardRows(g, r0 * cols, x, r0 * cols, meanHalf[h], rstdHalf[h], gamma,
                            out, r0 * cols, dgamma[h], dbeta[h], r1 - r0, cols);
                }
            })));
            result.add(row("adamw update", threads, n, 28L * n, copyGbps, minSeconds, () -> Parallel.forRange(rows, grain, (lo, hi) ->
                    k.adamw(p, lo * cols, g, lo * cols, m, lo * cols, v, lo * cols, (hi - lo) * cols,
                            1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.1f, 0.001f))));
        }
        return result;
    }

    private static Row row(String name, int threads, long n, long bytes, double copyGbps, double minSeconds, Runnable r) {
        return new Row(name, threads, n, bytes, time(r, minSeconds), copyGbps, Double.NaN);
    }

    private static double time(Runnable r, double minSeconds) {
        return Stopwatch.medians(r, null, 2, 5, minSeconds)[0];
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
