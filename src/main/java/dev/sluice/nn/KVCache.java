package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/**
 * Keys and values of past positions, one pair per attention layer, each [B, heads, T, headDim]. Lets generation run
 * each new token alone through the model, attending to the cached keys and values instead of recomputing the prefix.
 */
public final class KVCache {
    private final Tensor[] keys, values;
    private int[] leftPad; // padding columns at the start of each row of a left-padded batch; null = none

    /**
     * An empty cache for a model with {@code nLayers} attention layers (see {@link GPT#newCache()}).
     *
     * @param nLayers the number of attention layers
     */
    public KVCache(int nLayers) {
        keys = new Tensor[nLayers];
        values = new Tensor[nLayers];
    }

    /**
     * The number of cached positions.
     *
     * @return the number of key/value columns held, 0 when empty
     */
    public int length() { return keys.length == 0 || keys[0] == null ? 0 : keys[0].size(2); }

    /**
     * The number of layers the cache holds.
     *
     * @return the {@code nLayers} given to the constructor
     */
    public int layers() { return keys.length; }

    /** Drops all cached positions. */
    public void clear() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
        leftPad = null;
    }

    /**
     * The padding columns at the start of each cached row.
     *
     * @return a copy of the left padding, or null when the batch is not padded
     */
    public int[] leftPad() { return leftPad == null ? null : leftPad.clone(); }

    /**
     * Records (first call on an empty cache) or checks (later calls) the left padding of the cached rows, for models of
     * other packages that support left-padded batches ({@code dev.sluice.models}).
     *
     * @param pad the padding columns at the start of each row, or null for an unpadded batch
     * @throws IllegalArgumentException if the cache holds positions filled with another padding
     */
    public void useLeftPad(int[] pad) {
        if (length() == 0) {
            leftPad = pad == null ? null : pad.clone();
        } else if (!java.util.Arrays.equals(normalise(leftPad), normalise(pad))) {
            throw new IllegalArgumentException("KVCache: left padding " + java.util.Arrays.toString(pad)
                    + " differs from the padding the cache was filled with " + java.util.Arrays.toString(leftPad));
        }
    }

    private static int[] normalise(int[] pad) {
        if (pad == null) return null;
        for (int p : pad) if (p != 0) return pad;
        return null;
    }

    /**
     * Appends a step's keys and values for one layer (for attention layers outside this package, such as those of
     * {@code dev.sluice.models}). Not detached: with grad mode on, gradients flow to earlier positions as in a full
     * forward pass.
     *
     * @param layer the layer's slot, in [0, layers())
     * @param k the new keys [B, H, Tnew, hd]
     * @param v the new values [B, H, Tnew, hd]
     * @return the layer's keys and values over all cached positions, {keys, values}, each [B, H, T, hd]
     * @throws IndexOutOfBoundsException if layer is outside [0, layers())
     */
    public Tensor[] append(int layer, Tensor k, Tensor v) {
        // not detached: with grad mode on, gradients flow to earlier positions as in a full forward pass
        keys[layer] = keys[layer] == null ? k : Tensor.cat(2, keys[layer], k);
        values[layer] = values[layer] == null ? v : Tensor.cat(2, values[layer], v);
        return new Tensor[] {keys[layer], values[layer]};
    }
}
