package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/**
 * A causal language model that can run left-padded batches with a KV cache: what batched sampling
 * ({@link Generation}) and teacher-forced scoring ({@link ResponseScores}) need. Implemented by {@link GPT} and by the
 * Hugging Face models of {@code dev.sluice.models} ({@code CausalLM}).
 */
public interface LanguageModel {
    /**
     * A forward pass over a left-padded batch: row b starts with {@code leftPad[b]} padding columns that no real
     * position attends to, and its real tokens take positions 0, 1, … from column {@code leftPad[b]} on. With a cache,
     * tokens are the new columns only and the cache is extended.
     *
     * @param tokens int64 token ids [B, T]
     * @param leftPad the padding columns of each row, or null for none
     * @param cache the cache of earlier columns (extended in place), or null
     * @return logits [B, T, vocabSize]
     * @throws IllegalArgumentException if the shapes, padding or positions are invalid
     */
    Tensor forward(Tensor tokens, int[] leftPad, KVCache cache);

    /**
     * An empty KV cache sized for this model.
     *
     * @return a cache with one slot per attention layer
     */
    KVCache newCache();

    /**
     * The vocabulary size.
     *
     * @return the number of token ids, the logits' last dimension
     */
    int vocabSize();

    /**
     * The longest sequence (prompt plus generated tokens) the model accepts.
     *
     * @return the number of positions
     */
    int contextLength();
}
