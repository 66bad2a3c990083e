package dev.sluice.models;

/**
 * How rotary frequencies are rescaled for a longer context, as the {@code rope_scaling} entry of a Llama-family
 * config: {@code "linear"} (every inverse frequency divided by factor) or {@code "llama3"} (Llama 3.1's smooth
 * per-band rescaling). Other rope types ({@code "dynamic"}, {@code "yarn"}, {@code "longrope"}, ...) are refused
 * when a config is read.
 *
 * @param type {@code "linear"} or {@code "llama3"}
 * @param factor the context extension factor, positive
 * @param lowFreqFactor llama3 only: wavelengths above originalMaxPositions / lowFreqFactor are divided by factor
 * @param highFreqFactor llama3 only: wavelengths below originalMaxPositions / highFreqFactor are kept
 * @param originalMaxPositions llama3 only: the context length of pre-training
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for an unknown type, a factor that is not positive, or llama3 bands that are
     * not ordered (highFreqFactor must exceed lowFreqFactor)
     */
    public RopeScaling {
        if (!type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("RopeScaling: type must be \"linear\" or \"llama3\", got \"" + type + "\"");
        }
        if (!(factor > 0)) throw new IllegalArgumentException("RopeScaling: factor must be positive, got " + factor);
        if (type.equals("llama3") && (!(highFreqFactor > lowFreqFactor) || !(lowFreqFactor > 0) || originalMaxPositions <= 0)) {
            throw new IllegalArgumentException("RopeScaling: llama3 needs 0 < low_freq_factor < high_freq_factor and a positive"
                    + " original_max_position_embeddings, got " + this);
        }
    }

    /**
     * Linear scaling.
     *
     * @param factor the factor dividing every inverse frequency
     * @return the scaling
     */
    public static RopeScaling linear(double factor) { return new RopeScaling("linear", factor, 0, 0, 0); }

    /**
     * Llama 3.1 scaling.
     *
     * @param factor the context extension factor (8 for Llama 3.1)
     * @param lowFreqFactor the low-frequency band factor (1 for Llama 3.1)
     * @param highFreqFactor the high-frequency band factor (4 for Llama 3.1)
     * @param originalMaxPositions the pre-training context (8192 for Llama 3.1)
     * @return the scaling
     */
    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositions);
    }
}
