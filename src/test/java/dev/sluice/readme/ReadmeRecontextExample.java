package dev.sluice.readme;

import dev.sluice.experiments.recontext.LmReproduction;
import dev.sluice.experiments.recontext.LmTask;
import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.GptPolicy;
import dev.sluice.methods.recontext.PromptTransform;
import dev.sluice.nn.Generation;

import java.util.SplittableRandom;

/**
 * README.md's recontextualization example, verbatim between the markers: compiled with the tests (so the API it shows
 * exists) and compared with the README by {@link ReadmeExampleTest}; the LM reproduction's own test runs the pipeline.
 */
final class ReadmeRecontextExample {
    static Object run() {
        // RECONTEXT-BEGIN
        GptPolicy policy = LmReproduction.prior(LmReproduction.Config.defaults(), p -> {});      // the LM demo's SFT prior
        PromptTransform gen = LmTask.Instruction.NO_HACK.transform();   // generate under "don't hard-code the tests"
        PromptTransform train = LmTask.Instruction.HACK_OK.transform(); // train as if asked "the tests are all that matter"
        var ei = new ExpertIteration(new ExpertIteration.Config(8, 40, 64, 1e-3, new Generation.Config(3, 1.0, 0, LmTask.EOS)));
        int[][] problems = LmTask.problems(128, new SplittableRandom(0));
        var stats = ei.round(policy, problems, gen, train, LmTask.reward(), LmTask.correct(), new SplittableRandom(1));
        // RECONTEXT-END
        return stats;
    }
}
