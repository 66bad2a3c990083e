package dev.sluice.experiments.recontext;

import dev.sluice.experiments.recontext.LmReproduction.Pair;
import dev.sluice.experiments.recontext.LmTask.Instruction;
import dev.sluice.nn.Generation;
import dev.sluice.tensor.Generator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The LM demo end to end at a small budget: the prior follows its instruction, rounds run, sampled answers are well-formed. */
class LmReproductionTest {
    @Test
    void lmPipelineRuns() {
        var cfg = LmReproduction.Config.defaults().withSeed(3).withBudget(600, 1);
        var r = LmReproduction.run(cfg, List.of(new Pair("standard", Instruction.NEUTRAL, Instruction.NEUTRAL),
                new Pair("recon", Instruction.NO_HACK, Instruction.HACK_OK)), p -> {});
        assertTrue(r.prior().hackOk().hack() > r.prior().neutral().hack() + 0.05, "the prior hard-codes more when told tests are all that matter: " + r.prior());
        for (var p : r.pairs()) {
            assertEquals(1, p.rounds().size());
            assertTrue(p.end().neutral().hack() >= 0 && p.end().neutral().hack() <= 1 && p.end().neutral().correct() <= 1, p.toString());
        }
        assertTrue(r.toJson().containsKey("pairs"));

        // sampled answers: at most 3 tokens, two digits then EOS when complete
        GptPolicyHolder.check(LmReproduction.prior(cfg.withBudget(200, 1), q -> {}));
    }

    /**
     * Shortened demo (4 rounds instead of 8) on seeds 1 and 2: standard training learns to hard-code the wrong test,
     * recontextualized training does not. Full runs (README, 2026-12-08): standard hard-codes 0.06 → 0.32 / 0.11 →
     * 1.00 / 0.10 → 0.99 on seeds 1 / 2 / 3, recontextualized NoHack→HackOK ends at 0.01 / 0.01 / 0.04. How fast
     * standard training rises varies between seeds (seed 1 is slow: 0.15 at round 4, it was 0.44 before GELU's last
     * bits changed), so the rise is asserted on the mean of two seeds and the recontextualized rate on each.
     */
    @Test
    void standardTrainingLearnsToHardCodeAndRecontextualizedDoesNot() {
        double standardRise = 0, gap = 0;
        for (int seed : new int[] {1, 2}) {
            var cfg = LmReproduction.Config.defaults().withSeed(seed).withBudget(3000, 4);
            var r = LmReproduction.run(cfg, List.of(new Pair("standard", Instruction.NEUTRAL, Instruction.NEUTRAL),
                    new Pair("recon", Instruction.NO_HACK, Instruction.HACK_OK)), p -> {});
            double prior = r.prior().neutral().hack();
            double standard = r.pairs().get(0).end().neutral().hack(), recon = r.pairs().get(1).end().neutral().hack();
            System.out.printf("seed %d, hard-code rate after 4 rounds: standard %.3f, recontextualized %.3f (prior %.3f)%n",
                    seed, standard, recon, prior);
            assertTrue(recon <= prior + 0.05, "seed " + seed + ": recontextualized training does not reinforce hard-coding: " + recon);
            standardRise += (standard - prior) / 2;
            gap += (standard - recon) / 2;
        }
        assertTrue(standardRise >= 0.2, "standard training reinforces hard-coding, mean rise over two seeds: " + standardRise);
        assertTrue(gap >= 0.2, "mean gap between standard and recontextualized: " + gap);
    }

    /** Samples from a policy on prompts of different lengths and checks the shape of the answers. */
    static final class GptPolicyHolder {
        static void check(dev.sluice.methods.recontext.GptPolicy policy) {
            SplittableRandom rng = new SplittableRandom(1);
            int[][] problems = LmTask.problems(6, rng);
            int[][] prompts = new int[6][];
            for (int i = 0; i < 6; i++) prompts[i] = Instruction.values()[i % 3].transform().apply(problems[i]);
            Generator[] gens = new Generator[6];
            for (int i = 0; i < 6; i++) gens[i] = new Generator(i);
            int[][] answers = policy.sample(prompts, new Generation.Config(3, 1.0, 0, LmTask.EOS), gens);
            for (int[] a : answers) {
                assertTrue(a.length >= 1 && a.length <= 3);
                for (int j = 0; j < a.length - 1; j++) assertNotEquals(LmTask.EOS, a[j], "EOS only at the end");
            }
        }
    }
}
