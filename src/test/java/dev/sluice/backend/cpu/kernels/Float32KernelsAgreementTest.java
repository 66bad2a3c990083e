package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.Epilogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.UnaryOp;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels must agree with the scalar reference on awkward sizes (empty, 1, primes, non-multiples of the
 * vector length), offsets, strides and special values. Exact where both sides round one float operation the same
 * way (relu, max, +, ×, comparisons); otherwise within a relative tolerance scaled to the magnitudes involved
 * (sums are accumulated in a different order and precision).
 */
class Float32KernelsAgreementTest {
    private static final int[] SIZES = {0, 1, 2, 7, 13, 15, 16, 17, 31, 33, 97, 257, 1000};
    private static final Float32Kernels REF = new ScalarFloat32Kernels();
    private static Float32Kernels vec;

    @BeforeAll
    static void loadVectorKernels() {
        vec = KernelDispatch.select("vector", msg -> { });
        assumeTrue(vec.name().startsWith("vector"), "vector kernels unavailable in this JVM");
    }

    // ---- helpers ----

    private static float[] random(SplittableRandom rnd, int len, double lo, double hi) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rnd.nextDouble(lo, hi);
        return x;
    }

    /** |expected − actual| ≤ atol + rtol·|expected| elementwise; NaN matches NaN and infinities must match exactly. */
    private static void assertClose(String what, float[] expected, float[] actual, double rtol, double atol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                assertTrue(Float.isNaN(e) && Float.isNaN(a), what + " at " + i + ": expected " + e + " got " + a);
                continue;
            }
            if (e == a) continue;
            assertTrue(Math.abs(e - a) <= atol + rtol * Math.abs(e),
                    what + " at " + i + ": expected " + e + " got " + a);
        }
    }

    private static double[] unaryRange(UnaryOp op) {
        return switch (op) {
            case LOG, SQRT, RSQRT -> new double[] {0.01, 20};
            case RECIPROCAL -> new double[] {0.05, 5};
            case EXP -> new double[] {-30, 30};
            default -> new double[] {-9, 9};
        };
    }

    private static final EnumSet<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU,
            UnaryOp.SQUARE, UnaryOp.SQRT, UnaryOp.RECIPROCAL);

    // ---- elementwise ----

    @Test
    void unaryAgreesOnAllOpsSizesAndOffsets() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (UnaryOp op : UnaryOp.values()) {
            double[] r = unaryRange(op);
            boolean exact = EXACT_UNARY.contains(op);
            for (int n : SIZES) {
                float[] x = random(rnd, n + 3, r[0], r[1]);
                float[] o1 = new float[n + 5], o2 = new float[n + 5];
                REF.unary(op, x, 3, 1, o1, 5, n);
                vec.unary(op, x, 3, 1, o2, 5, n);
                assertClose(op + " n=" + n, o1, o2, exact ? 0 : 1e-5, exact ? 0 : 1e-6);
                // strided and broadcast inputs take the fallback path, which must still be right
                for (int stride : new int[] {0, 2}) {
                    float[] s1 = new float[n], s2 = new float[n];
                    float[] xs = random(rnd, 2 * n + 1, r[0], r[1]);
                    REF.unary(op, xs, 1, stride, s1, 0, n);
                    vec.unary(op, xs, 1, stride, s2, 0, n);
                    assertClose(op + " stride " + stride, s1, s2, exact ? 0 : 1e-5, exact ? 0 : 1e-6);
                }
            }
        }
    }

    @Test
    void unaryHandlesSpecialValuesLikeTheReference() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f, 88f, -88f,
                100f, -100f, 1f, -1f, 3f, -3f, 5e-3f, -5e-3f, 6f};
        for (UnaryOp op : UnaryOp.values()) {
            float[] o1 = new float[x.length], o2 = new float[x.length];
            REF.unary(op, x, 0, 1, o1, 0, x.length);
            vec.unary(op, x, 0, 1, o2, 0, x.length);
            assertClose(op + " specials", o1, o2, EXACT_UNARY.contains(op) ? 0 : 1e-5, 1e-6);
        }
    }

    @Test
    void unaryBackwardAgrees() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (UnaryOp op : UnaryOp.values()) {
            double[] r = unaryRange(op);
            boolean exact = op == UnaryOp.RELU || op == UnaryOp.NEG || op == UnaryOp.ABS;
            for (int n : SIZES) {
                float[] x = random(rnd, n + 2, r[0], r[1]);
                float[] y = new float[n + 4];
                REF.unary(op, x, 2, 1, y, 4, n);
                float[] g = random(rnd, n + 1, -2, 2);
                float[] o1 = new float[n + 3], o2 = new float[n + 3];
                REF.unaryBackward(op, x, 2, y, 4, g, 1, o1, 3, n);
                vec.unaryBackward(op, x, 2, y, 4, g, 1, o2, 3, n);
                // derivatives like gelu' and rsqrt' combine several rounded terms: allow a little more
                assertClose(op + "' n=" + n, o1, o2, exact ? 0 : 3e-5, exact ? 0 : 2e-6);
            }
        }
    }

    @Test
    void unaryBackwardHandlesSpecialValuesLikeTheReference() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f, 3f, -3f, 0.5f};
        float[] g = {1f, -2f, 0.5f, Float.NaN, 3f, 1f, -1f, 2f, 0f, 1.5f};
        for (UnaryOp op : UnaryOp.values()) {
            float[] y = new float[x.length];
            REF.unary(op, x, 0, 1, y, 0, x.length);
            float[] o1 = new float[x.length], o2 = new float[x.length];
            REF.unaryBackward(op, x, 0, y, 0, g, 0, o1, 0, x.length);
            vec.unaryBackward(op, x, 0, y, 0, g, 0, o2, 0, x.length);
            assertClose(op + "' specials", o1, o2, 3e-5, 2e-6);
        }
    }

    @Test
    void reluKeepsNaNInEveryKernel() {
        // PyTorch: torch.relu(torch.tensor(float('nan'))) is nan (relu is clamp_min(x, 0), which propagates NaN), so
        // anomaly mode can see it; -0 becomes +0; the gradient at NaN is passed through (threshold_backward: x <= 0 ? 0 : g)
        float[] x = {Float.NaN, -1f, -0f, 0f, 2f, Float.NaN, -3f, Float.NaN, 5f, -0.5f, 1f, Float.NaN, 7f, -7f, 0f, 1e-30f, Float.NaN};
        for (Float32Kernels k : new Float32Kernels[] {REF, vec}) {
            float[] out = new float[x.length], grad = new float[x.length], g = new float[x.length];
            java.util.Arrays.fill(g, 2f);
            k.unary(UnaryOp.RELU, x, 0, 1, out, 0, x.length);
            k.unaryBackward(UnaryOp.RELU, x, 0, out, 0, g, 0, grad, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                float want = Float.isNaN(x[i]) ? Float.NaN : x[i] > 0 ? x[i] : 0f;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i]), k.name() + " relu at " + i);
                assertEquals(Float.isNaN(x[i]) || x[i] > 0 ? 2f : 0f, grad[i], k.name() + " relu' at " + i);
            }
            float[] strided = new float[x.length];
            k.unary(UnaryOp.RELU, new float[] {Float.NaN}, 0, 0, strided, 0, x.length);
            for (float v : strided) assertTrue(Float.isNaN(v), k.name() + " broadcast relu(NaN)");
        }
        // the GEMM's fused ReLU too, on the small, blocked and shared paths, edge tiles included: a NaN in row 1 of A
        // makes row 1 of C NaN
        for (int[] s : new int[][] {{3, 5, 4}, {2 * VectorGemm.MR + 1, VectorGemm.NR + 3, 37}, {150, 1100, 300}}) {
            int m = s[0], n = s[1], kk = s[2];
            SplittableRandom rnd = new SplittableRandom(41);
            float[] a = random(rnd, m * kk, -1, 1), b = random(rnd, kk * n, -1, 1);
            a[kk + 2] = Float.NaN;
            for (Float32Kernels k : new Float32Kernels[] {REF, vec}) {
                float[] c = new float[m * n];
                k.gemm(m, n, kk, a, 0, kk, 1, b, 0, n, 1, c, 0, n, false, Epilogue.RELU);
                for (int j = 0; j < n; j++) assertTrue(Float.isNaN(c[n + j]), k.name() + " gemm+relu " + m + "×" + n + " at (1, " + j + ")");
                for (int j = 0; j < n; j++) assertFalse(Float.isNaN(c[j]), k.name() + " gemm+relu row 0");
            }
        }
        // and k = 0 (C is the bias, ReLU'd by the scalar path)
        for (Float32Kernels k : new Float32Kernels[] {REF, vec}) {
            float[] c = {Float.NaN, -1f, 2f};
            k.gemm(1, 3, 0, new float[1], 0, 0, 1, new float[1], 0, 3, 1, c, 0, 3, true, Epilogue.RELU);
            assertTrue(Float.isNaN(c[0]), k.name() + " gemm+relu with k = 0");
            assertEquals(0f, c[1]);
        }
    }

    @Test
    void binaryAgreesForEveryStrideCombination() {
        SplittableRandom rnd = new SplittableRandom(13);
        int[][] strides = {{1, 1}, {0, 1}, {1, 0}, {0, 0}, {2, 1}, {1, 3}};
        for (BinaryOp op : BinaryOp.values()) {
            boolean exact = op != BinaryOp.POW;
            for (int n : SIZES) {
                for (int[] st : strides) {
                    int len = 3 * n + 4;
                    float[] a = op == BinaryOp.POW ? random(rnd, len, 0.1, 4) : random(rnd, len, -4, 4);
                    float[] b = op == BinaryOp.POW ? random(rnd, len, -3, 3) : random(rnd, len, -4, 4);
                    // equal pairs, zeros and NaNs exercise comparisons, logic ops and NaN propagation
                    for (int i = 0; i < len; i += 5) b[i] = a[i];
                    for (int i = 2; i < len; i += 9) a[i] = 0f;
                    if (op != BinaryOp.POW) for (int i = 3; i < len; i += 11) (i % 2 == 0 ? a : b)[i] = Float.NaN;
                    float[] o1 = new float[n + 2], o2 = new float[n + 2];
                    REF.binary(op, a, 1, st[0], b, 2, st[1], o1, 2, n);
                    vec.binary(op, a, 1, st[0], b, 2, st[1], o2, 2, n);
                    assertClose(op + " n=" + n + " strides " + st[0] + "," + st[1], o1, o2, exact ? 0 : 1e-5, exact ? 0 : 1e-6);
                }
            }
        }
    }

    // ---- reductions ----

    @Test
    void reduceAgreesAndEmptyGivesIdentity() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (ReduceOp op : ReduceOp.values()) {
            for (int n : SIZES) {
                float[] x = random(rnd, n + 3, -10, 10);
                float e = REF.reduce(op, x, 3, n), a = vec.reduce(op, x, 3, n);
                double scale = 0;
                for (int i = 0; i < n; i++) scale += Math.abs(x[3 + i]);
                if (op == ReduceOp.SUM) assertEquals(e, a, 1e-5 * scale + 1e-6, op + " n=" + n);
                else assertEquals(e, a, 0f, op + " n=" + n);
            }
            assertEquals((float) op.identity, vec.reduce(op, new float[4], 2, 0), op + " of nothing");
        }
    }

    @Test
    void reductionsPropagateNaNWherever() {
        for (ReduceOp op : ReduceOp.values()) {
            for (int n : new int[] {1, 2, 7, 16, 17, 97}) {
                for (int at : new int[] {0, n / 2, n - 1}) {
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) x[i] = i - n / 3f;
                    x[at] = Float.NaN;
                    assertTrue(Float.isNaN(REF.reduce(op, x, 0, n)), "reference " + op);
                    assertTrue(Float.isNaN(vec.reduce(op, x, 0, n)), op + " n=" + n + " NaN at " + at);
                    float[] acc1 = new float[n + 1], acc2 = new float[n + 1];
                    for (int i = 0; i <= n; i++) acc1[i] = acc2[i] = (float) Math.sin(i);
                    acc1[n] = acc2[n] = Float.NaN; // NaN already in the accumulator must stay
                    REF.reduceInto(op, x, 0, acc1, 1, n);
                    vec.reduceInto(op, x, 0, acc2, 1, n);
                    assertClose(op + " into, NaN at " + at, acc1, acc2, 0, 0);
                }
            }
        }
    }

    @Test
    void reduceIntoAgrees() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (ReduceOp op : ReduceOp.values()) {
            for (int n : SIZES) {
                float[] x = random(rnd, n + 1, -5, 5);
                float[] acc1 = random(rnd, n + 2, -5, 5), acc2 = acc1.clone();
                REF.reduceInto(op, x, 1, acc1, 2 % (n + 2), n);
                vec.reduceInto(op, x, 1, acc2, 2 % (n + 2), n);
                assertClose(op + " into n=" + n, acc1, acc2, 0, 0);
            }
        }
    }

    // ---- gemm ----

    private enum Layout { NN, TN, NT, TT }

    @Test
    void gemmAgreesOnAwkwardShapesLayoutsAndAccumulate() {
        int[][] shapes = {{1, 1, 1}, {1, 513, 3}, {257, 1, 31}, {97, 131, 7}, {300, 200, 100}, {2, 3, 0}, {0, 5, 3},
                {4, 0, 2}, {13, 37, 300}, {150, 33, 17}, {7, 2100, 5}, {31, 64, 257}, {6, 32, 8}, {5, 31, 1},
                {1000, 20, 150}, {64, 2100, 20}}; // the last two are big enough to split rows / columns over threads
        SplittableRandom rnd = new SplittableRandom(16);
        for (int[] s : shapes) {
            for (Layout layout : Layout.values()) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    checkGemm(rnd, s[0], s[1], s[2], layout, accumulate);
                }
            }
        }
    }

    @Test
    void gemmSmallAndSharedPathsAgree() {
        // one-block products with row/column edges (m not a multiple of the tile rows, n not of the tile columns),
        // k exactly one L1 block, several k blocks; then the multi-threaded shared-B path over several column and
        // k blocks with edges, tall, wide and small-m (column-split) shapes
        int kc = VectorGemm.KC;
        int[][] shapes = {{64, 64, 32}, {64, 32, 64}, {64, 2 * VectorGemm.NR, 17}, {7, 33, kc}, {5, 64, 40},
                {11, 3, 2}, {VectorGemm.MR + 1, VectorGemm.NR + 1, kc + 1}, {150, 1100, 300}, {7, 1500, 300},
                {700, 40, 520}, {200, 2 * VectorGemm.NC + 5, 60}};
        SplittableRandom rnd = new SplittableRandom(18);
        for (int[] s : shapes) {
            for (Layout layout : Layout.values()) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    checkGemm(rnd, s[0], s[1], s[2], layout, accumulate);
                }
            }
        }
    }

    @Test
    void gemmDeepBlocksAgreeForALargeC() {
        // a C of DEEP_C_FLOATS or more uses k blocks of KC_DEEP; k over two of them with a ragged end, tall and wide
        int k = VectorGemm.KC_DEEP + 7;
        int rows = (int) (VectorGemm.DEEP_C_FLOATS / 40) + 3;
        assertEquals(VectorGemm.KC_DEEP, VectorGemm.depthBlock(rows, 40, k));
        assertEquals(VectorGemm.KC, VectorGemm.depthBlock(rows, 40, VectorGemm.KC), "one block of KC needs no deep blocks");
        assertEquals(VectorGemm.KC, VectorGemm.depthBlock(64, 64, k), "a small C keeps blocks of KC");
        SplittableRandom rnd = new SplittableRandom(29);
        checkGemm(rnd, rows, 40, k, Layout.NN, true);
        checkGemm(rnd, 40, rows, VectorGemm.KC + 7, Layout.TN, false); // one deep block (packed A, wide C)
    }

    @Test
    void gemmSumsInBlocksOfAFixedDepthWhateverTheMachine() {
        // the bits of a product depend on the k blocking only: with k = KC + 1 the last p must come as a second block,
        // (Σ_{p<KC}) + a·b, not one running sum; checked against the reference arithmetic written out here
        int m = 3, n = VectorGemm.NR, k = VectorGemm.KC + 1;
        SplittableRandom rnd = new SplittableRandom(33);
        float[] a = random(rnd, m * k, -1, 1), b = random(rnd, k * n, -1, 1), c = new float[m * n];
        vec.gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float first = 0;
                for (int p = 0; p < VectorGemm.KC; p++) first = Math.fma(a[i * k + p], b[p * n + j], first);
                float second = Math.fma(a[i * k + k - 1], b[(k - 1) * n + j], 0f);
                assertEquals(Float.floatToRawIntBits(first + second), Float.floatToRawIntBits(c[i * n + j]), "C(" + i + "," + j + ")");
            }
        }
    }

    @Test
    void gemmReadsRowMajorAInPlaceWithTheBitsOfThePackedPath() {
        // the same product with A row-major (read in place by the rows kernel) and with A transposed (packed): each
        // C element is the same in-order sum, so the two must agree bit for bit, edge rows included
        SplittableRandom rnd = new SplittableRandom(31);
        for (int[] s : new int[][] {{VectorGemm.MR * 7 + 3, 3 * VectorGemm.NR + 5, 200}, {2, 17, 9}, {301, 64, VectorGemm.KC * 2 + 1}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k, -1, 1), at = new float[m * k], b = random(rnd, k * n, -1, 1);
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
            float[] inPlace = new float[m * n], packed = new float[m * n];
            vec.gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, inPlace, 0, n, false);
            vec.gemm(m, n, k, at, 0, 1, m, b, 0, n, 1, packed, 0, n, false);
            for (int i = 0; i < inPlace.length; i++) {
                assertEquals(Float.floatToRawIntBits(packed[i]), Float.floatToRawIntBits(inPlace[i]),
                        "gemm " + m + "×" + n + "×" + k + " row-major vs transposed A at " + i);
            }
        }
    }

    @Test
    void gemmPropagatesNaNAndInfinityFromEitherOperand() {
        // the tile kernel's scheduling branch fires on NaN in A: the product must still be the full sum
        int m = 2 * VectorGemm.MR + 1, n = VectorGemm.NR + 3, k = 37;
        SplittableRandom rnd = new SplittableRandom(32);
        for (Layout layout : new Layout[] {Layout.NN, Layout.TN}) {
            for (float special : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                boolean ta = layout == Layout.TN;
                float[] a = random(rnd, m * k, -1, 1), b = random(rnd, k * n, -1, 1);
                int row = VectorGemm.MR, p = 5; // first row of the second tile, so the branch's own row is hit
                a[ta ? p * m + row : row * k + p] = special;
                b[(k - 1) * n + 2] = special; // and one in B: column 2 of every row
                float[] c1 = new float[m * n], c2 = new float[m * n];
                int aRs = ta ? 1 : k, aCs = ta ? m : 1;
                REF.gemm(m, n, k, a, 0, aRs, aCs, b, 0, n, 1, c1, 0, n, false);
                vec.gemm(m, n, k, a, 0, aRs, aCs, b, 0, n, 1, c2, 0, n, false);
                for (int i = 0; i < m * n; i++) {
                    assertEquals(Float.isNaN(c1[i]), Float.isNaN(c2[i]), layout + " " + special + " NaN at " + i);
                    if (Float.isInfinite(c1[i])) assertEquals(c1[i], c2[i], layout + " " + special + " at " + i);
                }
                assertTrue(Float.isNaN(c2[row * n]) || Float.isInfinite(c2[row * n]), "the special value reached C");
            }
        }
    }

    @Test
    void gemmIsBitIdenticalOnOneAndManyThreads() {
        // a C element must be summed in the same order however the work is split (seeded runs stay bit-identical)
        int[][] shapes = {{150, 1100, 300}, {7, 1500, 300}, {700, 40, 520}, {256, 256, 256}, {64, 2100, 20}};
        SplittableRandom rnd = new SplittableRandom(19);
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k, -1, 1), b = random(rnd, k * n, -1, 1);
            for (Layout layout : Layout.values()) {
                boolean ta = layout == Layout.TN || layout == Layout.TT, tb = layout == Layout.NT || layout == Layout.TT;
                int aRs = ta ? 1 : k, aCs = ta ? m : 1, bRs = tb ? 1 : n, bCs = tb ? k : 1;
                float[] one = new float[m * n], many = new float[m * n];
                try (var limit = dev.sluice.backend.cpu.Parallel.limitThreads(1)) {
                    vec.gemm(m, n, k, a, 0, aRs, aCs, b, 0, bRs, bCs, one, 0, n, false);
                }
                vec.gemm(m, n, k, a, 0, aRs, aCs, b, 0, bRs, bCs, many, 0, n, false);
                for (int i = 0; i < one.length; i++) {
                    assertEquals(Float.floatToRawIntBits(one[i]), Float.floatToRawIntBits(many[i]),
                            "gemm " + m + "×" + n + "×" + k + " " + layout + " at " + i + " on 1 vs "
                                    + dev.sluice.backend.cpu.Parallel.threads() + " threads");
                }
            }
        }
    }

    @Test
    void gemmReluEpilogueGivesTheBitsOfGemmThenRelu() {
        // fused ReLU (applied to the register tile of the last k block) must equal the plain product followed by the
        // RELU op, bit for bit, on both kernels: awkward sizes (1, primes, non-multiples of the vector length), k over
        // several KC blocks (partial sums must not be clipped), the small, blocked and shared multi-threaded paths,
        // accumulate (bias) on and off, and k = 0 (the output is the bias, ReLU'd)
        int kc = VectorGemm.KC;
        int[][] shapes = {{1, 1, 1}, {1, 17, 3}, {13, 1, 7}, {7, 31, 13}, {6, 2 * VectorGemm.NR, 17}, {97, 33, 2 * kc + 3},
                {150, 1100, 300}, {700, 40, 520}, {61, 257, kc}, {5, 9, 0}};
        SplittableRandom rnd = new SplittableRandom(23);
        for (Float32Kernels k : new Float32Kernels[] {REF, vec}) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], kk = s[2];
                for (Layout layout : Layout.values()) {
                    boolean ta = layout == Layout.TN || layout == Layout.TT, tb = layout == Layout.NT || layout == Layout.TT;
                    int aRs = ta ? 1 : kk, aCs = ta ? m : 1, bRs = tb ? 1 : n, bCs = tb ? kk : 1;
                    float[] a = random(rnd, Math.max(1, m * kk), -1, 1), b = random(rnd, Math.max(1, kk * n), -1, 1);
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] fused = random(rnd, m * n, -1, 1), plain = fused.clone(), relu = new float[m * n];
                        k.gemm(m, n, kk, a, 0, aRs, aCs, b, 0, bRs, bCs, fused, 0, n, accumulate, Epilogue.RELU);
                        k.gemm(m, n, kk, a, 0, aRs, aCs, b, 0, bRs, bCs, plain, 0, n, accumulate);
                        k.unary(UnaryOp.RELU, plain, 0, 1, relu, 0, m * n);
                        for (int i = 0; i < relu.length; i++) {
                            assertEquals(Float.floatToRawIntBits(relu[i]), Float.floatToRawIntBits(fused[i]), k.name()
                                    + " gemm+relu " + m + "×" + n + "×" + kk + " " + layout + (accumulate ? " +=" : "") + " at " + i);
                        }
                    }
                }
                // and the fast kernel agrees with the reference on the fused product
                float[] a = random(rnd, Math.max(1, m * kk), -1, 1), b = random(rnd, Math.max(1, kk * n), -1, 1);
                float[] c1 = new float[m * n], c2 = new float[m * n];
                REF.gemm(m, n, kk, a, 0, kk, 1, b, 0, n, 1, c1, 0, n, false, Epilogue.RELU);
                vec.gemm(m, n, kk, a, 0, kk, 1, b, 0, n, 1, c2, 0, n, false, Epilogue.RELU);
                for (int i = 0; i < c1.length; i++) assertEquals(c1[i], c2[i], 1e-5 * Math.max(1, kk), "gemm+relu ref vs vector at " + i);
            }
        }
    }

    @Test
    void gemvSumsItsLanesInAFixedOrder() {
        // a lone row times Bᵀ (generation with a KV cache) takes the gemv path: per output, V lane-wise fma chains,
        // the lanes summed pairwise (lane i + lane i ^ V/2, then ^ V/4, ...), then the tail in order. It used
        // reduceLanes(ADD), whose order is unspecified and differed between interpreted and compiled code (the same
        // product gave other bits once the JIT had compiled it); this pins the order, whatever the JIT state
        int v = VectorGemm.NR / 2;
        SplittableRandom rnd = new SplittableRandom(31);
        for (int[] s : new int[][] {{9, 4 * v + 3}, {40, 128}, {5, 2 * v}}) {
            int n = s[0], k = s[1];
            assertTrue(VectorGemv.applies(1, k, 1, 1), "1×" + n + "×" + k + " takes the gemv path");
            float[] a = random(rnd, k, -1, 1), b = random(rnd, n * k, -1, 1), c = new float[n];
            vec.gemm(1, n, k, a, 0, k, 1, b, 0, 1, k, c, 0, n, false);
            for (int j = 0; j < n; j++) {
                float[] lanes = new float[v];
                int bound = k / v * v;
                for (int p = 0; p < bound; p++) lanes[p % v] = Math.fma(a[p], b[j * k + p], lanes[p % v]);
                for (int d = v / 2; d >= 1; d /= 2) {
                    float[] next = new float[v];
                    for (int i = 0; i < v; i++) next[i] = lanes[i] + lanes[i ^ d];
                    lanes = next;
                }
                float want = lanes[0];
                for (int p = bound; p < k; p++) want = Math.fma(a[p], b[j * k + p], want);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(c[j]), "gemv 1×" + n + "×" + k + " at " + j);
            }
        }
    }

    @Test
    void gemmBiasGivesTheBitsOfBiasRowsThenAccumulate() {
        // the fast kernel adds the bias to each tile of the first k block in cache; that must equal, bit for bit, C
        // filled with the bias rows and the product accumulated onto it (what a linear layer did before): awkward
        // sizes, several k blocks, edge tiles, the lone-row (gemv) and k = 0 paths, the small, blocked and shared
        // multi-threaded paths, every layout, with and without the ReLU, C rows padded (the padding stays untouched)
        int kc = VectorGemm.KC;
        int[][] shapes = {{1, 1, 1}, {1, 17, 3}, {1, 40, 4 * VectorGemm.NR}, {13, 1, 7}, {7, 31, 13},
                {6, 2 * VectorGemm.NR, 17}, {97, 33, 2 * kc + 3}, {150, 1100, 300}, {700, 40, 520}, {61, 257, kc},
                {200, 2 * VectorGemm.NC + 5, 60}, {5, 9, 0}};
        SplittableRandom rnd = new SplittableRandom(29);
        for (int[] s : shapes) {
            int m = s[0], n = s[1], kk = s[2], cRs = n + 5, biasOff = 2;
            for (Layout layout : Layout.values()) {
                boolean ta = layout == Layout.TN || layout == Layout.TT, tb = layout == Layout.NT || layout == Layout.TT;
                int aRs = ta ? 1 : kk, aCs = ta ? m : 1, bRs = tb ? 1 : n, bCs = tb ? kk : 1;
                float[] a = random(rnd, Math.max(1, m * kk), -1, 1), b = random(rnd, Math.max(1, kk * n), -1, 1);
                float[] bias = random(rnd, biasOff + n, -1, 1);
                for (Epilogue epilogue : Epilogue.values()) {
                    float[] fused = random(rnd, m * cRs, -1, 1), plain = fused.clone(), ref = fused.clone();
                    vec.gemmBias(m, n, kk, a, 0, aRs, aCs, b, 0, bRs, bCs, bias, biasOff, fused, 0, cRs, epilogue);
                    for (int i = 0; i < m; i++) System.arraycopy(bias, biasOff, plain, i * cRs, n);
                    vec.gemm(m, n, kk, a, 0, aRs, aCs, b, 0, bRs, bCs, plain, 0, cRs, true, epilogue);
                    REF.gemmBias(m, n, kk, a, 0, aRs, aCs, b, 0, bRs, bCs, bias, biasOff, ref, 0, cRs, epilogue);
                    String what = "gemm+bias " + m + "×" + n + "×" + kk + " " + layout + " " + epilogue;
                    for (int i = 0; i < plain.length; i++) {
                        assertEquals(Float.floatToRawIntBits(plain[i]), Float.floatToRawIntBits(fused[i]), what + " at " + i);
                        assertEquals(ref[i], fused[i], 1e-5 * Math.max(1, kk), what + " ref vs vector at " + i);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> VectorGemm.gemm(2, 2, 2, new float[4], 0, 2, 1, new float[4],
                0, 2, 1, new float[2], 0, new float[4], 0, 2, true, false), "a bias with accumulate is refused");
    }

    private static void checkGemm(SplittableRandom rnd, int m, int n, int k, Layout layout, boolean accumulate) {
        boolean ta = layout == Layout.TN || layout == Layout.TT, tb = layout == Layout.NT || layout == Layout.TT;
        int aOff = 3, bOff = 7, cOff = 11, cRs = n + 5; // padded C rows: the padding must stay untouched
        // A is stored m×k (or k×m when transposed), B k×n (or n×k)
        int aRs = ta ? 1 : k, aCs = ta ? m : 1;
        int bRs = tb ? 1 : n, bCs = tb ? k : 1;
        float[] a = random(rnd, aOff + m * k + 2, -1, 1);
        float[] b = random(rnd, bOff + k * n + 2, -1, 1);
        float[] c1 = random(rnd, cOff + m * cRs + 3, -1, 1), c2 = c1.clone();
        REF.gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c1, cOff, cRs, accumulate);
        vec.gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c2, cOff, cRs, accumulate);
        String what = "gemm " + m + "×" + n + "×" + k + " " + layout + (accumulate ? " +=" : "");
        for (int idx = 0; idx < c1.length; idx++) {
            int rel = idx - cOff, i = Math.floorDiv(rel, cRs), j = Math.floorMod(rel, cRs);
            boolean inside = rel >= 0 && i < m && j < n;
            double scale = 1e-6;
            if (inside) {
                for (int p = 0; p < k; p++) {
                    scale += Math.abs(a[aOff + i * aRs + p * aCs] * b[bOff + p * bRs + j * bCs]);
                }
                if (accumulate) scale += Math.abs(c1[idx]);
            }
            double tol = inside ? 1e-5 * scale : 0;
            assertEquals(c1[idx], c2[idx], tol, what + " at " + (inside ? "(" + i + "," + j + ")" : "padding " + idx));
        }
    }

    // ---- row kernels ----

    @Test
    void softmaxAgreesAndIsStableForLargeValues() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (boolean log : new boolean[] {false, true}) {
            for (int cols : SIZES) {
                for (double shift : new double[] {0, 1e4, -3e4}) {
                    int rows = 3;
                    float[] x = random(rnd, 2 + rows * cols, -5, 5);
                    for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] * 20 + shift);
                    float[] o1 = new float[rows * cols + 1], o2 = new float[rows * cols + 1];
                    REF.softmaxRows(x, 2, o1, 1, rows, cols, log);
                    vec.softmaxRows(x, 2, o2, 1, rows, cols, log);
                    for (float v : o2) assertFalse(Float.isNaN(v) || Float.isInfinite(v) && !log, "softmax overflowed");
                    assertClose((log ? "log_softmax" : "softmax") + " cols=" + cols + " shift=" + shift, o1, o2, 1e-5, 1e-6);
                }
            }
        }
    }

    @Test
    void fusedCrossEntropyAgreesWithItsReferenceOnAwkwardSizes() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int cols : SIZES) {
            if (cols == 0) continue;
            for (float smoothing : new float[] {0f, 0.1f}) {
                for (double shift : new double[] {0, 1e4}) {
                    int rows = 5;
                    float[] x = random(rnd, 3 + rows * cols, -5, 5);
                    for (int i = 0; i < x.length; i++) x[i] = (float) (x[i] * 4 + shift);
                    long[] t = new long[rows + 1];
                    float[] coef = new float[rows + 2];
                    for (int r = 0; r < rows; r++) {
                        t[1 + r] = rnd.nextInt(cols);
                        coef[2 + r] = (float) rnd.nextDouble();
                    }
                    float[] l1 = new float[rows + 1], l2 = new float[rows + 1], g1 = new float[rows * cols + 4], g2 = new float[rows * cols + 4];
                    REF.softmaxCrossEntropyRows(x, 3, t, 1, coef, 2, smoothing, l1, 1, g1, 4, rows, cols);
                    vec.softmaxCrossEntropyRows(x, 3, t, 1, coef, 2, smoothing, l2, 1, g2, 4, rows, cols);
                    String what = "cross entropy cols=" + cols + " eps=" + smoothing + " shift=" + shift;
                    assertClose(what + " loss", l1, l2, 1e-5, 1e-5);
                    assertClose(what + " grad", g1, g2, 1e-5, 1e-6);
                    float[] l3 = new float[rows + 1];
                    vec.softmaxCrossEntropyRows(x, 3, t, 1, coef, 2, smoothing, l3, 1, null, 0, rows, cols);
                    assertClose(what + " loss without grad", l2, l3, 0, 0);
                }
            }
        }
    }

    @Test
    void softmaxOfARowWithNaNIsNaNInBoth() {
        float[] x = {1, 2, Float.NaN, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
        for (boolean log : new boolean[] {false, true}) {
            float[] o1 = new float[x.length], o2 = new float[x.length];
            REF.softmaxRows(x, 0, o1, 0, 1, x.length, log);
            vec.softmaxRows(x, 0, o2, 0, 1, x.length, log);
            assertClose("softmax with NaN", o1, o2, 0, 0);
        }
    }

    @Test
    void softmaxBackwardAgrees() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (boolean log : new boolean[] {false, true}) {
            for (int cols : SIZES) {
                int rows = 4;
                float[] x = random(rnd, rows * cols, -4, 4);
                float[] y = new float[rows * cols + 3];
                REF.softmaxRows(x, 0, y, 3, rows, cols, log);
                float[] g = random(rnd, rows * cols + 1, -1, 1);
                float[] d1 = new float[rows * cols + 2], d2 = new float[rows * cols + 2];
                REF.softmaxBackwardRows(y, 3, g, 1, d1, 2, rows, cols, log);
                vec.softmaxBackwardRows(y, 3, g, 1, d2, 2, rows, cols, log);
                assertClose("softmax' cols=" + cols + (log ? " log" : ""), d1, d2, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void layerNormAgreesWithAndWithoutAffine() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int cols : SIZES) {
            if (cols == 0) continue; // mean of nothing is undefined
            for (int affine = 0; affine < 4; affine++) {
                int rows = 3;
                float[] x = random(rnd, 1 + rows * cols, -2, 4); // mean ≠ 0 exercises the two-pass variance
                float[] gamma = (affine & 1) != 0 ? random(rnd, cols, 0.5, 1.5) : null;
                float[] beta = (affine & 2) != 0 ? random(rnd, cols, -1, 1) : null;
                float[] y1 = new float[rows * cols + 2], y2 = new float[rows * cols + 2];
                float[] mean1 = new float[rows], mean2 = new float[rows], rstd1 = new float[rows], rstd2 = new float[rows];
                REF.layerNormRows(x, 1, gamma, beta, y1, 2, mean1, rstd1, rows, cols, 1e-5f);
                vec.layerNormRows(x, 1, gamma, beta, y2, 2, mean2, rstd2, rows, cols, 1e-5f);
                String what = "layerNorm cols=" + cols + " gamma=" + (gamma != null) + " beta=" + (beta != null);
                assertClose(what + " y", y1, y2, 1e-4, 2e-5);
                assertClose(what + " mean", mean1, mean2, 1e-5, 1e-6);
                assertClose(what + " rstd", rstd1, rstd2, 1e-4, 1e-6);

                float[] g = random(rnd, rows * cols, -1, 1);
                float[] dx1 = new float[rows * cols + 1], dx2 = new float[rows * cols + 1];
                float[] dg1 = gamma != null ? random(rnd, cols, -1, 1) : null, dg2 = dg1 != null ? dg1.clone() : null;
                float[] db1 = beta != null ? random(rnd, cols, -1, 1) : null, db2 = db1 != null ? db1.clone() : null;
                REF.layerNormBackwardRows(g, 0, x, 1, mean1, rstd1, gamma, dx1, 1, dg1, db1, rows, cols);
                vec.layerNormBackwardRows(g, 0, x, 1, mean1, rstd1, gamma, dx2, 1, dg2, db2, rows, cols);
                assertClose(what + " dx", dx1, dx2, 1e-4, 2e-5);
                if (dg1 != null) assertClose(what + " dgamma", dg1, dg2, 1e-5, 1e-5);
                if (db1 != null) assertClose(what + " dbeta", db1, db2, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void adamwAgrees() {
        SplittableRandom rnd = new SplittableRandom(20);
        for (int n : SIZES) {
            for (float wd : new float[] {0f, 0.01f}) {
                float[] p1 = random(rnd, n + 1, -1, 1), g = random(rnd, n + 2, -1, 1);
                float[] m1 = random(rnd, n + 3, -0.1, 0.1), v1 = random(rnd, n + 4, 0, 0.01);
                float[] p2 = p1.clone(), m2 = m1.clone(), v2 = v1.clone();
                int t = 7;
                float b1 = 0.9f, b2 = 0.999f;
                float bc1 = (float) (1 - Math.pow(b1, t)), bc2 = (float) (1 - Math.pow(b2, t));
                REF.adamw(p1, 1, g, 2, m1, 3, v1, 4, n, 1e-3f, b1, b2, 1e-8f, wd, bc1, bc2);
                vec.adamw(p2, 1, g, 2, m2, 3, v2, 4, n, 1e-3f, b1, b2, 1e-8f, wd, bc1, bc2);
                assertClose("adamw p n=" + n, p1, p2, 1e-6, 1e-7);
                assertClose("adamw m n=" + n, m1, m2, 1e-6, 1e-9);
                assertClose("adamw v n=" + n, v1, v2, 1e-6, 1e-12);
            }
        }
    }

    /** The backend splits rows across threads: a row's results must not depend on which rows share its call. */
    @Test
    void rowKernelsDoNotDependOnRowBatching() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int cols : new int[] {1, 17, 33, 100, 1024}) {
            int rows = 5;
            float[] x = random(rnd, rows * cols, -3, 3), g = random(rnd, rows * cols, -1, 1);
            float[] gamma = random(rnd, cols, 0.5, 1.5), beta = random(rnd, cols, -1, 1);
            float[] mean = new float[rows], rstd = new float[rows];
            float[] y1 = new float[rows * cols], y2 = new float[rows * cols];
            vec.layerNormRows(x, 0, gamma, beta, y1, 0, mean, rstd, rows, cols, 1e-5f);
            float[] dx1 = new float[rows * cols], dx2 = new float[rows * cols];
            float[] dg1 = new float[cols], db1 = new float[cols], dg2 = new float[cols], db2 = new float[cols];
            vec.layerNormBackwardRows(g, 0, x, 0, mean, rstd, gamma, dx1, 0, dg1, db1, rows, cols);
            for (int r = 0; r < rows; r++) {
                float[] m1 = {mean[r]}, s1 = {rstd[r]};
                vec.layerNormBackwardRows(g, r * cols, x, r * cols, m1, s1, gamma, dx2, r * cols, dg2, db2, 1, cols);
                vec.softmaxRows(x, r * cols, y2, r * cols, 1, cols, false);
            }
            vec.softmaxRows(x, 0, y1, 0, rows, cols, false);
            assertTrue(java.util.Arrays.equals(dx1, dx2), "layer norm dx, cols=" + cols);
            assertTrue(java.util.Arrays.equals(dg1, dg2), "layer norm dgamma, cols=" + cols);
            assertTrue(java.util.Arrays.equals(db1, db2), "layer norm dbeta, cols=" + cols);
            assertTrue(java.util.Arrays.equals(y1, y2), "softmax, cols=" + cols);
        }
    }
}
