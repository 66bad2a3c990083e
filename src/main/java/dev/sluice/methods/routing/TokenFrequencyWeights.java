package dev.sluice.methods.routing;

/**
 * The paper's per-token mask weights from token frequencies (gradient-routing repo,
 * {@code masklib.get_token_freq_masking_rule}): with smoothed frequencies f_F (forget data) and f_R (retain data) and
 * r = f_F / f_R, {@code w_t = 1 − sigmoid(scale·(r − 1/r) + bias)}. w ≈ 1 for tokens common to both (routed like
 * retain data), w = 0 for forget-only tokens (routed fully like forget data). A token's mask is then
 * {@code forgetMask·(1 − w_t) + retainMask·w_t} ({@link TokenRouter}).
 */
public final class TokenFrequencyWeights {
    /** The paper's settings: smoothing 1 (forget) and 20 (retain) counts per token, scale 1, bias −4. */
    public static final double FORGET_SMOOTHING = 1, RETAIN_SMOOTHING = 20, SCALE = 1, BIAS = -4;

    private TokenFrequencyWeights() {}

    /**
     * Weights with the paper's settings ({@link #FORGET_SMOOTHING}, {@link #RETAIN_SMOOTHING}, {@link #SCALE},
     * {@link #BIAS}).
     *
     * @param forgetCounts occurrences of each token id in the forget data (length = vocabulary)
     * @param retainCounts occurrences of each token id in the retain data (same length)
     * @return w_t ∈ [0, 1] per token id
     * @throws IllegalArgumentException if the lengths differ or a count is negative
     */
    public static double[] compute(long[] forgetCounts, long[] retainCounts) {
        return compute(forgetCounts, retainCounts, FORGET_SMOOTHING, RETAIN_SMOOTHING, SCALE, BIAS);
    }

    /**
     * Weights w_t ∈ [0, 1] per token id from token counts over forget and retain data (equal lengths = vocabulary).
     *
     * @param forgetCounts occurrences of each token id in the forget data
     * @param retainCounts occurrences of each token id in the retain data
     * @param forgetSmoothing pseudo-count added to every forget count, &gt; 0
     * @param retainSmoothing pseudo-count added to every retain count, &gt; 0
     * @param scale the slope applied to r − 1/r
     * @param bias the offset inside the sigmoid
     * @return w_t per token id
     * @throws IllegalArgumentException if the lengths differ, a smoothing is not positive, or a count is negative
     */
    public static double[] compute(long[] forgetCounts, long[] retainCounts, double forgetSmoothing, double retainSmoothing,
                                   double scale, double bias) {
        if (forgetCounts.length != retainCounts.length) {
            throw new IllegalArgumentException("TokenFrequencyWeights: count arrays differ in length (" + forgetCounts.length
                    + " forget vs " + retainCounts.length + " retain); both must span the vocabulary");
        }
        if (forgetSmoothing <= 0 || retainSmoothing <= 0) {
            throw new IllegalArgumentException("TokenFrequencyWeights: smoothing must be > 0 (it keeps r finite), got "
                    + forgetSmoothing + ", " + retainSmoothing);
        }
        double[] fF = frequencies(forgetCounts, forgetSmoothing), fR = frequencies(retainCounts, retainSmoothing);
        double[] w = new double[fF.length];
        for (int t = 0; t < w.length; t++) {
            double r = fF[t] / fR[t];
            w[t] = 1 - sigmoid(scale * (r - 1 / r) + bias);
        }
        return w;
    }

    /**
     * Counts of each token id in [0, vocab) over the sequences.
     *
     * @param sequences token-id sequences
     * @param vocab the vocabulary size
     * @return a new array of vocab counts
     * @throws IllegalArgumentException if a token is outside [0, vocab)
     */
    public static long[] count(int[][] sequences, int vocab) {
        long[] c = new long[vocab];
        for (int[] s : sequences) {
            for (int t : s) {
                if (t < 0 || t >= vocab) throw new IllegalArgumentException("TokenFrequencyWeights.count: token " + t + " outside [0, " + vocab + ")");
                c[t]++;
            }
        }
        return c;
    }

    private static double[] frequencies(long[] counts, double smoothing) {
        double total = 0;
        for (long c : counts) {
            if (c < 0) throw new IllegalArgumentException("TokenFrequencyWeights: negative count " + c);
            total += c + smoothing;
        }
        double[] f = new double[counts.length];
        for (int i = 0; i < f.length; i++) f[i] = (counts[i] + smoothing) / total;
        return f;
    }

    private static double sigmoid(double z) { return 1 / (1 + Math.exp(-z)); }
}
