package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/**
 * Keys and values of past positions, one pair per attention layer, each [B, heads, T, headDim]. Lets generation run
 * each new token alone through the model, attending to the cached keys and values instead of recomputing the prefix.
 */
public final class KVCache {
    private final Tensor[] keys, values;

    /** An empty cache for a model with {@code nLayers} attention layers. */
    public KVCache(int nLayers) {
        keys = new Tensor[nLayers];
        values = new Tensor[nLayers];
    }

    /** Number of cached positions (0 when empty). */
    public int length() { return keys.length == 0 || keys[0] == null ? 0 : keys[0].size(2); }

    /** Number of layers the cache holds. */
    public int layers() { return keys.length; }

    /** Drops all cached positions. */
    public void clear() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
    }

    /** Appends this step's k and v ([B, H, Tnew, hd]) for a layer and returns the full {keys, values}. */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        // not detached: with grad mode on, gradients flow to earlier positions as in a full forward pass
        keys[layer] = keys[layer] == null ? k : Tensor.cat(2, keys[layer], k);
        values[layer] = values[layer] == null ? v : Tensor.cat(2, values[layer], v);
        return new Tensor[] {keys[layer], values[layer]};
    }
}
