package dev.sluice.experiments.routing;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.Losses;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Reproduction 3 of gradient routing (small): scalable oversight in a gridworld. The training reward is +1 for
 * reaching the diamond or the ghost; only a fraction of episodes is overseen (which terminal was reached is known).
 * <ul>
 *   <li><b>routed</b>: overseen diamond episodes train only the diamond expert, overseen ghost episodes only the ghost
 *       expert (and the gate toward it), the rest train everything; at evaluation the ghost expert is ablated.</li>
 *   <li><b>control</b>: the same policy and reward without routing (evaluated as is, and with the same ablation).</li>
 *   <li><b>oversight-only</b>: REINFORCE on overseen episodes only, with the true reward (+1 diamond, −1 ghost).</li>
 * </ul>
 * Metric: the fraction of evaluation episodes that end at the diamond, and at the ghost.
 */
public final class OversightRouting {
    /**
     * Settings. {@code gateWeight} scales the gate's BCE toward the reached expert on overseen episodes: the paper uses
     * 0.01 over far longer training; over this short run 0.01 leaves the gate untrained and steering weak
     * (measured: diamond 0.43 / ghost 0.33 with the ghost expert ablated), 1.0 is the default here.
     */
    public record Config(long seed, int size, int iterations, int episodesPerIteration, int maxSteps, double oversight,
                         double lr, double gamma, double entropy, double gateWeight, int hidden, int evalEpisodes) {
        public Config {
            if (!(oversight > 0 && oversight <= 1)) throw new IllegalArgumentException("oversight must be in (0, 1], got " + oversight);
            if (iterations <= 0) throw new IllegalArgumentException("iterations must be positive, got " + iterations);
        }

        public static Config defaults() { return new Config(0, 5, 1500, 64, 14, 0.1, 3e-3, 0.9, 0.02, 1.0, 64, 2000); }

        public Config withIterations(int i) { return new Config(seed, size, i, episodesPerIteration, maxSteps, oversight, lr, gamma, entropy, gateWeight, hidden, evalEpisodes); }
        public Config withOversight(double q) { return new Config(seed, size, iterations, episodesPerIteration, maxSteps, q, lr, gamma, entropy, gateWeight, hidden, evalEpisodes); }
        public Config withSeed(long s) { return new Config(s, size, iterations, episodesPerIteration, maxSteps, oversight, lr, gamma, entropy, gateWeight, hidden, evalEpisodes); }
    }

    /** Fractions of evaluation episodes ending at each terminal. */
    public record Rates(double diamond, double ghost) {
        Map<String, Object> toJson() { return Map.of("diamond", diamond, "ghost", ghost); }
    }

    public record Result(Config config, Rates routedSteered, Rates routedUnsteered, Rates control, Rates controlAblated,
                         Rates oversightOnly, double seconds) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", "gradient-routing-scalable-oversight");
            m.put("seed", config.seed());
            m.put("oversight", config.oversight());
            m.put("iterations", config.iterations());
            m.put("routed_ghost_expert_ablated", routedSteered.toJson());
            m.put("routed_unsteered", routedUnsteered.toJson());
            m.put("control", control.toJson());
            m.put("control_same_ablation", controlAblated.toJson());
            m.put("oversight_only_reinforce", oversightOnly.toJson());
            m.put("seconds", seconds);
            return m;
        }
    }

    private enum Mode { ROUTED, CONTROL, OVERSIGHT_ONLY }

    private OversightRouting() {}

    public static Result run(Config cfg, Consumer<String> progress) {
        long t0 = System.nanoTime();
        OversightPolicy routed = train(cfg, Mode.ROUTED, progress);
        OversightPolicy control = train(cfg, Mode.CONTROL, progress);
        OversightPolicy filtered = train(cfg, Mode.OVERSIGHT_ONLY, progress);
        return new Result(cfg, evaluate(cfg, routed, true), evaluate(cfg, routed, false), evaluate(cfg, control, false),
                evaluate(cfg, control, true), evaluate(cfg, filtered, false), (System.nanoTime() - t0) / 1e9);
    }

    static OversightPolicy train(Config cfg, Mode mode, Consumer<String> progress) {
        int obsSize = OversightGridworld.observationSize(cfg.size());
        OversightPolicy policy = new OversightPolicy(obsSize, cfg.hidden(), new Generator(cfg.seed() + 1));
        Adam opt = new Adam(policy.parameters(), cfg.lr());
        SplittableRandom rng = new SplittableRandom(cfg.seed() + 2);
        Generator sampling = new Generator(cfg.seed() + 3);
        for (int it = 0; it < cfg.iterations(); it++) {
            OversightGridworld env = new OversightGridworld(cfg.size(), cfg.episodesPerIteration(), cfg.oversight(), rng);
            Rollout ro = rollout(cfg, env, policy, false, sampling);
            // per-step returns; in oversight-only mode, only overseen episodes with the true reward
            List<Integer> keep = new ArrayList<>();
            for (int k = 0; k < ro.episode.size(); k++) {
                int e = ro.episode.get(k);
                if (mode != Mode.OVERSIGHT_ONLY || (env.overseen[e] && env.outcome[e] != OversightGridworld.Outcome.TIMEOUT)) keep.add(k);
            }
            if (keep.isEmpty()) continue;
            int n = keep.size();
            float[] obs = new float[n * obsSize], ret = new float[n], mD = new float[n], mG = new float[n], mGate = new float[n], gateTarget = new float[n], labelled = new float[n];
            long[] act = new long[n];
            for (int j = 0; j < n; j++) {
                int k = keep.get(j), e = ro.episode.get(k);
                System.arraycopy(ro.obs.get(k), 0, obs, j * obsSize, obsSize);
                act[j] = ro.action.get(k);
                var outcome = env.outcome[e];
                double terminal = mode == Mode.OVERSIGHT_ONLY && outcome == OversightGridworld.Outcome.GHOST ? -1 : outcome == OversightGridworld.Outcome.TIMEOUT ? 0 : 1;
                ret[j] = (float) (terminal * Math.pow(cfg.gamma(), ro.stepsToEnd.get(k)));
                boolean label = mode == Mode.ROUTED && env.overseen[e] && outcome != OversightGridworld.Outcome.TIMEOUT;
                boolean isDiamond = outcome == OversightGridworld.Outcome.DIAMOND;
                mD[j] = label && !isDiamond ? 0 : 1;
                mG[j] = label && isDiamond ? 0 : 1;
                mGate[j] = label ? 0 : 1;
                labelled[j] = label ? 1 : 0;
                gateTarget[j] = isDiamond ? 1 : 0;
            }
            Tensor x = Tensor.of(obs, n, obsSize);
            OversightPolicy.Output out = mode == Mode.ROUTED
                    ? policy.forward(x, Tensor.of(mD, n, 1), Tensor.of(mG, n, 1), Tensor.of(mGate, n, 1), false)
                    : policy.forward(x, null, null, null, false);
            Tensor logp = out.logits().logSoftmax(1);
            Tensor chosen = logp.gather(1, Tensor.of(act, n, 1)).reshape(n);
            Tensor returns = Tensor.of(ret, n);
            Tensor advantage = returns.sub(out.value().detach());
            Tensor loss = chosen.mul(advantage).mean().neg()
                    .add(Losses.mse(out.value(), returns).mul(0.5))
                    .add(logp.exp().mul(logp).sum(new int[] {1}, false).mean().mul(cfg.entropy()));
            double nLabelled = 0;
            for (float l : labelled) nLabelled += l;
            if (nLabelled > 0) {
                // gate loss toward the reached expert, labelled episodes only (BCE with logits, masked mean)
                Tensor z = out.gateLogit(), t = Tensor.of(gateTarget, n), w = Tensor.of(labelled, n);
                Tensor bce = Tensor.stack(-1, Tensor.zerosLike(z), z).logsumexp(new int[] {-1}, false).sub(z.mul(t));
                loss = loss.add(bce.mul(w).sum().mul(cfg.gateWeight() / nLabelled));
            }
            opt.zeroGrad();
            loss.backward();
            opt.step();
            if (it % 100 == 0 || it == cfg.iterations() - 1) {
                Rates r = ro.rates(env);
                progress.accept(String.format("%-15s iteration %4d  diamond %.2f  ghost %.2f", mode.name().toLowerCase(), it, r.diamond(), r.ghost()));
            }
        }
        return policy;
    }

    /** One batch of episodes under the policy (sampled moves); records every step of every episode. */
    static Rollout rollout(Config cfg, OversightGridworld env, OversightPolicy policy, boolean ablate, Generator sampling) {
        int obsSize = OversightGridworld.observationSize(cfg.size());
        Rollout ro = new Rollout();
        List<List<Integer>> stepsOf = new ArrayList<>();
        for (int i = 0; i < env.n; i++) stepsOf.add(new ArrayList<>());
        for (int t = 0; t < cfg.maxSteps(); t++) {
            List<Integer> alive = new ArrayList<>();
            for (int i = 0; i < env.n; i++) if (env.running(i)) alive.add(i);
            if (alive.isEmpty()) break;
            float[] obs = new float[alive.size() * obsSize];
            for (int j = 0; j < alive.size(); j++) env.observe(alive.get(j), obs, j * obsSize);
            float[] probs;
            try (var ignored = GradMode.noGrad()) {
                probs = policy.forward(Tensor.of(obs, alive.size(), obsSize), null, null, null, ablate).logits().softmax(1).toFloatArray();
            }
            double[] u = Tensor.rand(sampling, DType.FLOAT64, alive.size()).toDoubleArray();
            for (int j = 0; j < alive.size(); j++) {
                int i = alive.get(j), a = 0;
                double acc = probs[4 * j];
                while (a < 3 && u[j] >= acc) acc += probs[4 * j + ++a];
                ro.obs.add(java.util.Arrays.copyOfRange(obs, j * obsSize, (j + 1) * obsSize));
                ro.action.add(a);
                ro.episode.add(i);
                stepsOf.get(i).add(ro.obs.size() - 1);
                env.step(i, a);
            }
        }
        for (int i = 0; i < env.n; i++) env.timeOut(i);
        for (int k = 0; k < ro.obs.size(); k++) ro.stepsToEnd.add(0);
        for (List<Integer> steps : stepsOf) {
            for (int s = 0; s < steps.size(); s++) ro.stepsToEnd.set(steps.get(s), steps.size() - 1 - s);
        }
        return ro;
    }

    static Rates evaluate(Config cfg, OversightPolicy policy, boolean ablateGhost) {
        OversightGridworld env = new OversightGridworld(cfg.size(), cfg.evalEpisodes(), 0, new SplittableRandom(cfg.seed() + 99));
        return rollout(cfg, env, policy, ablateGhost, new Generator(cfg.seed() + 98)).rates(env);
    }

    static final class Rollout {
        final List<float[]> obs = new ArrayList<>();
        final List<Integer> action = new ArrayList<>(), episode = new ArrayList<>(), stepsToEnd = new ArrayList<>();

        Rates rates(OversightGridworld env) {
            int d = 0, g = 0;
            for (var o : env.outcome) {
                if (o == OversightGridworld.Outcome.DIAMOND) d++;
                if (o == OversightGridworld.Outcome.GHOST) g++;
            }
            return new Rates((double) d / env.n, (double) g / env.n);
        }
    }
}
