package dev.sluice.backend.cuda;

import dev.sluice.backend.View;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Solutions to exercises 1 and 3 of docs/10-gpu.md: launch shapes and layouts worked out by hand and checked against
 * LaunchConfig and CudaLayout (package-private, hence this package). Plain arithmetic: no GPU or emulator needed.
 */
class Chapter10LaunchExercisesTest {
    /** The indices SL_FOR gives one thread: i = blockIdx.x·blockDim.x + threadIdx.x, then steps of the whole grid. */
    static List<Long> gridStride(LaunchConfig cfg, int block, int thread, long n) {
        List<Long> mine = new ArrayList<>();
        long stride = (long) cfg.blockX() * cfg.gridX();
        for (long i = (long) block * cfg.blockX() + thread; i < n; i += stride) mine.add(i);
        return mine;
    }

    // Exercise 1
    @Test
    void launchShapesByHand() {
        // 1,000,003 elements: ceil(1,000,003 / 256) = 3907 blocks of 256 threads; the last block has 67 busy threads
        LaunchConfig small = LaunchConfig.elementwise(1_000_003);
        assertEquals(new LaunchConfig(3907, 1, 1, 256, 0), small);
        assertEquals(1_000_192, small.threads());
        long busyInLast = 1_000_003 - 3906L * 256;
        assertEquals(67, busyInLast);
        assertEquals(List.of(1_000_002L), gridStride(small, 3906, 66, 1_000_003));
        assertEquals(List.of(), gridStride(small, 3906, 67, 1_000_003));

        // 100,000,000 elements: 390,625 blocks wanted, capped at 65,536 → 16,777,216 threads, each 5 or 6 elements
        long n = 100_000_000;
        LaunchConfig big = LaunchConfig.elementwise(n);
        assertEquals(new LaunchConfig(65_536, 1, 1, 256, 0), big);
        long stride = big.threads();
        assertEquals(16_777_216, stride);
        // thread 5 of block 3 starts at 3·256 + 5 = 773 and steps by the grid's 16,777,216 threads
        assertEquals(List.of(773L, 16_777_989L, 33_555_205L, 50_332_421L, 67_109_637L, 83_886_853L), gridStride(big, 3, 5, n));
        // n = 5·16,777,216 + 16,113,920: the first 16,113,920 threads take 6 elements, the other 663,296 take 5
        long sixes = n - 5 * stride;
        assertEquals(16_113_920, sixes);
        assertEquals(6, gridStride(big, (int) ((sixes - 1) / 256), (int) ((sixes - 1) % 256), n).size());
        assertEquals(5, gridStride(big, (int) (sixes / 256), (int) (sixes % 256), n).size());
        assertEquals(n, sixes * 6 + (stride - sixes) * 5);

        // reductions and row kernels: one block per row, the row rounded up to whole warps, 32..256 threads
        assertEquals(new LaunchConfig(4, 1, 1, 256, 0), LaunchConfig.perRow(4, 1_000_003));   // x.sum(1) of [4, 1000003]
        assertEquals(new LaunchConfig(1, 1, 1, 256, 0), LaunchConfig.perRow(1, 1_000_003));   // x.sum() of 1,000,003
        assertEquals(new LaunchConfig(1000, 1, 1, 64, 0), LaunchConfig.perRow(1000, 50));     // softmax over 50 columns
        assertEquals(new LaunchConfig(3, 1, 1, 32, 0), LaunchConfig.perRow(3, 10));           // never less than a warp
        assertEquals(new LaunchConfig(65_536, 1, 1, 32, 0), LaunchConfig.perRow(100_000, 8)); // rows past 65,536: the kernel loops
    }

    // Exercise 3
    @Test
    void coalescingByHand() {
        // x[4,3] + y[4,3], both contiguous, into a contiguous out: every dim merges, rank 1 over 12 elements
        int[][] same = CudaLayout.coalesced(CudaLayout.of(new int[] {4, 3}, new int[] {3, 1}, 0),
                CudaLayout.of(new int[] {4, 3}, new int[] {3, 1}, 0), CudaLayout.of(new int[] {4, 3}, new int[] {3, 1}, 0));
        for (int[] l : same) assertLayout(l, new int[] {12}, new int[] {1}, 0);

        // x[4,3] + row[3] (read over [4,3] with stride 0 on dim 0): row's 0 ≠ 1·3, so nothing merges
        View x = new View(null, new int[] {4, 3}, new int[] {3, 1}, 0);
        View row = new View(null, new int[] {1, 3}, new int[] {3, 1}, 0);
        int[] shape = {4, 3};
        int[][] bcast = CudaLayout.coalesced(CudaLayout.over(x, shape), CudaLayout.over(row, shape), CudaLayout.of(x));
        assertLayout(bcast[0], shape, new int[] {3, 1}, 0);
        assertLayout(bcast[1], shape, new int[] {0, 1}, 0);
        assertLayout(bcast[2], shape, new int[] {3, 1}, 0);
        assertEquals(2, CudaLayout.at(bcast[1], 11));            // element (3, 2) reads row[2]

        // a[2,3,4] + bias[1,1,4] (a per-feature bias): the two broadcast dims merge with each other (0 = 0·3), the
        // last does not (bias 0 ≠ 1·4): rank 2, [6,4]
        View a = new View(null, new int[] {2, 3, 4}, new int[] {12, 4, 1}, 0);
        View bias = new View(null, new int[] {1, 1, 4}, new int[] {4, 4, 1}, 0);
        int[] s3 = {2, 3, 4};
        int[][] feat = CudaLayout.coalesced(CudaLayout.over(a, s3), CudaLayout.over(bias, s3), CudaLayout.of(a));
        assertLayout(feat[0], new int[] {6, 4}, new int[] {4, 1}, 0);
        assertLayout(feat[1], new int[] {6, 4}, new int[] {0, 1}, 0);
        assertEquals(17, CudaLayout.at(feat[0], 17));           // element 17 = (4, 1): a at 17, bias at 1
        assertEquals(1, CudaLayout.at(feat[1], 17));

        // a transposed view (strides [1, 4]) and a contiguous out: out's 3 = 1·3 but the view's 1 ≠ 4·3: no merge
        View t = new View(null, new int[] {4, 3}, new int[] {1, 4}, 0);
        int[][] tr = CudaLayout.coalesced(CudaLayout.of(t), CudaLayout.of(new int[] {4, 3}, new int[] {3, 1}, 0));
        assertLayout(tr[0], new int[] {4, 3}, new int[] {1, 4}, 0);
        assertEquals(1 + 2 * 4, CudaLayout.at(tr[0], 5));       // element 5 = (1, 2): 1·1 + 2·4
    }

    private static void assertLayout(int[] l, int[] shape, int[] strides, int offset) {
        assertEquals(shape.length, l[0], "rank");
        for (int d = 0; d < shape.length; d++) {
            assertEquals(shape[d], l[1 + d], "shape[" + d + "]");
            assertEquals(strides[d], l[1 + CudaLayout.MAX_RANK + d], "stride[" + d + "]");
        }
        assertEquals(offset, l[CudaLayout.INTS - 1], "offset");
    }
}
