package dev.sluice.bench;

import dev.sluice.distributed.AllReduce;
import dev.sluice.distributed.DistributedTrainer;
import dev.sluice.distributed.LocalAllReduce;
import dev.sluice.distributed.RingAllReduce;
import dev.sluice.distributed.ShardLoss;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Data-parallel scaling on one machine ({@code ./sluice bench distributed}): N ranks, each a thread of this JVM with
 * its own replica of an MLP, train with {@link DistributedTrainer} over {@link LocalAllReduce} (shared memory) or
 * {@link RingAllReduce} (loopback TCP). Per row: the median time of a whole step (forward, backward, all-reduce,
 * AdamW) with the ranks in lockstep, the time spent inside the step's all-reduce, the time of the all-reduce alone on
 * a buffer of the step's length with the ranks otherwise idle, and for the ring the bytes every rank sent per call,
 * counted by the transport, against the textbook 2(N−1)/N·4·length.
 *
 * <p>The model is {@code MLP 256-w-w-10} (ReLU, cross-entropy, AdamW) with w chosen so that the parameter count is
 * the one asked for; every rank trains on its own fixed batch of {@code batchPerRank} examples (weak scaling: the
 * global batch grows with N, as in data-parallel training).
 */
public final class DistributedBench {
    /** Input features and classes of the benchmark's MLP. */
    public static final int INPUTS = 256, CLASSES = 10;
    /**
     * Heap a row needs per parameter and rank, with headroom: weights 4, gradients 4, AdamW's two moments 8, the
     * all-reduced buffer 4, the next step's unpacked gradients 4 while the old ones are garbage, and the state
     * broadcast at start-up (weights and moments, 12) while the replica exists. Measured: at most 25 B live after a
     * GC (G1's log, 10M parameters on 4 ranks); 36 leaves G1 room to work.
     */
    public static final long HEAP_BYTES_PER_PARAMETER_AND_RANK = 36;

    /** A transport: how ranks exchange the gradients. */
    public enum Transport {
        /** {@link LocalAllReduce}: threads summing slices of each other's arrays in shared memory. */
        LOCAL("local"),
        /** {@link RingAllReduce#loopback}: a TCP ring over 127.0.0.1, one thread per rank. */
        RING("ring");

        private final String label;

        Transport(String label) { this.label = label; }

        /** The name used on the command line and in the JSON. */
        public String label() { return label; }

        /** The transport named {@code s} (local or ring). */
        public static Transport parse(String s) {
            for (Transport t : values()) if (t.label.equals(s)) return t;
            throw new IllegalArgumentException("unknown transport '" + s + "'; available: local, ring");
        }
    }

    /**
     * A model size: the MLP {@code 256-width-width-10}.
     *
     * @param label what was asked for ("1M", "10M", "50M", or a count)
     * @param width the two hidden layers' width
     */
    public record ModelSize(String label, int width) {
        /** The layer sizes. */
        public int[] layers() { return new int[] {INPUTS, width, width, CLASSES}; }

        /** Parameters: w² + (256 + 1 + 1 + 10)·w + 10. */
        public long parameters() {
            return (long) INPUTS * width + width + (long) width * width + width + (long) width * CLASSES + CLASSES;
        }

        /** Parameter tensors (a weight and a bias per layer). */
        public int tensors() { return 6; }

        /**
         * Floats one step all-reduces: every gradient, a has-gradient flag per parameter tensor, the units and the
         * loss (the layout of {@code DistributedTrainer}'s buffer, which the bench checks against the transport's
         * counted bytes).
         */
        public int allReduceFloats() { return Math.toIntExact(parameters() + tensors() + 2); }

        /** The size closest to {@code spec} parameters: "1M", "10M", "50M", "250k" or a plain count, 1k to 500M. */
        public static ModelSize parse(String spec) {
            String s = spec.trim();
            double scale = 1;
            if (s.endsWith("M") || s.endsWith("m")) scale = 1e6;
            else if (s.endsWith("k") || s.endsWith("K")) scale = 1e3;
            String digits = scale == 1 ? s : s.substring(0, s.length() - 1);
            double target;
            try {
                target = Double.parseDouble(digits) * scale;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("model size '" + spec + "' is not a parameter count such as 1M, 10M, 50M or 250k");
            }
            if (!(target >= 1e3 && target <= 5e8)) {
                throw new IllegalArgumentException("model size '" + spec + "' must be 1k to 500M parameters");
            }
            double b = INPUTS + 1 + 1 + CLASSES;
            int width = Math.max(1, (int) Math.round((-b + Math.sqrt(b * b + 4 * (target - CLASSES))) / 2));
            return new ModelSize(s, width);
        }
    }

    /**
     * How long to measure: per row, warm-up steps until both counts are reached, then timed steps and timed
     * all-reduce calls until both counts are reached.
     */
    public record Settings(int batchPerRank, int warmupSteps, double warmupSeconds, int minSteps, int minCalls,
                           double minSeconds) {}

    /**
     * One measured row. Times in seconds (medians over steps or calls); {@code stepBytes}/{@code callBytes}: bytes each
     * rank sent per step (whole step) and per all-reduce call alone, headers included, null for the local transport;
     * {@code stepPayloadBytes}: the same without the 36-byte headers. {@code skipped} is the reason a row was not
     * measured (then the numbers are NaN or null).
     */
    public record Row(Transport transport, int workers, ModelSize size, int batchPerRank, int steps, int calls,
                      double stepSeconds, double stepBestSeconds, double inStepAllReduceSeconds,
                      double allReduceSeconds, double allReduceBestSeconds, long[] stepBytes, long[] stepPayloadBytes,
                      long[] callBytes, String skipped) {
        /** The textbook ring's bytes per rank per all-reduce: 2(N−1)/N · 4 · length. */
        public double theoreticalBytes() { return 2.0 * (workers - 1) / workers * 4.0 * size.allReduceFloats(); }

        /** Mean over the ranks of the bytes sent per step, or NaN for the local transport. */
        public double meanStepBytes() { return stepBytes == null ? Double.NaN : Arrays.stream(stepBytes).average().orElse(0); }

        /** Largest per-rank bytes sent per step, or NaN for the local transport. */
        public double maxStepBytes() { return stepBytes == null ? Double.NaN : Arrays.stream(stepBytes).max().orElse(0); }

        /** Algorithm bandwidth of the all-reduce alone: 4·length / time, in GB/s. */
        public double algorithmGBps() { return 4.0 * size.allReduceFloats() / allReduceSeconds / 1e9; }

        /**
         * "Bus" bandwidth of the all-reduce alone, as NCCL reports it: the textbook ring's bytes per rank,
         * 2(N−1)/N · 4 · length, over the time (the link speed a textbook ring would need to match it); NaN for N=1.
         */
        public double busGBps() { return workers == 1 ? Double.NaN : theoreticalBytes() / allReduceSeconds / 1e9; }
    }

    private DistributedBench() {}

    /**
     * Estimated heap one row needs: {@link #HEAP_BYTES_PER_PARAMETER_AND_RANK} per parameter and rank, plus the local
     * transport's shared sum buffer.
     */
    public static long heapNeeded(ModelSize size, int workers) {
        return HEAP_BYTES_PER_PARAMETER_AND_RANK * size.parameters() * workers + 4L * size.allReduceFloats() + (64L << 20);
    }

    /**
     * Heap available now: the maximum heap less what is live after a GC.
     */
    public static long heapAvailable() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Measures one row, or returns it skipped with the reason (too little heap, or an OutOfMemoryError). */
    public static Row measure(Transport transport, int workers, ModelSize size, Settings s) {
        long need = heapNeeded(size, workers), have = heapAvailable();
        if (need > have) {
            return skipped(transport, workers, size, s, String.format(Locale.ROOT, "needs about %.1f GiB of heap (%d B "
                    + "per parameter and rank), %.1f GiB available of a max heap of %.1f GiB: run with "
                    + "SLUICE_JAVA_OPTS=-Xmx%dg", need / 1073741824.0, HEAP_BYTES_PER_PARAMETER_AND_RANK,
                    have / 1073741824.0, Runtime.getRuntime().maxMemory() / 1073741824.0,
                    (long) Math.ceil((need + (Runtime.getRuntime().maxMemory() - have)) * 1.1 / 1073741824.0)));
        }
        List<? extends AllReduce> comms;
        try {
            comms = transport == Transport.LOCAL ? LocalAllReduce.create(workers, Duration.ofMinutes(5))
                    : RingAllReduce.loopback(workers, Duration.ofMinutes(5));
        } catch (IOException e) {
            throw new UncheckedIOException("could not build a loopback ring of " + workers + " ranks", e);
        }
        Lockstep calls = new Lockstep(workers, s.minCalls(), s.minSeconds());
        Lockstep warm = new Lockstep(workers, s.warmupSteps(), s.warmupSeconds());
        Lockstep steps = new Lockstep(workers, s.minSteps(), s.minSeconds());
        double[] inStep = new double[workers];
        List<Double> inStepPerStep = new ArrayList<>();   // per step: the mean over the ranks
        steps.onStep = () -> inStepPerStep.add(Arrays.stream(inStep).average().orElse(0));
        long[] stepBytes = new long[workers], stepPayload = new long[workers], callBytes = new long[workers];
        try (ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("bench-rank-", 0).factory())) {
            List<Future<?>> ranks = new ArrayList<>();
            for (int r = 0; r < workers; r++) {
                AllReduce comm = comms.get(r);
                int rank = r;
                ranks.add(pool.submit(() -> {
                    try {
                        rank(comm, rank, size, s, calls, warm, steps, inStep, stepBytes, stepPayload, callBytes);
                    } catch (Throwable t) {
                        calls.abort();
                        warm.abort();
                        steps.abort();
                        comm.close();
                        throw t;
                    }
                    return null;
                }));
            }
            Throwable failure = null;
            for (Future<?> f : ranks) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null || failure instanceof BrokenBarrierException) failure = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = e;
                }
            }
            if (failure instanceof OutOfMemoryError oom) {
                return skipped(transport, workers, size, s, "ran out of heap (" + oom.getMessage() + "): raise -Xmx "
                        + "through SLUICE_JAVA_OPTS");
            }
            if (failure != null) throw new IllegalStateException("bench distributed: " + transport.label() + ", "
                    + workers + " ranks, " + size.label() + ": " + failure, failure);
        } finally {
            comms.forEach(AllReduce::close);
        }
        boolean ring = transport == Transport.RING;
        double[] inStepMedian = inStepPerStep.stream().mapToDouble(Double::doubleValue).toArray();
        return new Row(transport, workers, size, s.batchPerRank(), steps.count(), calls.count(), steps.median(),
                steps.best(), median(inStepMedian), calls.median(), calls.best(), ring ? stepBytes : null,
                ring ? stepPayload : null, ring ? callBytes : null, null);
    }

    private static Row skipped(Transport transport, int workers, ModelSize size, Settings s, String why) {
        return new Row(transport, workers, size, s.batchPerRank(), 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, null, null, null, why);
    }

    /** One rank's part: the all-reduce alone (its buffer then dropped), then the trainer's warm-up and timed steps. */
    private static void rank(AllReduce comm, int rank, ModelSize size, Settings s, Lockstep calls, Lockstep warm,
                             Lockstep steps, double[] inStep, long[] stepBytes, long[] stepPayload, long[] callBytes)
            throws Exception {
        RingAllReduce ring = comm instanceof RingAllReduce rr ? rr : null;
        {
            float[] buf = new float[size.allReduceFloats()];
            Arrays.fill(buf, 1f / 1024);
            comm.sumInPlace(buf);           // the first call outside the timing: connections and code warm up
            long before = ring == null ? 0 : ring.bytesSent();
            do {
                calls.begin();
                comm.sumInPlace(buf);
            } while (calls.end());
            if (ring != null) callBytes[rank] = exactPerCall(ring.bytesSent() - before, calls.count(), "all-reduce");
        }
        TimedAllReduce timed = new TimedAllReduce(comm);
        MLP model = new MLP(size.layers(), Activation.RELU, new Generator(rank));
        Generator data = new Generator(1000 + rank);
        Tensor x = Tensor.randn(data, DType.FLOAT32, s.batchPerRank(), INPUTS);
        Tensor y = Tensor.randint(data, 0, CLASSES, s.batchPerRank());
        DistributedTrainer<MLP, Tensor> trainer = DistributedTrainer.<MLP, Tensor>builder(model, timed,
                        (m, shard) -> ShardLoss.mean(Losses.crossEntropy(m.forward(shard), y), s.batchPerRank()))
                .optimizer(params -> new AdamW(params, 1e-3))
                .build();
        do {
            warm.begin();
            trainer.step(x);
        } while (warm.end());
        long before = ring == null ? 0 : ring.bytesSent(), beforePayload = ring == null ? 0 : ring.payloadBytesSent();
        do {
            steps.begin();
            timed.seconds = 0;
            trainer.step(x);
            inStep[rank] = timed.seconds;
        } while (steps.end());
        if (ring != null) {
            stepBytes[rank] = exactPerCall(ring.bytesSent() - before, steps.count(), "step");
            stepPayload[rank] = exactPerCall(ring.payloadBytesSent() - beforePayload, steps.count(), "step");
        }
    }

    private static long exactPerCall(long bytes, int calls, String what) {
        if (bytes % calls != 0) {
            throw new IllegalStateException("the ring sent " + bytes + " bytes in " + calls + " " + what
                    + " calls: not the same number every call");
        }
        return bytes / calls;
    }

    /** Measures the time this rank spends inside {@code sumInPlace} (waiting for slower ranks included). */
    private static final class TimedAllReduce implements AllReduce {
        private final AllReduce inner;
        double seconds;

        TimedAllReduce(AllReduce inner) { this.inner = inner; }

        @Override
        public int rank() { return inner.rank(); }

        @Override
        public int worldSize() { return inner.worldSize(); }

        @Override
        public void sumInPlace(float[] data) {
            long t0 = System.nanoTime();
            inner.sumInPlace(data);
            seconds += (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void broadcast(float[] data, int root) { inner.broadcast(data, root); }

        @Override
        public void close() { inner.close(); }
    }

    /**
     * Ranks in lockstep: every call starts when all ranks have arrived ({@link #begin}) and is timed until the last
     * rank has finished it ({@link #end}); the last to arrive decides for all whether another call follows (at least
     * {@code minCalls} and {@code minSeconds} in all).
     */
    static final class Lockstep {
        private final CyclicBarrier start, finish;
        private final int minCalls;
        private final double minSeconds;
        private final List<Double> seconds = new ArrayList<>();
        private long t0;
        private double total;
        private volatile boolean more, aborted;
        Runnable onStep = () -> {};

        Lockstep(int parties, int minCalls, double minSeconds) {
            this.minCalls = minCalls;
            this.minSeconds = minSeconds;
            this.start = new CyclicBarrier(parties, () -> t0 = System.nanoTime());
            this.finish = new CyclicBarrier(parties, () -> {
                double dt = (System.nanoTime() - t0) / 1e9;
                seconds.add(dt);
                total += dt;
                onStep.run();
                more = seconds.size() < minCalls || (total < minSeconds && seconds.size() < 10_000);
            });
        }

        void begin() throws Exception { await(start); }

        /** True if another call follows. */
        boolean end() throws Exception {
            await(finish);
            return more;
        }

        private void await(CyclicBarrier b) throws Exception {
            if (aborted) throw new BrokenBarrierException();
            try {
                b.await(10, TimeUnit.MINUTES);
            } catch (TimeoutException e) {
                throw new IllegalStateException("a rank did not arrive within 10 minutes", e);
            }
        }

        void abort() {
            aborted = true;
            start.reset();
            finish.reset();
        }

        int count() { return seconds.size(); }

        double median() { return DistributedBench.median(seconds.stream().mapToDouble(Double::doubleValue).toArray()); }

        double best() { return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN); }
    }

    static double median(double[] xs) {
        if (xs.length == 0) return Double.NaN;
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
