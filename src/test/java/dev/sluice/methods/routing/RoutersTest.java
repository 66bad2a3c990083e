package dev.sluice.methods.routing;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RoutersTest {
    @Test
    void labelRouterGivesEachExampleItsGroupsMask() {
        LabelRouter r = LabelRouter.builder(10, 4)
                .route(new int[] {0, 1, 2, 3, 4}, Masks.only(4, 0, 2))
                .route(new int[] {5, 6, 7, 8, 9}, Masks.only(4, 2, 4))
                .at("z").build();
        Map<String, Tensor> m = r.masks(Tensor.of(new long[] {7, 0, 4}, 3));
        assertArrayEquals(new int[] {3, 4}, m.get("z").shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}, m.get("z").toFloatArray());
    }

    @Test
    void labelRouterAddsTokenDimsAndLeavesUnroutedLabelsAtOne() {
        LabelRouter r = LabelRouter.builder(3, 2).route(new int[] {1}, new double[] {-0.75, 0.3}).at("a", "b").sequenceDims(1).build();
        Map<String, Tensor> m = r.masks(Tensor.of(new int[] {0, 1}, 2));
        assertEquals(2, m.size());
        assertArrayEquals(new int[] {2, 1, 2}, m.get("b").shape());
        assertArrayEquals(new float[] {1, 1, -0.75f, 0.3f}, m.get("a").toFloatArray());
    }

    @Test
    void tokenMaskAtPositionIIsChosenByTheTargetTokenAtI() {
        // vocab 4; token 3 is forget-only (w = 0), others are retain-like (w = 1)
        double[] w = {1, 1, 1, 0};
        double[] forgetMask = {1, -0.75}, retainMask = {1, 1};
        TokenRouter r = new TokenRouter(List.of("h"), forgetMask, retainMask, w);
        int[] seq = {0, 3, 1, 3, 2};
        // inputs = seq[0..3], targets = seq[1..4]: the mask at position i must follow seq[i + 1]
        Tensor targets = Tensor.of(new int[] {3, 1, 3, 2}, 1, 4);
        Tensor m = r.masks(new TokenRouter.Batch(targets, new boolean[] {true})).get("h");
        assertArrayEquals(new int[] {1, 4, 2}, m.shape());
        assertArrayEquals(new float[] {1, -0.75f, 1, 1, 1, -0.75f, 1, 1}, m.toFloatArray());
        assertEquals(3, seq[1]); // position 0 predicts token 3 → forget row
    }

    @Test
    void retainSequencesAreNeverMaskedAndWeightsInterpolate() {
        double[] w = {0.25};
        TokenRouter r = new TokenRouter(List.of("h"), new double[] {0, -1}, new double[] {1, 1}, w);
        Tensor targets = Tensor.of(new int[] {0, 0, 0, 0}, 2, 2);
        Tensor m = r.masks(new TokenRouter.Batch(targets, new boolean[] {true, false})).get("h");
        // forget: 0·0.75 + 1·0.25 = 0.25 ; −1·0.75 + 0.25 = −0.5 ; retain sequence: all ones
        assertArrayEquals(new float[] {0.25f, -0.5f, 0.25f, -0.5f, 1, 1, 1, 1}, m.toFloatArray());
    }

    @Test
    void frequencyWeightsFollowThePaperFormula() {
        long[] forget = {1000, 1000, 0, 500};
        long[] retain = {1000, 0, 1000, 100};
        double[] w = TokenFrequencyWeights.compute(forget, retain);
        double fF0 = 1001.0 / (2500 + 4), fR0 = 1020.0 / (2100 + 80);
        double r0 = fF0 / fR0;
        assertEquals(1 - 1 / (1 + Math.exp(-((r0 - 1 / r0) - 4))), w[0], 1e-12);
        assertTrue(w[0] > 0.97, "a token common to both is routed like retain data: " + w[0]);
        assertTrue(w[1] < 1e-6, "a forget-only token is routed like forget data: " + w[1]);
        assertTrue(w[2] > 0.999, "a retain-only token: " + w[2]);
        assertTrue(w[3] > 0 && w[3] < w[0], "a forget-heavy token lies between: " + w[3]);
        assertArrayEquals(new long[] {1, 2, 0}, TokenFrequencyWeights.count(new int[][] {{0, 1}, {1}}, 3));
        assertThrows(IllegalArgumentException.class, () -> TokenFrequencyWeights.compute(new long[2], new long[3]));
    }
}
