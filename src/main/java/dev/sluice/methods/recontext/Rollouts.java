package dev.sluice.methods.recontext;

import dev.sluice.nn.Generation;
import dev.sluice.tensor.Generator;

import java.util.SplittableRandom;

/**
 * A batch of sampled responses: each problem repeated {@code perProblem} times, sampled under the generation transform,
 * scored by the training reward and by the ground truth.
 *
 * @param problems the untransformed prompts, one per row (row i answers problem i / perProblem)
 * @param responses the sampled response token ids, one per row
 * @param rewards the training reward per row
 * @param truth the ground-truth metric per row (never trained on)
 * @param perProblem the number of consecutive rows per problem
 */
public record Rollouts(int[][] problems, int[][] responses, double[] rewards, double[] truth, int perProblem) {
    /**
     * Samples {@code perProblem} responses per problem under {@code gen}; row generators are seeded from rng.
     *
     * @param policy the policy to sample from
     * @param problems the untransformed prompts
     * @param perProblem the number of samples per problem, at least 1
     * @param gen the transform applied to each problem before sampling
     * @param sampling the sampling settings
     * @param reward the training reward
     * @param truth the ground-truth metric
     * @param rng the source of the per-row seeds
     * @return problems.length × perProblem rows, grouped by problem
     * @throws IllegalArgumentException if there are no problems or perProblem &lt; 1
     */
    public static Rollouts sample(Policy policy, int[][] problems, int perProblem, PromptTransform gen,
                                  Generation.Config sampling, Reward reward, Reward truth, SplittableRandom rng) {
        if (problems.length == 0) throw new IllegalArgumentException("Rollouts.sample: no problems");
        if (perProblem < 1) throw new IllegalArgumentException("Rollouts.sample: perProblem must be >= 1, got " + perProblem);
        int n = problems.length * perProblem;
        int[][] rows = new int[n][], prompts = new int[n][];
        Generator[] gens = new Generator[n];
        for (int i = 0; i < n; i++) {
            rows[i] = problems[i / perProblem];
            prompts[i] = gen.apply(rows[i]);
            gens[i] = new Generator(rng.nextLong());
        }
        int[][] responses = policy.sample(prompts, sampling, gens);
        double[] r = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = reward.score(rows[i], responses[i]);
            t[i] = truth.score(rows[i], responses[i]);
        }
        return new Rollouts(rows, responses, r, t, perProblem);
    }

    /**
     * The number of rows.
     *
     * @return problems × perProblem
     */
    public int size() { return responses.length; }

    /**
     * The rows' prompts under a transform.
     *
     * @param t the transform
     * @return one transformed prompt per row
     */
    public int[][] prompts(PromptTransform t) { return t.apply(problems); }

    /**
     * The mean training reward over rows.
     *
     * @return the mean of {@link #rewards()}
     */
    public double meanReward() { return mean(rewards); }

    /**
     * The mean ground-truth metric over rows.
     *
     * @return the mean of {@link #truth()}
     */
    public double meanTruth() { return mean(truth); }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }
}
