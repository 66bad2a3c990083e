package dev.sluice.methods.routing;

import dev.sluice.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Routes language-model tokens by the token being predicted. In a labelled forget sequence, the mask at position i is
 * the row of the <em>target</em> token at i (= the input token at i+1: pass the shifted targets, never the inputs):
 * {@code forgetMask·(1 − w_t) + retainMask·w_t} with per-token weights w_t (e.g. {@link TokenFrequencyWeights}).
 * Sequences not labelled forget get all-ones masks (the paper's "retain always unmasked"). Masks have shape
 * [batch, tokens, width] for hook points carrying [batch, tokens, width] activations (e.g. MLP hidden units).
 */
public final class TokenRouter implements Router<TokenRouter.Batch> {
    /**
     * What the router reads: the target tokens and, per sequence, whether it is a labelled forget sequence.
     *
     * @param targets target token ids [batch, tokens] (int32/int64): the inputs shifted by one
     * @param forget one flag per sequence, true for labelled forget data
     */
    public record Batch(Tensor targets, boolean[] forget) {
        /**
         * Checks the shapes.
         *
         * @throws IllegalArgumentException if targets is not 2-D or there is not one flag per sequence
         */
        public Batch {
            if (targets.dim() != 2) {
                throw new IllegalArgumentException("TokenRouter.Batch: targets must be [batch, tokens], got " + Arrays.toString(targets.shape()));
            }
            if (forget.length != targets.size(0)) {
                throw new IllegalArgumentException("TokenRouter.Batch: " + forget.length + " forget flags for a batch of " + targets.size(0));
            }
        }
    }

    private final List<String> hookPoints;
    private final MaskTable table; // [vocab, width]
    private final int width;

    /**
     * A router for the named hook points (all of the same width). {@code tokenWeights[t]} ∈ [0, 1] (length = vocab)
     * interpolates between forgetMask (w = 0) and retainMask (w = 1).
     *
     * @param hookPoints the hook points receiving the masks, at least one
     * @param forgetMask the per-unit mask for forget-only tokens
     * @param retainMask the per-unit mask for tokens common to both data sets (same width)
     * @param tokenWeights w_t per token id, e.g. from {@link TokenFrequencyWeights#compute}
     * @throws IllegalArgumentException if no hook point is named, the mask widths differ or a weight is outside [0, 1]
     */
    public TokenRouter(List<String> hookPoints, double[] forgetMask, double[] retainMask, double[] tokenWeights) {
        if (hookPoints.isEmpty()) throw new IllegalArgumentException("TokenRouter: name at least one hook point");
        if (forgetMask.length != retainMask.length) {
            throw new IllegalArgumentException("TokenRouter: forget mask width " + forgetMask.length + " != retain mask width " + retainMask.length);
        }
        this.hookPoints = List.copyOf(hookPoints);
        this.width = forgetMask.length;
        float[] rows = new float[tokenWeights.length * width];
        for (int t = 0; t < tokenWeights.length; t++) {
            double w = tokenWeights[t];
            if (!(w >= 0 && w <= 1)) throw new IllegalArgumentException("TokenRouter: weight of token " + t + " is " + w + ", expected [0, 1]");
            for (int u = 0; u < width; u++) rows[t * width + u] = (float) (forgetMask[u] * (1 - w) + retainMask[u] * w);
        }
        this.table = new MaskTable(Tensor.of(rows, tokenWeights.length, width));
    }

    @Override
    public Map<String, Tensor> masks(Batch batch) {
        int b = batch.targets().size(0), t = batch.targets().size(1);
        dev.sluice.tensor.Device device = batch.targets().device();
        Tensor perToken = table.on(device).indexSelect(0, batch.targets().reshape(b * t)).reshape(b, t, width);
        float[] routed = new float[b];
        for (int i = 0; i < b; i++) routed[i] = batch.forget()[i] ? 1 : 0;
        Tensor r = Tensor.of(routed, b, 1, 1).to(device);
        // r ∈ {0, 1}: exactly the token masks for forget sequences and exactly 1 for the rest
        return MaskTable.atEach(hookPoints, perToken.mul(r).add(r.neg().add(1.0)));
    }

    /**
     * The per-target-token masks used for forget sequences.
     *
     * @return the float32 [vocab, width] table (on the CPU)
     */
    public Tensor table() { return table.table(); }
}
