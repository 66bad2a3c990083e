package dev.sluice.models;

import dev.sluice.tensor.Tensor;

/**
 * Rotary position embeddings in Hugging Face's non-interleaved convention (Llama, Qwen2): inverse frequencies
 * {@code inv_freq[i] = 1 / theta^(2i/d)} for i &lt; d/2 (optionally rescaled, {@link RopeScaling}), angles
 * {@code pos · inv_freq} duplicated as {@code cat(freqs, freqs)} over the d dimensions, and
 * {@code rope(x) = x · cos + rotate_half(x) · sin} with {@code rotate_half(x) = cat(−x[d/2:], x[:d/2])}. Tables are
 * computed in float32 as PyTorch does, so angles round the same way. Differentiable in x.
 */
public final class RotaryEmbedding {
    private final int headDim;
    private final float[] invFreq;

    /**
     * The embedding for heads of {@code headDim} dimensions.
     *
     * @param headDim the head dimension d, even
     * @param theta the base ({@code rope_theta}), positive
     * @param scaling the frequency rescaling, or null for none
     * @throws IllegalArgumentException if headDim is not positive and even or theta is not positive
     */
    public RotaryEmbedding(int headDim, double theta, RopeScaling scaling) {
        if (headDim <= 0 || headDim % 2 != 0) throw new IllegalArgumentException("RotaryEmbedding: head dimension must be positive and even, got " + headDim);
        if (!(theta > 0)) throw new IllegalArgumentException("RotaryEmbedding: theta must be positive, got " + theta);
        this.headDim = headDim;
        int half = headDim / 2;
        invFreq = new float[half];
        float base = (float) theta;
        for (int i = 0; i < half; i++) {
            // torch: 1.0 / (base ** (arange(0, d, 2).float() / d)), all in float32
            float exponent = (float) (2 * i) / (float) headDim;
            float p = (float) Math.pow(base, exponent);
            invFreq[i] = 1.0f / p;
        }
        if (scaling != null) scale(scaling);
    }

    private void scale(RopeScaling s) {
        float factor = (float) s.factor();
        if (s.type().equals("linear")) {
            for (int i = 0; i < invFreq.length; i++) invFreq[i] = invFreq[i] / factor;
            return;
        }
        // transformers' _compute_llama3_parameters, in float32
        float low = (float) s.lowFreqFactor(), high = (float) s.highFreqFactor();
        float oldCtx = s.originalMaxPositions();
        float lowWavelen = oldCtx / low, highWavelen = oldCtx / high;
        for (int i = 0; i < invFreq.length; i++) {
            float f = invFreq[i];
            float wavelen = (float) (2 * Math.PI) / f;
            float scaled = wavelen > lowWavelen ? f / factor : f;
            float smooth = (oldCtx / wavelen - low) / (high - low);
            float smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            invFreq[i] = medium ? smoothed : scaled;
        }
    }

    /**
     * The inverse frequencies.
     *
     * @return a copy of the d/2 inverse frequencies (after scaling)
     */
    public float[] inverseFrequencies() { return invFreq.clone(); }

    /**
     * The head dimension.
     *
     * @return d
     */
    public int headDim() { return headDim; }

    /**
     * The cosine and sine tables for positions {@code start .. start + length − 1}.
     *
     * @param start the first position, non-negative
     * @param length the number of positions, non-negative
     * @return {cos, sin}, each float32 [length, headDim]
     * @throws IllegalArgumentException if start or length is negative
     */
    public Tensor[] cosSin(int start, int length) {
        if (start < 0 || length < 0) throw new IllegalArgumentException("RotaryEmbedding: negative start " + start + " or length " + length);
        int half = headDim / 2;
        float[] cos = new float[length * headDim], sin = new float[length * headDim];
        for (int p = 0; p < length; p++) {
            float pos = start + p;
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + half + i] = s;
            }
        }
        return new Tensor[] {Tensor.of(cos, length, headDim), Tensor.of(sin, length, headDim)};
    }

    /**
     * The cosine and sine tables for per-row positions (a left-padded batch, where each row's real tokens start at
     * position 0 in a different column).
     *
     * @param positions the position of each column of each row, row-major [rows · length], non-negative
     * @param rows the number of rows B
     * @param length the number of columns T
     * @return {cos, sin}, each float32 [B, 1, T, headDim] (broadcasting over heads)
     * @throws IllegalArgumentException if positions does not hold rows · length entries or one is negative
     */
    public Tensor[] cosSin(long[] positions, int rows, int length) {
        if (positions.length != (long) rows * length) {
            throw new IllegalArgumentException("RotaryEmbedding: " + positions.length + " positions for " + rows + " x " + length);
        }
        int half = headDim / 2;
        float[] cos = new float[positions.length * headDim], sin = new float[positions.length * headDim];
        for (int p = 0; p < positions.length; p++) {
            if (positions[p] < 0) throw new IllegalArgumentException("RotaryEmbedding: negative position " + positions[p]);
            float pos = positions[p];
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + half + i] = s;
            }
        }
        return new Tensor[] {Tensor.of(cos, rows, 1, length, headDim), Tensor.of(sin, rows, 1, length, headDim)};
    }

    /**
     * Rotates x by the angles of its positions: {@code x · cos + rotate_half(x) · sin}.
     *
     * @param x [..., T, headDim] (e.g. [B, heads, T, headDim])
     * @param cosSin the tables of the T positions, from {@link #cosSin(int, int)} ([T, headDim]) or
     * {@link #cosSin(long[], int, int)} ([B, 1, T, headDim])
     * @return a tensor of x's shape
     * @throws IllegalArgumentException if x's last dimension is not headDim or the tables do not have T rows
     */
    public Tensor apply(Tensor x, Tensor[] cosSin) {
        if (x.dim() < 2 || x.size(-1) != headDim || x.size(-2) != cosSin[0].size(-2)) {
            throw new IllegalArgumentException("RotaryEmbedding: expected [..., " + cosSin[0].size(-2) + ", " + headDim
                    + "], got " + java.util.Arrays.toString(x.shape()));
        }
        return x.mul(cosSin[0].to(x.device())).add(rotateHalf(x).mul(cosSin[1].to(x.device())));
    }

    /**
     * Hugging Face's {@code rotate_half}: {@code cat(−x2, x1)} where x1, x2 are the first and second halves of the last
     * dimension.
     *
     * @param x a tensor whose last dimension is even
     * @return a tensor of x's shape
     * @throws IllegalArgumentException if the last dimension is odd
     */
    public static Tensor rotateHalf(Tensor x) {
        int d = x.size(-1);
        if (d % 2 != 0) throw new IllegalArgumentException("rotateHalf: last dimension must be even, got " + d);
        return Tensor.cat(-1, x.narrow(-1, d / 2, d / 2).neg(), x.narrow(-1, 0, d / 2));
    }
}
