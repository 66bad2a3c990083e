package dev.sluice.experiments.routing;

import dev.sluice.experiments.routing.ExpandRouteAblate.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ExpandRouteAblateTest {
    @Test
    void storiesShareFunctionWordsAndSeparateTopicWords() {
        SyntheticStories s = SyntheticStories.standard(3);
        SplittableRandom rng = new SplittableRandom(1);
        int forgetWordsInForget = 0, forgetWordsInRetain = 0, tokens = 0;
        for (int i = 0; i < 200; i++) {
            int[] f = s.story(true, rng), r = s.story(false, rng);
            assertEquals(SyntheticStories.BOS, f[0]);
            assertEquals(s.storyLength(), f.length);
            for (int j = 1; j < f.length; j++) {
                assertTrue(f[j] > 0 && f[j] < s.vocabSize());
                if (s.isForgetWord(f[j])) forgetWordsInForget++;
                if (s.isForgetWord(r[j])) forgetWordsInRetain++;
                tokens++;
            }
        }
        // half the positions are topic words: ~49% forget words in forget stories, ~1% (the leak) in retain stories
        assertEquals(0.49, (double) forgetWordsInForget / tokens, 0.03);
        assertEquals(0.01, (double) forgetWordsInRetain / tokens, 0.01);
        assertArrayEquals(SyntheticStories.standard(3).story(true, new SplittableRandom(5)), s.story(true, new SplittableRandom(5)), "seeded");
    }

    /**
     * Shortened reproduction (300 steps, full labelling; measured at 1000 steps: ERA forget rise 3.49 vs retain 0.07,
     * control 0.13; rise kept after the attack 0.45 ERA vs 0.03 control).
     */
    @Test
    void shortenedRunUnlearnsTheForgetTopicAndKeepsMoreUnderAttack(@TempDir Path dir) throws Exception {
        var cfg = ExpandRouteAblate.Config.defaults().withSteps(300).withBatchSize(16).withLabelFractions(1.0).withEvaluation(128, 20);
        var r = ExpandRouteAblate.run(cfg, p -> {});
        var ref = r.reference();
        var era = r.get(Method.ERA, 1.0);
        var control = r.get(Method.CONTROL, 1.0);
        double eraForgetRise = era.afterMethod().forget() - ref.forget(), eraRetainRise = era.afterMethod().retain() - ref.retain();
        double controlForgetRise = control.afterMethod().forget() - ref.forget();
        System.out.printf("ERA forget rise %.3f retain rise %.3f; control forget rise %.3f; after attack ERA %.3f control %.3f%n",
                eraForgetRise, eraRetainRise, controlForgetRise, era.forgetAfterAttack(), control.forgetAfterAttack());
        assertTrue(eraForgetRise >= 1.0, "ERA raises forget loss: " + eraForgetRise);
        assertTrue(eraForgetRise >= 5 * Math.max(eraRetainRise, 0.05), "far more than retain loss: " + eraForgetRise + " vs " + eraRetainRise);
        assertTrue(eraForgetRise - controlForgetRise >= 0.8, "and far more than the control: " + controlForgetRise);
        assertTrue(era.forgetAfterAttack() - control.forgetAfterAttack() >= 0.1,
                "ERA keeps more of the rise under the attack: " + era.forgetAfterAttack() + " vs " + control.forgetAfterAttack());
        EraFigure.write(r, dir.resolve("era.png"));
        assertTrue(Files.size(dir.resolve("era.png")) > 1000);
    }
}
