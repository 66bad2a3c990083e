package dev.sluice.experiments.routing;

import dev.sluice.nn.Activation;
import dev.sluice.nn.ActivationLayer;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Module;
import dev.sluice.nn.Sequential;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * The paper's mixture-of-experts policy for the oversight gridworld (papers.md §1.1, RL; gate without the conv layer):
 * {@code MoE(s) = E_D(s)·Γ(s) + E_G(s)·(1 − Γ(s))}, then a policy head over 4 moves and a value head. Routing masks
 * are per example: for an episode seen to reach the diamond, gradient flows only into E_D (Γ detached); for the
 * ghost, only into E_G; otherwise everywhere. Steering = ablating the ghost expert (Γ ≡ 1).
 */
public final class OversightPolicy extends Module {
    /** Logits over the moves [n, 4], state values [n], gate logits [n]. */
    public record Output(Tensor logits, Tensor value, Tensor gateLogit) {}

    private final Sequential diamondExpert, ghostExpert, gate;
    private final Linear policyHead, valueHead;

    public OversightPolicy(int observation, int hidden, Generator gen) {
        diamondExpert = register("diamond", expert(observation, hidden, gen));
        ghostExpert = register("ghost", expert(observation, hidden, gen));
        gate = register("gate", new Sequential(new Linear(observation, hidden, gen), new ActivationLayer(Activation.RELU),
                new Linear(hidden, 1, gen)));
        policyHead = register("policy", new Linear(hidden, 4, gen));
        valueHead = register("value", new Linear(hidden, 1, gen));
    }

    private static Sequential expert(int in, int hidden, Generator gen) {
        return new Sequential(new Linear(in, hidden, gen), new ActivationLayer(Activation.RELU), new Linear(hidden, hidden, gen));
    }

    /**
     * @param routeDiamond per-example [n, 1] mask on the diamond expert's output (0 for ghost-labelled episodes), or null
     * @param routeGhost   per-example [n, 1] mask on the ghost expert's output (0 for diamond-labelled episodes), or null
     * @param routeGate    per-example [n, 1] mask on the gate (0 for labelled episodes), or null
     * @param ablateGhost  steer: Γ ≡ 1, the ghost expert is cut out
     */
    public Output forward(Tensor obs, Tensor routeDiamond, Tensor routeGhost, Tensor routeGate, boolean ablateGhost) {
        Tensor d = diamondExpert.forward(obs), g = ghostExpert.forward(obs);
        Tensor gateLogit = gate.forward(obs);                       // [n, 1]
        Tensor mixed;
        if (ablateGhost) {
            mixed = d;
        } else {
            Tensor gamma = gateLogit.sigmoid(), rest = gamma.neg().add(1.0);
            if (routeGate != null) {
                gamma = gamma.route(routeGate);
                rest = rest.route(routeGate);
            }
            if (routeDiamond != null) d = d.route(routeDiamond);
            if (routeGhost != null) g = g.route(routeGhost);
            mixed = d.mul(gamma).add(g.mul(rest));
        }
        Tensor h = mixed.relu();
        return new Output(policyHead.forward(h), valueHead.forward(h).reshape(-1), gateLogit.reshape(-1));
    }
}
