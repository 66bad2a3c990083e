package dev.sluice.backend.cuda;

import dev.sluice.experiments.undo.UndoArithmetic;
import dev.sluice.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The UNDO reproduction's whole pipeline (pretrain, unlearn, shrink-and-perturb, distil, relearning attack) on cuda:0
 * (`sluice undo arithmetic --device cuda`), shortened, against the same seeded run on the CPU.
 */
class GpuUndoArithmeticTest {
    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    @Test
    void theUndoPipelineOnTheGpuFollowsTheCpuRun() {
        var cfg = UndoArithmetic.Config.defaults().withModulus(11).withNoise(new double[][] {{0.8, 0.1}})
                .withBudget(20, 5, 10, 3, new int[] {0, 3});
        var cpu = UndoArithmetic.run(cfg, p -> {});
        var gpu = UndoArithmetic.run(cfg.withDevice(Device.cuda(0)), p -> {});
        assertEquals("cuda:0", gpu.toJson().get("device"));
        assertEquals(cpu.models().size(), gpu.models().size());
        for (int i = 0; i < cpu.models().size(); i++) {
            var c = cpu.models().get(i);
            var g = gpu.models().get(i);
            assertEquals(c.name(), g.name());
            assertEquals(c.steps(), g.steps(), c.name() + " steps");
            assertEquals(c.retainLoss(), g.retainLoss(), 1e-3 * c.retainLoss() + 1e-4, c.name() + " retain loss");
            assertEquals(c.retainAccuracy(), g.retainAccuracy(), 0.02, c.name() + " retain accuracy");
            assertEquals(c.attackedForgetAccuracy(), g.attackedForgetAccuracy(), 0.03, c.name() + " attacked forget accuracy");
        }
    }
}
