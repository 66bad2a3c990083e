package dev.sluice.methods.recontext;

import dev.sluice.nn.GPT;
import dev.sluice.nn.Generation;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** GRPO and expert iteration on a tiny GPT policy with multi-token responses and prompts of different lengths. */
class TrainersTest {
    private static final int EOS = 1;
    private static final int[][] PROBLEMS = {{5, 6, 7}, {8}, {9, 10}};
    private static final PromptTransform GEN = PromptTransform.insert("gen", 0, new int[] {2, 3});
    private static final PromptTransform TRAIN = PromptTransform.insert("train", 0, new int[] {4});
    private static final Generation.Config SAMPLING = new Generation.Config(4, 1.0, 0, EOS);
    /** Reward: the number of token-7s in the response; truth: the response is short. */
    private static final Reward REWARD = (p, r) -> { int c = 0; for (int t : r) if (t == 7) c++; return c; };
    private static final Reward TRUTH = (p, r) -> r.length <= 2 ? 1 : 0;

    private static GptPolicy policy() { return new GptPolicy(new GPT(new GPT.Config(12, 16, 16, 2, 1, 0.0), new Generator(3))); }

    @Test
    void groupAdvantagesNormaliseWithinGroups() {
        double[] a = Grpo.groupAdvantages(new double[] {1, 0, 0, 1, 2, 2, 2, 2}, 4);
        double std = Math.sqrt(1.0 / 3); // values 1,0,0,1: mean .5, unbiased var 1/3
        assertArrayEquals(new double[] {0.5 / std, -0.5 / std, -0.5 / std, 0.5 / std, 0, 0, 0, 0}, a, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Grpo.groupAdvantages(new double[5], 4));
    }

    @Test
    void grpoWithSamePromptsAndOneEpochIsReinforceWithAGroupBaseline() {
        GptPolicy p = policy();
        var cfg = new Grpo.Config(4, 1, 0.2, 0, 0, 1e-3, SAMPLING);
        Grpo.StepStats s = new Grpo(p, null, cfg).step(PROBLEMS, GEN, GEN, REWARD, TRUTH, new SplittableRandom(1));
        assertEquals(0.0, s.firstRatioMaxDev(), "ratio must be exactly 1 on-policy");
        assertEquals(1.0, s.firstRatioMean(), 0.0);

        // the gradient equals REINFORCE's: -mean(A_i * grad log pi(y_i)), on a fresh batch
        Rollouts r = Rollouts.sample(p, PROBLEMS, 4, GEN, SAMPLING, REWARD, TRUTH, new SplittableRandom(2));
        int[][] prompts = r.prompts(GEN);
        double[] adv = Grpo.groupAdvantages(r.rewards(), 4);
        float[] af = new float[adv.length];
        for (int i = 0; i < adv.length; i++) af[i] = (float) adv[i];
        Tensor a = Tensor.of(af, af.length);
        Tensor old;
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            old = p.score(prompts, r.responses(), false).sum();
        }
        Grpo.Objective o = Grpo.objective(p.score(prompts, r.responses(), false), old, a, 0.2);
        float[] rho = o.ratio().toFloatArray();
        for (float v : rho) assertEquals(1.0f, v, 0.0f);
        List<Tensor> params = p.parameters();
        p.model().zeroGrad();
        o.loss().backward();
        float[][] grpoGrads = grads(params);
        p.model().zeroGrad();
        ResponseScores sc = p.score(prompts, r.responses(), false);
        sc.sum().mul(a).mean().neg().backward();
        float[][] reinforce = grads(params);
        for (int i = 0; i < params.size(); i++) {
            for (int j = 0; j < reinforce[i].length; j++) assertEquals(reinforce[i][j], grpoGrads[i][j], 1e-6 + 1e-4 * Math.abs(reinforce[i][j]));
        }
    }

    @Test
    void recontextualizedRatioIsOffPolicyAndClipped() {
        GptPolicy p = policy();
        var cfg = new Grpo.Config(4, 3, 0.2, 0.1, 0.05, 1e-2, SAMPLING);
        Grpo g = new Grpo(p, p.frozenCopy(), cfg);
        Grpo.StepStats s = g.step(PROBLEMS, GEN, TRAIN, REWARD, TRUTH, new SplittableRandom(1));
        assertTrue(s.firstRatioMaxDev() > 1e-4, "a different training prompt gives rho != 1 at the first epoch: " + s);
        assertTrue(Double.isFinite(s.loss()));
        assertThrows(IllegalArgumentException.class, () -> new Grpo(p, null, cfg));
    }

    @Test
    void grpoIsSeededAndLearns() {
        double[] first = run(7), again = run(7);
        assertArrayEquals(first, again, 0.0);
        assertTrue(first[first.length - 1] > first[0] + 0.3, "reward should rise: " + java.util.Arrays.toString(first));
    }

    private static double[] run(long seed) {
        GptPolicy p = policy();
        Grpo g = new Grpo(p, null, new Grpo.Config(8, 2, 0.2, 0, 0, 1e-2, SAMPLING));
        SplittableRandom rng = new SplittableRandom(seed);
        double[] rewards = new double[15];
        for (int i = 0; i < rewards.length; i++) rewards[i] = g.step(PROBLEMS, GEN, TRAIN, REWARD, TRUTH, rng).meanReward();
        return new double[] {(rewards[0] + rewards[1] + rewards[2]) / 3, (rewards[12] + rewards[13] + rewards[14]) / 3};
    }

    @Test
    void expertIterationSelectsTheBestWithSeededTieBreakAndTrainsUnderTheTrainingPrompt() {
        Rollouts r = new Rollouts(new int[][] {{5}, {5}, {5}, {8}, {8}, {8}}, new int[][] {{7}, {7, 7}, {7, 7}, {1}, {2}, {3}},
                new double[] {1, 2, 2, 0, 0, 0}, new double[6], 3);
        int[] a = ExpertIteration.select(r, new SplittableRandom(4)), b = ExpertIteration.select(r, new SplittableRandom(4));
        assertArrayEquals(a, b);
        assertTrue(a[0] == 1 || a[0] == 2);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int s = 0; s < 50; s++) seen.add(ExpertIteration.select(r, new SplittableRandom(s))[1]);
        assertEquals(java.util.Set.of(3, 4, 5), seen, "ties are broken uniformly");

        GptPolicy p = policy();
        var ei = new ExpertIteration(new ExpertIteration.Config(4, 30, 6, 1e-2, SAMPLING));
        double before = Rollouts.sample(p, PROBLEMS, 16, TRAIN, SAMPLING, REWARD, TRUTH, new SplittableRandom(9)).meanReward();
        SplittableRandom rng = new SplittableRandom(5);
        for (int round = 0; round < 3; round++) {
            var stats = ei.round(p, PROBLEMS, GEN, TRAIN, REWARD, TRUTH, rng);
            assertTrue(stats.keptReward() >= stats.sampledReward(), stats.toString());
        }
        double after = Rollouts.sample(p, PROBLEMS, 16, TRAIN, SAMPLING, REWARD, TRUTH, new SplittableRandom(9)).meanReward();
        assertTrue(after > before + 0.5, "SFT under the training prompt raises the kept behaviour there: " + before + " -> " + after);
    }

    private static float[][] grads(List<Tensor> params) {
        float[][] g = new float[params.size()][];
        for (int i = 0; i < g.length; i++) g[i] = params.get(i).grad() == null ? new float[params.get(i).numel()] : params.get(i).grad().toFloatArray();
        return g;
    }
}
