package dev.sluice.backend.cuda;

import dev.sluice.experiments.FashionMnistTraining;
import dev.sluice.tensor.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The main job's training loop on cuda:0 (`sluice train fashion-mnist --device cuda`), shortened: one epoch over 6,000
 * real images with a smaller MLP, against the same seeded run on the CPU.
 */
class GpuFashionMnistTest {
    @BeforeEach
    void gpu() {
        GpuRequirement.require();
        Assumptions.assumeTrue(Files.isDirectory(dev.sluice.io.FashionMnist.defaultDirectory()), "Fashion-MNIST is not installed");
    }

    @Test
    void trainingOnTheGpuFollowsTheCpuRun() throws Exception {
        var cfg = FashionMnistTraining.Config.defaults().withEpochs(1).withLimits(6_000, 1_000).withHiddenSizes(64, 32);
        var cpu = FashionMnistTraining.run(cfg, e -> {}).epochs().getFirst();
        var result = FashionMnistTraining.run(cfg.withDevice(Device.cuda(0)), e -> {});
        var gpu = result.epochs().getFirst();
        assertEquals(cpu.trainLoss(), gpu.trainLoss(), 1e-3 * cpu.trainLoss(), "mean training loss");
        assertEquals(cpu.testAccuracy(), gpu.testAccuracy(), 0.01, "test accuracy");
        assertTrue(gpu.testAccuracy() > 0.6, "learns (chance is 0.1): " + gpu.testAccuracy());
        assertEquals("cuda:0", result.toJson().get("device"));
    }
}
