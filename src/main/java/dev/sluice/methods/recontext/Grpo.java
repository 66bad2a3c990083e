package dev.sluice.methods.recontext;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * GRPO with recontextualization, following the authors' trainer (papers.md §3.1): k samples per problem under the
 * generation prompt; training-reward scores normalised within each group, A = (s − mean)/std (std &lt; 1e−5 → 1);
 * the per-sequence term −β·Σ_t(log π_old − log π_ref) + c_H·mean_t H(π_old) added to A (both computed under the
 * generation prompt, as the samples were); then for several epochs the clipped objective
 * <pre>
 *   ρ_i = exp( Σ_t log π_θ(y_it | train prompt) − Σ_t log π_old(y_it | generation prompt) )
 *   L   = − mean_i min( ρ_i A_i , clip(ρ_i, 1−ε, 1+ε) A_i )
 * </pre>
 * with one full-batch Adam step per epoch. The ratio is sequence-level, and it is off-policy as soon as the prompts
 * differ (ρ ≠ 1 at the first step; no importance correction, as in the paper). With identical prompts, one epoch,
 * β = 0 and c_H = 0 this is REINFORCE with a group baseline: ρ ≡ 1 and ∇L = −mean_i A_i ∇ log π_θ(y_i).
 *
 * <p>Recontextualization samples under one prompt and trains as if the responses had answered another:
 * {@snippet :
 * Policy policy = new GptPolicy(new GPT(new GPT.Config(64, 32, 64, 4, 2, 0.0), new Generator(0)));
 * Policy reference = policy.frozenCopy();
 * int[][] problems = {{1, 5, 6, 7, 2}, {3, 5, 6, 7, 4}};              // each holds the instruction span 5 6 7
 * PromptTransform gen = PromptTransform.identity();                    // sample under the original instruction
 * PromptTransform train = PromptTransform.replace("permissive", new int[] {5, 6, 7}, new int[] {5, 8, 7});
 * Reward reward = (problem, response) -> response[0] == problem[0] ? 1 : 0;   // the (misspecified) training reward
 * Reward truth = (problem, response) -> response[0] == problem[4] ? 1 : 0;    // the ground truth, never trained on
 *
 * Grpo grpo = new Grpo(policy, reference,
 *         new Grpo.Config(8, 2, 0.2, 0.04, 0.0, 1e-4, new Generation.Config(4, 1.0, 0, -1)));
 * SplittableRandom rng = new SplittableRandom(0);
 * for (int step = 0; step < 100; step++) {
 *     Grpo.StepStats s = grpo.step(problems, gen, train, reward, truth, rng);
 * }
 * }
 */
public final class Grpo {
    /**
     * Settings of the GRPO trainer.
     *
     * @param groupSize k samples per problem
     * @param epochs optimiser steps on each batch of samples
     * @param clipEps ε of the clipped ratio
     * @param klCoef β of the KL-to-reference term (0 to drop it; then no reference is needed)
     * @param entropyCoef c_H of the entropy bonus
     * @param lr Adam learning rate (one optimiser for the whole run)
     * @param sampling how responses are sampled
     */
    public record Config(int groupSize, int epochs, double clipEps, double klCoef, double entropyCoef, double lr,
                         Generation.Config sampling) {
        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException unless groupSize ≥ 2, epochs ≥ 1, clipEps &gt; 0, klCoef ≥ 0, entropyCoef ≥
         * 0 and lr &gt; 0
         */
        public Config {
            if (groupSize < 2 || epochs < 1 || !(clipEps > 0) || klCoef < 0 || entropyCoef < 0 || !(lr > 0)) {
                throw new IllegalArgumentException("Grpo.Config: need groupSize >= 2, epochs >= 1, clipEps > 0, klCoef >= 0, "
                        + "entropyCoef >= 0, lr > 0; got " + this);
            }
        }
    }

    /**
     * One batch's numbers.
     *
     * @param meanReward       mean training reward of the samples
     * @param meanTruth        mean ground truth of the samples
     * @param firstRatioMean   mean ρ at the first epoch (1 when on-policy)
     * @param firstRatioMaxDev max |ρ − 1| at the first epoch (exactly 0 when both prompts are the same)
     * @param clippedFraction  fraction of rows whose ratio was outside [1−ε, 1+ε] at the last epoch
     * @param loss             the last epoch's loss
     */
    public record StepStats(double meanReward, double meanTruth, double firstRatioMean, double firstRatioMaxDev,
                            double clippedFraction, double loss) {}

    /**
     * The clipped objective and the ratios it used.
     *
     * @param loss the scalar loss L, differentiable in the policy's parameters
     * @param ratio the sequence-level ratios ρ [B], detached
     */
    public record Objective(Tensor loss, Tensor ratio) {}

    private final Policy policy, reference;
    private final Config cfg;
    private final Adam opt;

    /**
     * A trainer for {@code policy}, with one Adam optimiser over its parameters for the whole run.
     *
     * @param policy the policy to train
     * @param reference a frozen reference policy ({@link Policy#frozenCopy()}); may be null when klCoef is 0
     * @param cfg the settings
     * @throws IllegalArgumentException if klCoef &gt; 0 and no reference is given
     */
    public Grpo(Policy policy, Policy reference, Config cfg) {
        if (cfg.klCoef() > 0 && reference == null) throw new IllegalArgumentException("Grpo: klCoef " + cfg.klCoef() + " needs a reference policy");
        this.policy = policy;
        this.reference = reference;
        this.cfg = cfg;
        this.opt = new Adam(policy.parameters(), cfg.lr());
    }

    /**
     * One batch: sample under {@code gen}, advantages from {@code reward}, {@code epochs} updates under {@code train}.
     *
     * @param problems the untransformed prompts
     * @param gen the transform applied to a problem to sample responses (and score π_old, π_ref)
     * @param train the transform applied to a problem for the update (differing from {@code gen}: recontextualization)
     * @param reward the training reward, which forms the advantages
     * @param truth the ground-truth metric, only reported
     * @param rng the source of the sampling seeds
     * @return the batch's rewards, ratio statistics and last loss
     */
    public StepStats step(int[][] problems, PromptTransform gen, PromptTransform train, Reward reward, Reward truth, SplittableRandom rng) {
        Rollouts r = Rollouts.sample(policy, problems, cfg.groupSize(), gen, cfg.sampling(), reward, truth, rng);
        int n = r.size();
        int[][] genPrompts = r.prompts(gen), trainPrompts = r.prompts(train);
        double[] adv = groupAdvantages(r.rewards(), cfg.groupSize());
        Tensor oldLogProbs;
        try (var ignored = GradMode.noGrad()) {
            ResponseScores old = policy.score(genPrompts, r.responses(), cfg.entropyCoef() > 0);
            oldLogProbs = old.sum();
            double[] oldSum = oldLogProbs.toDoubleArray();
            double[] refSum = cfg.klCoef() > 0 ? reference.score(genPrompts, r.responses(), false).sum().toDoubleArray() : null;
            double[] ent = cfg.entropyCoef() > 0 ? old.entropy().sum(1).div(old.lengths()).toDoubleArray() : null;
            for (int i = 0; i < n; i++) {
                if (refSum != null) adv[i] -= cfg.klCoef() * (oldSum[i] - refSum[i]);
                if (ent != null) adv[i] += cfg.entropyCoef() * ent[i];
            }
        }
        Tensor advantages = Tensor.of(toFloat(adv), n).to(oldLogProbs.device());
        double firstMean = Double.NaN, firstDev = Double.NaN, clipped = Double.NaN, loss = Double.NaN;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            Objective o = objective(policy.score(trainPrompts, r.responses(), false), oldLogProbs, advantages, cfg.clipEps());
            opt.zeroGrad();
            o.loss().backward();
            opt.step();
            double[] rho = o.ratio().toDoubleArray();
            if (epoch == 0) {
                firstMean = Rollouts.mean(rho);
                firstDev = 0;
                for (double v : rho) firstDev = Math.max(firstDev, Math.abs(v - 1));
            }
            int c = 0;
            for (double v : rho) if (v < 1 - cfg.clipEps() || v > 1 + cfg.clipEps()) c++;
            clipped = (double) c / n;
            loss = o.loss().item();
        }
        return new StepStats(r.meanReward(), r.meanTruth(), firstMean, firstDev, clipped, loss);
    }

    /**
     * L = −mean_i min(ρ_i A_i, clip(ρ_i, 1−ε, 1+ε) A_i) with ρ_i = exp(current.sum_i − oldLogProbs_i).
     *
     * @param current the policy's scores of the responses under the training prompts (differentiable)
     * @param oldLogProbs the sequence log-probabilities under the sampling policy, [B] (detached here)
     * @param advantages the advantages A, [B] (detached here)
     * @param clipEps ε of the clipped ratio
     * @return the loss and the ratios
     * @throws IllegalArgumentException if oldLogProbs or advantages is not [B]
     */
    public static Objective objective(ResponseScores current, Tensor oldLogProbs, Tensor advantages, double clipEps) {
        int b = current.sum().size(0);
        if (oldLogProbs.dim() != 1 || oldLogProbs.size(0) != b || advantages.dim() != 1 || advantages.size(0) != b) {
            throw new IllegalArgumentException("Grpo.objective: old log-probs " + java.util.Arrays.toString(oldLogProbs.shape())
                    + " and advantages " + java.util.Arrays.toString(advantages.shape()) + " must both be [" + b + "]");
        }
        Tensor ratio = current.sum().sub(oldLogProbs.detach()).exp();
        Tensor a = advantages.detach();
        Tensor surrogate = ratio.mul(a).minimum(ratio.clamp(1 - clipEps, 1 + clipEps).mul(a));
        return new Objective(surrogate.mean().neg(), ratio.detach());
    }

    /**
     * Group-normalised advantages: rows come in consecutive groups of {@code groupSize}; each score minus its group's
     * mean, divided by the group's standard deviation (with Bessel's correction, as torch.std), or by 1 when that is
     * below 1e−5 (a group of equal scores gets zero advantage).
     *
     * @param scores the rewards, groups of consecutive rows
     * @param groupSize the rows per group
     * @return a new array of advantages, one per score
     * @throws IllegalArgumentException if groupSize is not positive or does not divide the number of scores
     */
    public static double[] groupAdvantages(double[] scores, int groupSize) {
        if (groupSize < 1 || scores.length % groupSize != 0) {
            throw new IllegalArgumentException("Grpo.groupAdvantages: " + scores.length + " scores do not split into groups of " + groupSize);
        }
        double[] a = new double[scores.length];
        for (int g = 0; g < scores.length; g += groupSize) {
            double mean = 0;
            for (int i = g; i < g + groupSize; i++) mean += scores[i];
            mean /= groupSize;
            double var = 0;
            for (int i = g; i < g + groupSize; i++) var += (scores[i] - mean) * (scores[i] - mean);
            double std = groupSize > 1 ? Math.sqrt(var / (groupSize - 1)) : 0;
            if (std < 1e-5) std = 1;
            for (int i = g; i < g + groupSize; i++) a[i] = (scores[i] - mean) / std;
        }
        return a;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }
}
