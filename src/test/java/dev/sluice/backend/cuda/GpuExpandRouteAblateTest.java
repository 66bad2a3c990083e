package dev.sluice.backend.cuda;

import dev.sluice.experiments.routing.ExpandRouteAblate;
import dev.sluice.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Expand-Route-Ablate's whole pipeline (token-routed training with the L1 term and gradient clipping, ablation,
 * the coherence fine-tune with best-state restore, the relearning attack) on cuda:0 (`sluice routing era --device
 * cuda`), shortened, against the same seeded run on the CPU.
 */
class GpuExpandRouteAblateTest {
    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    @Test
    void eraOnTheGpuFollowsTheCpuRun() {
        var cfg = ExpandRouteAblate.Config.defaults().withSteps(4).withBatchSize(2).withLabelFractions(1.0).withEvaluation(2, 2)
                .withCoherence(2, 2).withAttack(2, 2);
        var cpu = ExpandRouteAblate.run(cfg, p -> {});
        var gpu = ExpandRouteAblate.run(cfg, Device.cuda(0), p -> {});
        assertEquals(cpu.runs().size(), gpu.runs().size());
        for (int i = 0; i < cpu.runs().size(); i++) {
            var c = cpu.runs().get(i);
            var g = gpu.runs().get(i);
            String name = c.method() + "@" + c.labelFraction();
            assertEquals(c.trained().retain(), g.trained().retain(), 1e-3 * c.trained().retain(), name + " trained retain loss");
            assertEquals(c.trained().forget(), g.trained().forget(), 1e-3 * c.trained().forget(), name + " trained forget loss");
            assertEquals(c.afterMethod().forget(), g.afterMethod().forget(), 1e-3 * c.afterMethod().forget(), name + " forget loss after the method");
            assertEquals(c.attackCurve().size(), g.attackCurve().size());
            for (int s = 0; s < c.attackCurve().size(); s++) {
                assertEquals(c.attackCurve().get(s), g.attackCurve().get(s), 2e-3 * c.attackCurve().get(s), name + " attack step " + s);
            }
        }
    }
}
