package dev.sluice.docs;

import dev.sluice.methods.recontext.ExpertIteration;
import dev.sluice.methods.recontext.Grpo;
import dev.sluice.methods.recontext.PromptTemplates;
import dev.sluice.methods.recontext.PromptTransform;
import dev.sluice.nn.ResponseScores;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Solutions to the exercises of docs/09-recontextualization.md. */
class Chapter9ExercisesTest {
    @Test
    void groupAdvantagesByHand() {
        double[] a = Grpo.groupAdvantages(new double[] {1, 0, 0, 1, 1, 1}, 3);
        double mean = 1.0 / 3, std = Math.sqrt(((1 - mean) * (1 - mean) + 2 * mean * mean) / 2);
        assertEquals((1 - mean) / std, a[0], 1e-12);
        assertEquals(-mean / std, a[1], 1e-12);
        assertEquals(-mean / std, a[2], 1e-12);
        for (int i = 3; i < 6; i++) assertEquals(0.0, a[i], "a group of equal scores gets zero advantage");
    }

    /** The chapter's table policy: log π(y | instruction row) for one-token responses, through ResponseScores. */
    private static ResponseScores scores(Tensor table, int row, int response) {
        Tensor logits = table.indexSelect(0, Tensor.of(new long[] {row}, 1)).reshape(1, 1, table.size(1));
        return ResponseScores.fromLogits(logits, new int[][] {{response}}, false);
    }

    @Test
    void theFirstRatioIsNotOne() {
        double[] rows = new double[3 * 12];
        for (int v = 0; v < 12; v++) {
            rows[v] = 0.1 * v;              // NoHack
            rows[12 + v] = 0;               // Neutral
            rows[24 + v] = v == 11 ? 2 : 0; // HackOK likes HACK
        }
        Tensor table = Tensor.of(rows, 3, 12).requiresGrad(true);
        int y = 11;
        Tensor old = scores(table.detach(), 0, y).sum();                 // sampled under NoHack
        ResponseScores current = scores(table, 2, y);                    // trained under HackOK
        Tensor advantage = Tensor.of(new double[] {1.0}, 1);
        Grpo.Objective o = Grpo.objective(current, old, advantage, 0.2);
        double pNoHack = Math.exp(1.1) / java.util.stream.IntStream.range(0, 12).mapToDouble(v -> Math.exp(0.1 * v)).sum();
        double pHackOk = Math.exp(2) / (11 + Math.exp(2));
        assertEquals(pHackOk / pNoHack, o.ratio().item(), 1e-12);
        assertNotEquals(1.0, o.ratio().item(), 1e-3);

        Grpo.Objective standard = Grpo.objective(scores(table, 0, y), old, advantage, 0.2);
        assertEquals(1.0, standard.ratio().item(), 0.0, "same prompt for sampling and training: ratio 1");
        assertEquals(-1.0, standard.loss().item(), 1e-15);
        // the response-only SFT loss is −log π(y | prompt)
        assertEquals(-Math.log(pHackOk), ExpertIteration.responseLoss(current).item(), 1e-12);
        assertEquals(DType.FLOAT64, o.ratio().dtype());
    }

    @Test
    void noSilentNoOps() {
        PromptTransform t = PromptTransform.replace("Neutral->HackOK", new int[] {13}, new int[] {14});
        assertArrayEquals(new int[] {14, 1, 2}, t.apply(new int[] {13, 1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.apply(new int[] {12, 1, 2}));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertTrue(new PromptTemplates("Solve: {problem}", "Solve: {problem}").isStandard());
        assertFalse(new PromptTemplates("Do not cheat. {problem}", "Cheating is fine. {problem}").isStandard());
    }
}
