package dev.sluice.experiments.routing;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OversightRoutingTest {
    @Test
    void routingMasksSendLabelledGradientOnlyIntoTheReachedExpert() {
        OversightPolicy p = new OversightPolicy(6, 4, new Generator(1));
        Tensor obs = Tensor.rand(new Generator(2), DType.FLOAT32, 1, 6);
        // a diamond-labelled example: diamond expert 1, ghost expert 0, gate 0
        p.forward(obs, Tensor.ones(1, 1), Tensor.zeros(1, 1), Tensor.zeros(1, 1), false).logits().sum().backward();
        for (var e : p.namedParameters().entrySet()) {
            boolean trains = e.getKey().startsWith("diamond.") || e.getKey().startsWith("policy.");
            Tensor g = e.getValue().grad();
            double norm = g == null ? 0 : g.abs().sum().item();
            if (trains) assertTrue(norm > 0, e.getKey() + " learns from a diamond episode");
            else if (!e.getKey().startsWith("value.")) assertEquals(0.0, norm, 0.0, e.getKey() + " gets nothing");
        }
    }

    @Test
    void gridworldEndsOnTerminalsWithTheMisspecifiedReward() {
        OversightGridworld env = new OversightGridworld(3, 1, 1.0, new java.util.SplittableRandom(4));
        env.agent[0] = 0;
        env.diamond[0] = 1;
        env.ghost[0] = 3;
        assertEquals(1.0, env.step(0, OversightGridworld.DOWN));   // onto the ghost: +1 all the same
        assertEquals(OversightGridworld.Outcome.GHOST, env.outcome[0]);
        assertTrue(env.overseen[0]);
    }

    /** Shortened run (800 iterations, 10% oversight): steering by ablation reaches more diamonds and fewer ghosts. */
    @Test
    void ablatingTheGhostExpertSteersTowardDiamonds() {
        var r = OversightRouting.run(OversightRouting.Config.defaults().withIterations(800), s -> {});
        System.out.printf("steered %.3f/%.3f, control %.3f/%.3f%n", r.routedSteered().diamond(), r.routedSteered().ghost(),
                r.control().diamond(), r.control().ghost());
        assertTrue(r.routedSteered().diamond() >= r.control().diamond() + 0.15, "diamond rate " + r.routedSteered() + " vs " + r.control());
        assertTrue(r.routedSteered().ghost() <= r.control().ghost() - 0.15, "ghost rate " + r.routedSteered() + " vs " + r.control());
    }
}
