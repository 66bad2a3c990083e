package dev.sluice.backend.cuda;

import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Solution to exercise 4 of docs/10-gpu.md: sl_reduce_f32 with sl_block_reduce (native/reduce.cu, native/common.cuh)
 * transcribed into Java, its float sum of 1,000,003 elements predicted to the bit and compared with cuda:0 (a GPU, or
 * the CUDA emulator in the build's second test run, SLUICE_CUDA=emulate; elsewhere skipped with the reason, as every
 * Gpu*Test).
 */
class GpuChapter10ExercisesTest {
    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    /** Shuffle rounds of one warp-level tree: deltas 16, 8, 4, 2, 1. */
    static final int ROUNDS_PER_TREE = 5;

    /**
     * One warp's {@code for (o = 16; o > 0; o >>= 1) v = v + __shfl_down_sync(full, v, o)}: in each round every lane
     * reads lane l + o's value from before the round, or its own where l + o is past the warp. Returns the rounds run.
     */
    static int warpTree(float[] lane) {
        int rounds = 0;
        for (int o = 16; o > 0; o >>= 1, rounds++) {
            float[] before = lane.clone();
            for (int l = 0; l < 32; l++) lane[l] = before[l] + (l + o < 32 ? before[l + o] : before[l]);
        }
        return rounds;
    }

    /** sl_reduce_f32's sum of x for one output: blockDim threads striding over x in float, then sl_block_reduce. */
    static float kernelSum(float[] x, int blockDim, int[] roundsOut) {
        float[] v = new float[blockDim];
        for (int t = 0; t < blockDim; t++) {
            float acc = 0f;                                              // the identity of op 0 (sum)
            for (int r = t; r < x.length; r += blockDim) acc = acc + x[r];
            v[t] = acc;
        }
        int warps = (blockDim + 31) >> 5, rounds = 0;
        float[] warpPart = new float[32];
        for (int w = 0; w < warps; w++) {                                // every warp at once on a GPU: one tree's rounds
            float[] lane = java.util.Arrays.copyOfRange(v, 32 * w, 32 * w + 32);
            rounds = warpTree(lane);
            warpPart[w] = lane[0];                                       // lane 0 holds the warp's sum
        }
        float[] lane = new float[32];                                    // warp 0: lanes past `warps` get 0 (sum)
        for (int l = 0; l < 32; l++) lane[l] = l < warps ? warpPart[l] : 0f;
        rounds += warpTree(lane);
        roundsOut[0] = rounds;
        return lane[0];
    }

    @Test
    void theKernelsSumIsPredictedToTheBit() {
        int n = 1_000_003;
        float[] x = new float[n];
        SplittableRandom rnd = new SplittableRandom(10);
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextGaussian() + 0.25);
        LaunchConfig cfg = LaunchConfig.perRow(1, n);                    // what CudaBackend.reduce launches
        assertEquals(256, cfg.blockX());
        assertEquals(1, cfg.gridX());
        int[] rounds = new int[1];
        float predicted = kernelSum(x, cfg.blockX(), rounds);
        assertEquals(2 * ROUNDS_PER_TREE, rounds[0], "5 rounds in every warp, then 5 in warp 0 (log2 256 = 8 would do)");

        Tensor onGpu = Tensor.of(x, n).to(Device.cuda(0));
        float gpu = (float) onGpu.sum().item();
        assertEquals(Float.floatToRawIntBits(predicted), Float.floatToRawIntBits(gpu), predicted + " vs cuda:0's " + gpu);

        // the order is the kernel's own: one float accumulator over all n elements in index order gives other bits
        float sequential = 0f;
        for (float v : x) sequential += v;
        assertNotEquals(Float.floatToRawIntBits(sequential), Float.floatToRawIntBits(gpu), "seed 10: the orders' sums differ");

        // and within float32's error bound of the float64 sum: a chain of 3,907 additions per thread, then 10 rounds
        double exact = 0, abs = 0;
        for (float v : x) {
            exact += v;
            abs += Math.abs(v);
        }
        int depth = (n + 255) / 256 + 2 * ROUNDS_PER_TREE;
        double u = 0x1p-24, gamma = depth * u / (1 - depth * u);
        assertTrue(Math.abs(gpu - exact) <= gamma * abs, "error " + Math.abs(gpu - exact) + " > bound " + gamma * abs);

        // on the emulator: the same bits in whatever order the threads run between barriers and shuffles
        if (CudaAvailability.isEmulated()) {
            EmulatedGpu emu = (EmulatedGpu) CudaBackend.forDevice(0).context().driver();
            try {
                for (String schedule : List.of("forward", "reverse", "shuffle:7")) {
                    emu.schedule(schedule);
                    assertEquals(Float.floatToRawIntBits(gpu), Float.floatToRawIntBits((float) onGpu.sum().item()), schedule);
                }
            } finally {
                emu.schedule("shuffle:1");
            }
        }
    }
}
