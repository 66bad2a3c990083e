package dev.sluice.methods.recontext;

import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Best-of-N expert iteration with recontextualization: per problem, sample N responses under the generation prompt,
 * keep the one with the highest training reward (ties broken uniformly at random from the seeded rng), then fine-tune
 * with a response-only cross-entropy on (training prompt, kept response) — a fresh Adam each round, minibatches drawn
 * with replacement.
 * {@snippet :
 * Policy policy = new GptPolicy(new GPT(new GPT.Config(64, 32, 64, 4, 2, 0.0), new Generator(0)));
 * int[][] problems = {{1, 5, 6, 7, 2}, {3, 5, 6, 7, 4}};              // each holds the instruction span 5 6 7
 * PromptTransform gen = PromptTransform.identity();                    // sample under the original instruction
 * PromptTransform train = PromptTransform.replace("permissive", new int[] {5, 6, 7}, new int[] {5, 8, 7});
 * Reward reward = (problem, response) -> response[0] == problem[0] ? 1 : 0;   // the (misspecified) training reward
 * Reward truth = (problem, response) -> response[0] == problem[4] ? 1 : 0;    // the ground truth, never trained on
 *
 * ExpertIteration ei = new ExpertIteration(new ExpertIteration.Config(8, 20, 4, 1e-3, new Generation.Config(4, 1.0, 0, -1)));
 * SplittableRandom rng = new SplittableRandom(0);
 * for (int round = 0; round < 5; round++) {
 *     ExpertIteration.RoundStats s = ei.round(policy, problems, gen, train, reward, truth, rng);
 * }
 * }
 */
public final class ExpertIteration {
    /**
     * Settings of expert iteration.
     *
     * @param samples N responses per problem
     * @param sftSteps optimiser steps per round
     * @param batchSize examples per step (drawn with replacement from the kept ones)
     * @param lr Adam learning rate
     * @param sampling how responses are sampled
     */
    public record Config(int samples, int sftSteps, int batchSize, double lr, Generation.Config sampling) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException unless samples ≥ 1, sftSteps ≥ 0, batchSize ≥ 1 and lr &gt; 0
         */
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

    /**
     * A trainer with the given settings.
     *
     * @param cfg the settings
     */
    public ExpertIteration(Config cfg) { this.cfg = cfg; }

    /**
     * The settings.
     *
     * @return the configuration given to the constructor
     */
    public Config config() { return cfg; }

    /**
     * One round: sample under {@code gen}, select by {@code reward}, SFT under {@code train}. The policy's parameters
     * are updated in place.
     *
     * @param policy the policy to train
     * @param problems the untransformed prompts
     * @param gen the transform applied to a problem to sample responses
     * @param train the transform applied to a problem for fine-tuning (differing from {@code gen}: recontextualization)
     * @param reward the training reward, used to select
     * @param truth the ground-truth metric, only reported
     * @param rng the source of the sampling seeds, tie-breaking and minibatches
     * @return the round's rewards, truth and final loss
     */
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

    /**
     * Per problem, the row index of a highest-reward sample; ties broken uniformly at random.
     *
     * @param r the rollouts, rows grouped by problem
     * @param rng the source of the tie-breaking
     * @return one row index into {@code r} per problem
     */
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
     * optimiser state) on minibatches drawn with replacement.
     *
     * @param policy the policy to train
     * @param prompts the prompts' token ids
     * @param responses the responses' token ids, one per prompt
     * @param steps the number of optimiser steps (0 for none)
     * @param batchSize the number of pairs per step
     * @param lr the Adam learning rate
     * @param rng the source of the minibatch draws
     * @return the last step's loss, or NaN when {@code steps} is 0
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

    /**
     * The mean negative log-likelihood per response token (padding excluded).
     *
     * @param s the teacher-forced scores of the responses
     * @return the scalar loss −Σ log π / number of response tokens
     */
    public static Tensor responseLoss(ResponseScores s) {
        return s.tokenLogProbs().sum().neg().div(s.mask().sum());
    }
}
