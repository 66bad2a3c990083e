package dev.sluice.bench;

import dev.sluice.backend.cpu.Parallel;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SGEMM side by side: Sluice's float32 GEMM kernel and OpenBLAS's {@code cblas_sgemm} on the same arrays, for every
 * layout forward and backward passes use. Each case also reports the largest difference between the two results, so
 * a fast-but-wrong kernel cannot hide in the table.
 */
public final class GemmBench {
    /** A·B, Aᵀ·B (weight gradients) and A·Bᵀ (input gradients, x·Wᵀ). */
    public enum Layout { NN, TN, NT }

    /** One product C[m×n] = op(A)·op(B) with inner dimension k, repeated over {@code batch} independent matrices. */
    public record Case(String name, Layout layout, int m, int n, int k, int batch) {
        double flops() { return 2.0 * m * n * k * batch; }
    }

    /** One measured case. {@code peerSeconds} is NaN when the peer is missing. */
    public record Row(Case c, int threads, double sluiceSeconds, double peerSeconds, double maxRelDiff) {
        public double sluiceGflops() { return c.flops() / sluiceSeconds / 1e9; }
        public double peerGflops() { return c.flops() / peerSeconds / 1e9; }
        public double ratio() { return peerSeconds / sluiceSeconds; }
    }

    private GemmBench() {}

    /**
     * The shapes: square 256…2048 in all layouts, the large fc shapes forward and backward, the training
     * steps' own shapes, attention.
     */
    public static List<Case> standardCases(boolean quick) {
        List<Case> cases = new ArrayList<>();
        int[] squares = quick ? new int[] {256, 512} : new int[] {256, 512, 1024, 2048};
        for (int s : squares) for (Layout l : Layout.values()) cases.add(new Case("square " + s, l, s, s, s, 1));
        if (!quick) {
            // forward 4096×512 · 512×2048, then its two backward products; same for the 2048→512 layer
            cases.add(new Case("fc 512→2048 fwd", Layout.NN, 4096, 2048, 512, 1));
            cases.add(new Case("fc 512→2048 dX", Layout.NT, 4096, 512, 2048, 1));
            cases.add(new Case("fc 512→2048 dW", Layout.TN, 512, 2048, 4096, 1));
            cases.add(new Case("fc 2048→512 fwd", Layout.NN, 4096, 512, 2048, 1));
            cases.add(new Case("fc 2048→512 dX", Layout.NT, 4096, 2048, 512, 1));
            cases.add(new Case("fc 2048→512 dW", Layout.TN, 2048, 512, 4096, 1));
        }
        // training-step shapes: GPT (batch 32 × seq 64 = 2048 tokens, d_model 128) qkv projection 128→384 and
        // MLP 128→512; Fashion-MNIST MLP 784→512 and 512→512 at batch 128 (and 784→512 at 256); each forward (NN),
        // input gradient (NT) and weight gradient (TN)
        int[][] train = {{2048, 128, 384}, {2048, 128, 512}, {128, 784, 512}, {128, 512, 512}, {256, 784, 512}};
        String[] trainNames = {"train gpt qkv", "train gpt mlp", "train mlp 784", "train mlp 512", "train mlp 784b"};
        for (int t = 0; t < train.length; t++) {
            int rows = train[t][0], in = train[t][1], out = train[t][2];
            cases.add(new Case(trainNames[t] + " fwd", Layout.NN, rows, out, in, 1));
            cases.add(new Case(trainNames[t] + " dX", Layout.NT, rows, in, out, 1));
            cases.add(new Case(trainNames[t] + " dW", Layout.TN, in, out, rows, 1));
        }
        // attention scores per head: (64×32)·(32×64) for 32 sequences × 4 heads
        cases.add(new Case("attn QKᵀ 128×", Layout.NT, 64, 64, 32, 128));
        cases.add(new Case("attn PV 128×", Layout.NN, 64, 32, 64, 128));
        return cases;
    }

    /**
     * This machine's float32 FMA roof for {@code threads} threads at the vector kernels' width (see {@link FmaRoof}),
     * or NaN where the vector kernels are not in use.
     */
    public static double fmaRoofGflops(int threads, double seconds) {
        if (!KernelDispatch.float32().name().startsWith("vector")) return Double.NaN;
        return FmaRoof.gflops(threads, seconds);
    }

    /** Measures one case with {@code threads} threads for both Sluice and the peer (null peer: Sluice only). */
    public static Row measure(Case c, int threads, OpenBlas peer, double minSeconds) {
        var rnd = new SplittableRandom(c.m() * 31L + c.n() * 17L + c.k());
        int aLen = c.m() * c.k(), bLen = c.k() * c.n(), cLen = c.m() * c.n();
        float[] a = random(rnd, aLen * c.batch()), b = random(rnd, bLen * c.batch());
        float[] cs = new float[cLen * c.batch()], cp = new float[cLen * c.batch()];
        Float32Kernels k = KernelDispatch.float32();
        boolean ta = c.layout() == Layout.TN, tb = c.layout() == Layout.NT;
        // strides of op(A) (m×k) and op(B) (k×n) as the kernel sees them
        int aRs = ta ? 1 : c.k(), aCs = ta ? c.m() : 1, bRs = tb ? 1 : c.n(), bCs = tb ? c.k() : 1;
        int lda = ta ? c.m() : c.k(), ldb = tb ? c.k() : c.n();
        // batches are shared out as CpuMatmul does for attention
        Runnable sluice = () -> Parallel.forClaimed(c.batch(), Math.max(1, c.batch() / (8 * Parallel.threads())), (lo, hi) -> {
            for (int q = lo; q < hi; q++) {
                k.gemm(c.m(), c.n(), c.k(), a, q * aLen, aRs, aCs, b, q * bLen, bRs, bCs, cs, q * cLen, c.n(), false);
            }
        });
        Runnable blas = peer == null ? null : () -> {
            for (int q = 0; q < c.batch(); q++) {
                peer.sgemmAt(ta, tb, c.m(), c.n(), c.k(), a, q * aLen, lda, b, q * bLen, ldb, cp, q * cLen, c.n());
            }
        };
        double[] t;
        try (var limit = Parallel.limitThreads(threads)) {
            if (peer != null) peer.setThreads(threads);
            t = Stopwatch.medians(sluice, blas, 2, 5, minSeconds);
        }
        return new Row(c, threads, t[0], t[1], peer == null ? Double.NaN : maxRelDiff(cs, cp));
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    /** Largest |x − y| relative to the largest |y|: the two kernels sum in different orders, so expect ~1e-6. */
    private static double maxRelDiff(float[] x, float[] y) {
        double maxDiff = 0, maxAbs = 1e-30;
        for (int i = 0; i < x.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
            maxAbs = Math.max(maxAbs, Math.abs(y[i]));
        }
        return maxDiff / maxAbs;
    }
}
