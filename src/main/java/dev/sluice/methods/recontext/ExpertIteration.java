package dev.sluice.methods.recontext;

import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Best-of-N expert iteration with recontextualization: per problem, sample N responses under the generation
 * prompt, keep the one with the highest training reward (ties broken uniformly at random from the seeded rng), then
 * fine-tune with a response-only cross-entropy on (training prompt, kept response) — a fresh Adam each round,
 * minibatches drawn with replacement.
 */
public final class ExpertIteration {
    /**
     * @param samples   N responses per problem
     * @param sftSteps  optimiser steps per round
     * @param batchSize examples per step (drawn with replacement from the kept ones)
     * @param lr        Adam learning rate
     * @param sampling  how responses are sampled
     */
    public record Config(int samples, int sftSteps, int batchSize, double lr, Generation.Config sampling) {
        public Config {
            if (samples < 1 || sftSteps < 0 || batchSize < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("ExpertIteration.Config: need samples >= 1, sftSteps >= 0, batchSize >= 1, lr > 0; got " + this);
            }
        }
    }

    /**
     * One round's numbers.
     *
     * @param sampledReward mean training reward over all N samples per problem
     * @param sampledTruth  mean ground truth over all samples
     * @param keptReward    mean training reward of the kept responses
     * @param keptTruth     mean ground truth of the kept responses
     * @param finalLoss     the last SFT step's loss
     */
    public record RoundStats(double sampledReward, double sampledTruth, double keptReward, double keptTruth, double finalLoss) {}

    private final Config cfg;

    public ExpertIteration(Config cfg) { this.cfg = cfg; }

    /** The settings. */
    public Config config() { return cfg; }

    /** One round: sample under {@code gen}, select by {@code reward}, SFT under {@code train}. */
    public RoundStats round(Policy policy, int[][] problems, PromptTransform gen, PromptTransform train,
                            Reward reward, Reward truth, SplittableRandom rng) {
        Rollouts rollouts = Rollouts.sample(policy, problems, cfg.samples(), gen, cfg.sampling(), reward, truth, rng);
        int[] best = select(rollouts, rng);
        int[][] prompts = new int[problems.length][], responses = new int[problems.length][];
        double keptReward = 0, keptTruth = 0;
        for (int p = 0; p < problems.length; p++) {
            prompts[p] = train.apply(problems[p]);
            responses[p] = rollouts.responses()[best[p]];
            keptReward += rollouts.rewards()[best[p]];
            keptTruth += rollouts.truth()[best[p]];
        }
        double loss = sft(policy, prompts, responses, cfg.sftSteps(), cfg.batchSize(), cfg.lr(), rng);
        return new RoundStats(rollouts.meanReward(), rollouts.meanTruth(), keptReward / problems.length, keptTruth / problems.length, loss);
    }

    /** Per problem, the row index of a highest-reward sample; ties broken uniformly at random. */
    public static int[] select(Rollouts r, SplittableRandom rng) {
        int problems = r.size() / r.perProblem();
        int[] best = new int[problems];
        for (int p = 0; p < problems; p++) {
            double max = Double.NEGATIVE_INFINITY;
            List<Integer> ties = new ArrayList<>();
            for (int i = p * r.perProblem(); i < (p + 1) * r.perProblem(); i++) {
                double s = r.rewards()[i];
                if (s > max) {
                    max = s;
                    ties.clear();
                }
                if (s == max) ties.add(i);
            }
            best[p] = ties.get(rng.nextInt(ties.size()));
        }
        return best;
    }

    /**
     * Supervised fine-tuning on (prompt, response) pairs with a response-only loss: {@code steps} Adam steps (fresh
     * optimiser state) on minibatches drawn with replacement. Returns the last step's loss.
     */
    public static double sft(Policy policy, int[][] prompts, int[][] responses, int steps, int batchSize, double lr, SplittableRandom rng) {
        Adam opt = new Adam(policy.parameters(), lr);
        double last = Double.NaN;
        int[][] bp = new int[batchSize][], br = new int[batchSize][];
        for (int step = 0; step < steps; step++) {
            for (int i = 0; i < batchSize; i++) {
                int j = rng.nextInt(prompts.length);
                bp[i] = prompts[j];
                br[i] = responses[j];
            }
            opt.zeroGrad();
            Tensor loss = responseLoss(policy.score(bp, br, false));
            loss.backward();
            opt.step();
            last = loss.item();
        }
        return last;
    }

    /** Mean negative log-likelihood per response token (padding excluded). */
    public static Tensor responseLoss(ResponseScores s) {
        return s.tokenLogProbs().sum().neg().div(s.mask().sum());
    }
}
