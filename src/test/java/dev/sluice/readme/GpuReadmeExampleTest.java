package dev.sluice.readme;

import dev.sluice.backend.cuda.CudaAvailability;
import dev.sluice.tensor.Device;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The README's GPU example runs on cuda:0 (a GPU, or the emulator in the build's second test run) as on the CPU. */
class GpuReadmeExampleTest {
    @Test
    void theGpuExampleTrainsOnCudaAsOnTheCpu() {
        String reason = CudaAvailability.unavailableReason();
        if (reason != null) {
            if ("1".equals(System.getenv("SLUICE_REQUIRE_GPU"))) Assertions.fail("GPU unavailable: " + reason + " (SLUICE_REQUIRE_GPU=1)");
            Assumptions.abort("GPU unavailable: " + reason);
        }
        var cpu = ReadmeGpuExample.run(Device.CPU);
        var gpu = ReadmeGpuExample.run(Device.cuda(0));
        assertEquals(Device.cuda(0), gpu.gradientDevice());
        assertEquals(cpu.loss(), gpu.loss(), 1e-5 * cpu.loss());
        assertArrayEquals(cpu.firstGradient(), gpu.firstGradient(), 1e-5f);
    }
}
