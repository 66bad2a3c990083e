package dev.sluice.backend.cuda;

import dev.sluice.experiments.recontext.LmReproduction;
import dev.sluice.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The recontextualization LM reproduction (`sluice recontext lm --device cuda`) shortened on cuda:0: the prior's SFT
 * follows the CPU run (same batches: losses within 1e-3), and a round of expert iteration (sampling from left-padded
 * batches with the KV cache, best-of-N, response-only SFT under the training prompt) runs for two pairs.
 */
class GpuRecontextLmTest {
    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    @Test
    void theLmReproductionRunsOnTheGpuAsOnTheCpu() {
        var cfg = LmReproduction.Config.defaults().withBudget(10, 1).withRoundSize(4, 2, 2, 8);
        List<Double> cpuLoss = new ArrayList<>(), gpuLoss = new ArrayList<>();
        var pairs = List.of(LmReproduction.PAIRS.get(0), LmReproduction.PAIRS.get(2));   // standard, and recontextualized NoHack→HackOK
        var cpu = LmReproduction.run(cfg, pairs, Device.CPU, p -> { if (p.run().equals("prior SFT")) cpuLoss.add(p.loss()); });
        var gpu = LmReproduction.run(cfg, pairs, Device.cuda(0), p -> { if (p.run().equals("prior SFT")) gpuLoss.add(p.loss()); });
        assertEquals(cpuLoss.size(), gpuLoss.size());
        for (int i = 0; i < cpuLoss.size(); i++) assertEquals(cpuLoss.get(i), gpuLoss.get(i), 1e-3 * cpuLoss.get(i), "prior SFT loss");
        assertEquals(cpu.prior().neutral().hack(), gpu.prior().neutral().hack(), 0.13, "prior hack rate (8 problems)");
        assertEquals(2, gpu.pairs().size());
        for (var p : gpu.pairs()) {
            assertEquals(1, p.rounds().size(), p.pair().kind());
            double h = p.end().neutral().hack();
            assertTrue(h >= 0 && h <= 1, p.pair().kind() + " hack rate " + h);
        }
    }
}
