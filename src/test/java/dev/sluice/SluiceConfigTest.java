package dev.sluice;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The public runtime configuration: thread count at any time, thread names, kernel report, strict mode. */
class SluiceConfigTest {
    private final int initial = Sluice.threads();

    @AfterEach
    void restore() { Sluice.setThreads(initial); }

    private static List<String> poolThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("sluice-cpu-")).sorted().toList();
    }

    /** A product large enough to be split across every thread. */
    private static float[] bigProduct() {
        Tensor a = Tensor.randn(new Generator(11), DType.FLOAT32, 384, 384);
        return a.matmul(a).toFloatArray();
    }

    @Test
    void threadCountCanBeChangedAfterFirstUseAndResultsKeepTheirBits() {
        float[] before = bigProduct();          // first use at the configured count
        Sluice.setThreads(1);
        assertEquals(1, Sluice.threads());
        float[] single = bigProduct();
        Sluice.setThreads(3);
        assertEquals(3, Sluice.threads());
        float[] three = bigProduct();
        assertArrayEquals(before, single, "1 thread gives the same bits");
        assertArrayEquals(before, three, "3 threads give the same bits");
    }

    /** 3 threads = the caller + workers sluice-cpu-1 and -2 (the old pool's workers exit once it shuts down). */
    @Test
    void poolThreadsAreNamedFromOne() throws InterruptedException {
        Sluice.setThreads(3);
        List<String> names = List.of();
        for (int attempt = 0; attempt < 100; attempt++) {
            bigProduct();
            names = poolThreadNames();
            if (!names.isEmpty() && List.of("sluice-cpu-1", "sluice-cpu-2").containsAll(names)) break;
            Thread.sleep(20);
        }
        assertFalse(names.isEmpty(), "the product used the pool");
        assertTrue(List.of("sluice-cpu-1", "sluice-cpu-2").containsAll(names), "workers are sluice-cpu-1..2: " + names);
    }

    @Test
    void badThreadCountsAreRefusedWithTheRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sluice.setThreads(0));
        assertEquals("setThreads: thread count must be in [1, 1024], got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sluice.setThreads(-3));
        assertThrows(IllegalArgumentException.class, () -> Sluice.setThreads(5000));
        assertEquals(initial, Sluice.threads(), "a refused count changes nothing");
    }

    @Test
    void kernelsReportWhatRuns() {
        KernelInfo k = Sluice.kernels();
        assertNotNull(k.name());
        assertNotNull(k.cpu());
        // the tests run as a module, so the vector module is there unless SLUICE_KERNELS=scalar forces the reference
        boolean forcedScalar = "scalar".equals(System.getenv("SLUICE_KERNELS")) || "scalar".equals(System.getProperty("sluice.kernels"));
        assertEquals(!forcedScalar, k.vectorized(), k.toString());
        assertNull(k.fallbackReason(), "nothing fell back: " + k);
    }

    @Test
    void strictModeIsAcceptedWhenTheVectorKernelsRun() {
        assertFalse(Sluice.strictKernels());
        try {
            Sluice.setStrictKernels(true);
            assertTrue(Sluice.strictKernels());
            assertEquals(6.0, Tensor.of(new float[] {1, 2, 3}, 3).sum().item(), 0.0);
        } finally {
            Sluice.setStrictKernels(false);
        }
    }
}
