package dev.sluice.backend.cuda;

import dev.sluice.backend.View;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The index math of the two kernels whose bugs would be hardest to see on a GPU, transcribed into Java loop for loop
 * (blocks, threads, shared-memory tiles and bounds as in the .cu source) and compared with a plain computation:
 * <ul>
 *   <li>native/reduce.cu sl_reduce_f32 over the layouts CudaBackend.reduce builds (CudaLayout.kept/reduced), for
 *       non-contiguous views (permuted strides, an offset) and every subset of reduced dimensions, with each block's
 *       threads striding over the reduced elements and the per-thread partials then combined (the tree's order
 *       differs; sums are compared within rounding, max/min exactly);</li>
 *   <li>native/gemm.cu sl_gemm_f32: 64×64 output tiles, 16-deep k tiles, 16×16 threads each holding a 4×4 block with
 *       columns tx + 16w, zero-filled edge tiles, transposed and strided operands, batch layouts with broadcast
 *       (stride 0) batch dims, accumulate and the ReLU epilogue — for M, N, K that are not tile multiples.</li>
 * </ul>
 */
class KernelIndexEmulationTest {
    private static int[] perm(int[] a, int[] p) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[p[i]];
        return r;
    }

    /** sl_reduce_f32, one "block" per output j (grid-stride over j), blockDim threads striding over r. */
    static float[] emulateReduce(int op, float[] x, int[] kept, int[] reduced, int nRed, int[] lo, int nOut, int outSize,
                                 int blockDim, int gridDim) {
        float[] out = new float[outSize];
        float identity = op == 0 ? 0f : op == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (int block = 0; block < gridDim; block++) {
            for (int j = block; j < nOut; j += gridDim) {
                int base = CudaLayout.at(kept, j);
                float[] partial = new float[blockDim];
                for (int t = 0; t < blockDim; t++) {
                    float acc = identity;
                    for (int r = t; r < nRed; r += blockDim) acc = combine(op, acc, x[base + CudaLayout.at(reduced, r)]);
                    partial[t] = acc;
                }
                float acc = identity;
                for (float v : partial) acc = combine(op, acc, v);
                out[CudaLayout.at(lo, j)] = acc;
            }
        }
        return out;
    }

    static float combine(int op, float acc, float x) {
        if (op == 0) return acc + x;
        if (Float.isNaN(acc)) return acc;
        if (Float.isNaN(x)) return x;
        return op == 1 ? Math.max(acc, x) : Math.min(acc, x);
    }

    @Test
    void reductionLayoutsCoverEveryElementOnce() {
        Random rnd = new Random(7);
        int[] logical = {3, 5, 4};
        int[][] perms = {{0, 1, 2}, {2, 0, 1}, {1, 2, 0}};
        for (int[] p : perms) {
            // storage laid out contiguously in permuted order, viewed back in logical order, at an offset
            int[] physShape = perm(logical, p);
            int[] physStrides = View.contiguousStrides(physShape);
            int[] strides = new int[3];
            for (int i = 0; i < 3; i++) strides[p[i]] = physStrides[i];
            int offset = 5;
            float[] storage = new float[offset + 60];
            for (int i = 0; i < storage.length; i++) storage[i] = rnd.nextInt(19) - 9;
            View x = new View(null, logical, strides, offset);
            for (int mask = 1; mask < 8; mask++) {
                int[] outShape = logical.clone();
                for (int d = 0; d < 3; d++) if ((mask >> d & 1) != 0) outShape[d] = 1;
                View out = View.contiguous(null, outShape);
                int nOut = out.numel(), nRed = CudaLayout.reducedCount(x, out);
                LaunchConfig cfg = LaunchConfig.perRow(nOut, nRed);
                for (int op = 0; op < 3; op++) {
                    float[] got = emulateReduce(op, storage, CudaLayout.kept(x, out), CudaLayout.reduced(x, out), nRed,
                            CudaLayout.of(out), nOut, nOut, cfg.blockX(), Math.min(cfg.gridX(), 2));
                    // plain: every element of x added into its output cell
                    float[] want = new float[nOut];
                    java.util.Arrays.fill(want, op == 0 ? 0f : op == 1 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
                    int[] count = new int[nOut];
                    for (int a = 0; a < 3; a++) for (int b = 0; b < 5; b++) for (int c = 0; c < 4; c++) {
                        int[] o = {a, b, c};
                        for (int d = 0; d < 3; d++) if (outShape[d] == 1) o[d] = 0;
                        int oi = (o[0] * outShape[1] + o[1]) * outShape[2] + o[2];
                        want[oi] = combine(op, want[oi], storage[offset + a * strides[0] + b * strides[1] + c * strides[2]]);
                        count[oi]++;
                    }
                    for (int j = 0; j < nOut; j++) {
                        assertEquals(nRed, count[j]);
                        assertEquals(want[j], got[j], 1e-4, "perm " + java.util.Arrays.toString(p) + " mask " + mask + " op " + op + " j " + j);
                    }
                }
            }
        }
    }

    /** sl_gemm_f32 for one launch: grid (ceil(N/64), ceil(M/64), batches), 256 threads, as native/gemm.cu. */
    static void emulateGemm(int M, int N, int K, float[] A, int[] ba, int aRs, int aCs, float[] B, int[] bb, int bRs, int bCs,
                            float[] C, int[] bc, int cRs, boolean accumulate, boolean relu, int batches) {
        final int BM = 64, BN = 64, BK = 16, TM = 4, TN = 4;
        LaunchConfig cfg = LaunchConfig.gemm(M, N, batches);
        assertEquals(256, cfg.blockX());
        for (int bz = 0; bz < cfg.gridZ(); bz++) for (int by = 0; by < cfg.gridY(); by++) for (int bx = 0; bx < cfg.gridX(); bx++) {
            int a = CudaLayout.at(ba, bz), b = CudaLayout.at(bb, bz), c = CudaLayout.at(bc, bz);
            int row0 = by * BM, col0 = bx * BN;
            float[][][] acc = new float[256][TM][TN];
            float[][] As = new float[BK][BM], Bs = new float[BK][BN + 1];
            for (int k0 = 0; k0 < K; k0 += BK) {
                for (int t = 0; t < 256; t++) {
                    for (int e = t; e < BM * BK; e += 256) {
                        int i = e / BK, p = e % BK, gi = row0 + i, gp = k0 + p;
                        As[p][i] = gi < M && gp < K ? A[a + gi * aRs + gp * aCs] : 0f;
                    }
                    for (int e = t; e < BK * BN; e += 256) {
                        int p = e / BN, j = e % BN, gp = k0 + p, gj = col0 + j;
                        Bs[p][j] = gp < K && gj < N ? B[b + gp * bRs + gj * bCs] : 0f;
                    }
                }
                for (int t = 0; t < 256; t++) {
                    int tx = t % 16, ty = t / 16;
                    for (int p = 0; p < BK; p++)
                        for (int u = 0; u < TM; u++)
                            for (int w = 0; w < TN; w++) acc[t][u][w] = Math.fma(As[p][ty * TM + u], Bs[p][tx + 16 * w], acc[t][u][w]);
                }
            }
            for (int t = 0; t < 256; t++) {
                int tx = t % 16, ty = t / 16;
                for (int u = 0; u < TM; u++) {
                    int gi = row0 + ty * TM + u;
                    if (gi >= M) continue;
                    for (int w = 0; w < TN; w++) {
                        int gj = col0 + tx + 16 * w;
                        if (gj >= N) continue;
                        int dst = c + gi * cRs + gj;
                        float v = accumulate ? C[dst] + acc[t][u][w] : acc[t][u][w];
                        C[dst] = relu ? (v > 0 ? v : 0f) : v;
                    }
                }
            }
        }
    }

    @Test
    void gemmTilingMatchesPlainProduct() {
        Random rnd = new Random(3);
        int[][] shapes = {{1, 1, 1}, {70, 65, 17}, {64, 64, 16}, {129, 3, 40}, {5, 130, 33}};
        for (int[] s : shapes) {
            int M = s[0], N = s[1], K = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    // batch shape [2, 3]: A broadcast over dim 0 (stride 0), B over dim 1
                    int batches = 6;
                    int aMat = M * K, bMat = K * N;
                    float[] A = new float[3 * aMat + 2], B = new float[2 * bMat], C = new float[batches * M * (N + 2)];
                    for (int i = 0; i < A.length; i++) A[i] = rnd.nextInt(7) - 3;
                    for (int i = 0; i < B.length; i++) B[i] = rnd.nextInt(7) - 3;
                    for (int i = 0; i < C.length; i++) C[i] = rnd.nextInt(5) - 2;
                    int aRs = transA ? 1 : K, aCs = transA ? M : 1, bRs = transB ? 1 : N, bCs = transB ? K : 1, cRs = N + 2;
                    int[] ba = CudaLayout.of(new int[] {2, 3}, new int[] {0, aMat}, 2);
                    int[] bb = CudaLayout.of(new int[] {2, 3}, new int[] {bMat, 0}, 0);
                    int[] bc = CudaLayout.of(new int[] {2, 3}, new int[] {3 * M * cRs, M * cRs}, 0);
                    for (boolean accumulate : new boolean[] {false, true}) {
                        boolean relu = accumulate;
                        float[] got = C.clone(), want = C.clone();
                        emulateGemm(M, N, K, A, ba, aRs, aCs, B, bb, bRs, bCs, got, bc, cRs, accumulate, relu, batches);
                        for (int q = 0; q < batches; q++) {
                            int a = CudaLayout.at(ba, q), b = CudaLayout.at(bb, q), c = CudaLayout.at(bc, q);
                            for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) {
                                float sum = 0;
                                for (int p = 0; p < K; p++) sum += A[a + i * aRs + p * aCs] * B[b + p * bRs + j * bCs];
                                float v = accumulate ? want[c + i * cRs + j] + sum : sum;
                                want[c + i * cRs + j] = relu ? Math.max(v, 0f) : v;
                            }
                        }
                        // integer data: exact; the padding column of C (j = N, N+1) untouched
                        assertArrayEquals(want, got, M + "x" + N + "x" + K + " tA " + transA + " tB " + transB + " acc " + accumulate);
                    }
                }
            }
        }
    }
}
