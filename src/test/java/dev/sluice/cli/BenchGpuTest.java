package dev.sluice.cli;

import dev.sluice.backend.cuda.CudaAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sluice bench gpu} without a GPU, and on the CUDA emulator (whose timings would measure the CPU): one
 * "sluice bench: GPU unavailable: reason" line on stderr and exit status 2.
 */
class BenchGpuTest {
    @Test
    void withoutAGpuItSaysWhyInOneLineAndExitsWithStatusTwo() {
        Assumptions.assumeTrue(CudaAvailability.unavailableReason() != null || CudaAvailability.isEmulated(), "a GPU is usable here");
        CliRun r = CliRun.of("bench", "gpu", "--quick");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("sluice bench: GPU unavailable: "), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertFalse(r.err().contains("Exception"), r.toString());
        if (CudaAvailability.isEmulated()) assertTrue(r.err().contains("CUDA emulator"), r.toString());
    }
}
