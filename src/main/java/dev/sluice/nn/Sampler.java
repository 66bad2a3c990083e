package dev.sluice.nn;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/** Picks the next token from a row of logits: greedy, or temperature and top-k sampling. */
public final class Sampler {
    private Sampler() {}

    /**
     * Temperature 0 takes the argmax (first on ties) and draws nothing; otherwise logits/temperature restricted to the
     * topK largest (0 = all; ties with the k-th largest are kept, as nanoGPT) are sampled from their softmax with one
     * uniform draw from gen.
     *
     * @param logits the next-token logits over the vocabulary
     * @param temperature the softmax temperature; 0 for greedy decoding
     * @param topK how many of the largest logits may be drawn; 0 for all
     * @param gen the source of the uniform draw (unused, and may be null, for greedy decoding)
     * @return the chosen token id, an index into {@code logits}
     * @throws IllegalArgumentException if {@code temperature} is negative
     */
    public static int sample(float[] logits, double temperature, int topK, Generator gen) {
        if (temperature < 0) throw new IllegalArgumentException("sample: temperature must be >= 0, got " + temperature);
        if (temperature == 0) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            return best;
        }
        double threshold = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < logits.length) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            threshold = sorted[logits.length - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) if (l >= threshold) max = Math.max(max, l / temperature);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = logits[i] >= threshold ? Math.exp(logits[i] / temperature - max) : 0;
            sum += p[i];
        }
        double u = Tensor.rand(gen, DType.FLOAT64, 1).item() * sum;
        int last = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) continue;
            last = i;
            u -= p[i];
            if (u < 0) return i;
        }
        return last; // rounding left u ≥ 0: the last allowed token
    }
}
