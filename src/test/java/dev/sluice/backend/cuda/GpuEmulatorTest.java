package dev.sluice.backend.cuda;

import dev.sluice.nn.Losses;
import dev.sluice.ops.Distillation;
import dev.sluice.ops.NeuralOps;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CUDA emulator's own guarantees (runs where cuda:0 is the emulator: the build's second test run, SLUICE_CUDA=
 * emulate). Its test kernels (native/emu/selftest.cu) carry deliberate bugs, to show each check can fail.
 */
class GpuEmulatorTest {
    private static final Device GPU = Device.cuda(0);

    @BeforeEach
    void emulated() {
        GpuRequirement.require();
        Assumptions.assumeTrue(CudaAvailability.isEmulated(), "cuda:0 is a real GPU: the emulator's checks do not apply");
    }

    private static EmulatedGpu emulator() { return (EmulatedGpu) CudaBackend.forDevice(0).context().driver(); }

    private static Tensor randn(long seed, int... shape) { return Tensor.randn(new Generator(seed), DType.FLOAT32, shape); }

    /** Launches a self-test kernel on one block of `threads` and returns its float output. */
    private static float[] selftest(String kernel, int threads, Object... extra) {
        CudaBackend be = CudaBackend.forDevice(0);
        var out = dev.sluice.backend.View.contiguous(be.allocate(DType.FLOAT32, threads), new int[] {threads});
        Object[] args = new Object[extra.length + 1];
        args[0] = CudaBackend.addr(out);
        System.arraycopy(extra, 0, args, 1, extra.length);
        emulator().launch(kernel, new LaunchConfig(1, 1, 1, threads, 0), args);
        return (float[]) be.toArray(out);
    }

    @Test
    void everyKernelOfTheFatbinIsEmulatedWithTheSameParameters() {
        Map<String, String> ptx = CudaBackend.forDevice(0).context().module().signatures();
        assertTrue(ptx.keySet().containsAll(Kernels.ALL), "fatbin kernels " + ptx.keySet());
        for (var e : ptx.entrySet()) {
            String emulated = emulator().emulatedSignature(e.getKey());
            assertNotNull(emulated, e.getKey());
            assertEquals(e.getValue(), emulated.replace('P', 'L'), e.getKey());
        }
        assertNull(emulator().emulatedSignature("sl_no_such_kernel"));
    }

    @Test
    void aBarrierSomeThreadsSkipIsReportedAsADeadlock() {
        var e = assertThrows(IllegalStateException.class, () -> selftest("sl_selftest_divergent_barrier", 64));
        assertTrue(e.getMessage().contains("sl_selftest_divergent_barrier") && e.getMessage().contains("deadlock")
                && e.getMessage().contains("32 threads wait at __syncthreads") && e.getMessage().contains("32 have exited"),
                e.getMessage());
    }

    @Test
    void threadsAtDifferentBarriersAreReported() {
        var e = assertThrows(IllegalStateException.class, () -> selftest("sl_selftest_two_barriers", 64));
        assertTrue(e.getMessage().contains("sl_selftest_two_barriers") && e.getMessage().contains("wait at different __syncthreads")
                && e.getMessage().contains("selftest.cu:"), e.getMessage());
    }

    @Test
    void aFullMaskShuffleInAPartialWarpIsReported() {
        CudaBackend be = CudaBackend.forDevice(0);
        long x = CudaBackend.addr(dev.sluice.backend.View.contiguous(be.allocate(DType.FLOAT32, 48), new int[] {48}));
        long y = CudaBackend.addr(dev.sluice.backend.View.contiguous(be.allocate(DType.FLOAT32, 48), new int[] {48}));
        var e = assertThrows(IllegalStateException.class,
                () -> emulator().launch(Kernels.SOFTMAX_F32, new LaunchConfig(1, 1, 1, 48, 0), x, y, 1, 48, 0));
        assertTrue(e.getMessage().contains("sl_softmax_f32") && e.getMessage().contains("__shfl_down_sync with a full mask")
                && e.getMessage().contains("16 threads"), e.getMessage());
    }

    @Test
    void shuffleDownGivesLanePlusDeltaWithinEachWarp() {
        float[] out = selftest("sl_selftest_shuffle", 64, 3);
        for (int i = 0; i < 64; i++) {
            int lane = i % 32;
            assertEquals(lane + 3 < 32 ? i + 3 : i, out[i], 0, "thread " + i);
        }
    }

    @Test
    void aMissingBarrierShowsAsScheduleDependentResults() {
        EmulatedGpu emu = emulator();
        try {
            // slot[] keeps the previous launch's values (shared memory is not cleared between launches)
            emu.schedule("forward");
            float[] forward = selftest("sl_selftest_missing_barrier", 64, 1000f);
            assertEquals(1000f, forward[63], 0, "index order: thread 63 reads slot 0 after thread 0 wrote it");
            emu.schedule("reverse");
            float[] reverse = selftest("sl_selftest_missing_barrier", 64, 2000f);
            assertEquals(2001f, reverse[0], 0, "reverse order: thread 1 wrote slot 1 before thread 0 read it");
            assertEquals(1000f, reverse[63], 0, "reverse order: thread 63 read slot 0 before thread 0 rewrote it");
            emu.schedule("forward");
            float[] again = selftest("sl_selftest_missing_barrier", 64, 3000f);
            assertEquals(2001f, again[0], 0, "index order: thread 0 read the previous launch's slot 1, not 3001");
            // with the barrier, every schedule gives the fresh neighbour
            for (String s : List.of("forward", "reverse", "shuffle:5")) {
                emu.schedule(s);
                float[] ok = selftest("sl_selftest_with_barrier", 64, 4000f);
                for (int i = 0; i < 64; i++) assertEquals(4000f + (i + 1) % 64, ok[i], 0, s + " thread " + i);
            }
        } finally {
            emu.schedule("shuffle:1");
        }
    }

    /** The production kernels give bit-identical results whatever order the threads of a block run in. */
    @Test
    void productionKernelsDoNotDependOnThreadOrder() {
        EmulatedGpu emu = emulator();
        List<float[]> reference = null;
        try {
            for (String schedule : List.of("forward", "reverse", "shuffle:7", "shuffle:8")) {
                emu.schedule(schedule);
                List<float[]> results = runKernels();
                if (reference == null) {
                    reference = results;
                    continue;
                }
                for (int i = 0; i < results.size(); i++) {
                    assertArrayEquals(reference.get(i), results.get(i), schedule + ": result " + i + " differs from forward order");
                }
            }
        } finally {
            emu.schedule("shuffle:1");
        }
    }

    private static List<float[]> runKernels() {
        List<float[]> out = new ArrayList<>();
        Tensor x = randn(1, 7, 300).to(GPU).requiresGrad(true);
        Tensor gamma = randn(2, 300).to(GPU).requiresGrad(true), beta = randn(3, 300).to(GPU);
        Tensor y = NeuralOps.layerNorm(x, new int[] {300}, gamma, beta, 1e-5).softmax(1);
        Tensor targets = Tensor.of(new long[] {0, 299, 3, 7, 7, 20, 150}, 7).to(GPU);
        Tensor teacher = randn(4, 7, 300).to(GPU);
        Tensor loss = Losses.crossEntropy(y.mul(5), targets).add(Distillation.forwardKl(x, teacher, 2.0, null))
                .add(x.matmul(randn(5, 300, 70).to(GPU)).relu().sum(1).max());
        loss.backward();
        out.add(y.toFloatArray());
        out.add(loss.reshape(1).toFloatArray());
        out.add(x.grad().toFloatArray());
        out.add(gamma.grad().toFloatArray());
        out.add(x.sum(0).toFloatArray());
        out.add(x.logSoftmax(1).toFloatArray());
        return out;
    }

    @Test
    void anOutOfBoundsWriteFailsTheLaunchNamingTheKernelAndTheBuffer() {
        CudaBackend be = CudaBackend.forDevice(0);
        var buffer = dev.sluice.backend.View.contiguous(be.allocate(DType.FLOAT32, 128), new int[] {128});  // a 512-byte block
        long address = CudaBackend.addr(buffer);
        var e = assertThrows(IllegalStateException.class, () -> emulator().launch("sl_selftest_out_of_bounds",
                new LaunchConfig(1, 1, 1, 256, 0), address, 128));
        assertTrue(e.getMessage().contains("sl_selftest_out_of_bounds") && e.getMessage().contains("invalid memory access (SIGSEGV)")
                && e.getMessage().contains("past the end of the 512-byte device allocation at 0x" + Long.toHexString(address)),
                e.getMessage());
        // the emulator (and the JVM) carry on: the same kernel within bounds works
        emulator().launch("sl_selftest_out_of_bounds", new LaunchConfig(1, 1, 1, 128, 0), address, 7);
        for (float v : (float[]) be.toArray(buffer)) assertEquals(7f, v);
    }

    /**
     * While a launch's fault trap is installed, SIGSEGVs of other threads must still reach the JVM's handler. Here a
     * thread spins in compiled code while another requests garbage collections: each safepoint arms the polling page
     * the spinning thread reads, a SIGSEGV the JVM handles. The trap must have passed some on, and the JVM lives on.
     */
    @Test
    void otherThreadsFaultsStillReachTheJvmDuringLaunches() throws Exception {
        long before = emulator().forwardedFaults();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        long[] spins = {0};
        Thread spinner = new Thread(() -> {
            long n = 0;
            while (!stop.get()) n++;
            spins[0] = n;
        });
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                System.gc();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        spinner.start();
        collector.start();
        Tensor x = randn(6, 64, 256).to(GPU);
        long end = System.nanoTime() + 1_500_000_000L;
        try {
            while (System.nanoTime() < end) x.softmax(1).sum().item();   // launches with barriers and shuffles
        } finally {
            stop.set(true);
            spinner.join();
            collector.join();
        }
        assertTrue(spins[0] > 0);
        assertTrue(emulator().forwardedFaults() > before, "no fault of another thread arrived during a launch");
    }

    @Test
    void aThreadOverflowingItsStackFailsTheLaunch() {
        CudaBackend be = CudaBackend.forDevice(0);
        long address = CudaBackend.addr(dev.sluice.backend.View.contiguous(be.allocate(DType.FLOAT32, 32), new int[] {32}));
        var e = assertThrows(IllegalStateException.class, () -> emulator().launch("sl_selftest_stack_overflow",
                new LaunchConfig(1, 1, 1, 32, 0), address, 200));
        assertTrue(e.getMessage().contains("stack overflow"), e.getMessage());
        emulator().launch("sl_selftest_stack_overflow", new LaunchConfig(1, 1, 1, 32, 0), address, 10);
    }

    @Test
    void pointersOutsideLiveDeviceMemoryAreRefused() {
        var e = assertThrows(IllegalStateException.class, () -> emulator().launch("sl_selftest_shuffle",
                new LaunchConfig(1, 1, 1, 32, 0), 64L, 1));
        assertTrue(e.getMessage().contains("outside every live device allocation"), e.getMessage());
        var f = assertThrows(IllegalStateException.class, () -> emulator().free(64L));
        assertTrue(f.getMessage().contains("not an allocated block"), f.getMessage());
    }

    @Test
    void theMemoryLimitGivesOutOfDeviceMemory() {
        EmulatedGpu small = new EmulatedGpu(Map.of(), 1 << 20);
        long a = small.malloc(600_000);
        assertThrows(DeviceMemory.OutOfDeviceMemory.class, () -> small.malloc(600_000));
        small.free(a);
        small.free(small.malloc(600_000));
    }
}
