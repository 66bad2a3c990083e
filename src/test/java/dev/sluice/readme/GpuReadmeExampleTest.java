package dev.sluice.readme;

import dev.sluice.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The README's GPU example runs on cuda:0 (a GPU, or the emulator in the build's second test run) as on the CPU. */
class GpuReadmeExampleTest {
    @Test
    void theGpuExampleTrainsOnCudaAsOnTheCpu() {
        dev.sluice.backend.cuda.GpuRequirement.require();
        var cpu = ReadmeGpuExample.run(Device.CPU);
        var gpu = ReadmeGpuExample.run(Device.cuda(0));
        assertEquals(Device.cuda(0), gpu.gradientDevice());
        assertEquals(cpu.loss(), gpu.loss(), 1e-5 * cpu.loss());
        assertArrayEquals(cpu.firstGradient(), gpu.firstGradient(), 1e-5f);
    }
}
