package dev.sluice.models;

import dev.sluice.text.Tokenizer;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Training text as fixed-length blocks of token ids: the text is encoded (without special tokens) and cut into
 * consecutive, non-overlapping blocks, the tail shorter than a block dropped. Blocks are int64 [N, length] tensors,
 * ready for {@link CausalLM#nextTokenLoss} or as distillation and routing batches.
 */
public final class TokenBlocks {
    private TokenBlocks() {}

    /**
     * Consecutive blocks of {@code length} ids.
     *
     * @param ids the token ids
     * @param length the block length, at least 1
     * @return int64 [⌊ids.length / length⌋, length]
     * @throws IllegalArgumentException if length &lt; 1 or there are fewer than length ids
     */
    public static Tensor of(int[] ids, int length) {
        if (length < 1) throw new IllegalArgumentException("TokenBlocks: length must be >= 1, got " + length);
        int n = ids.length / length;
        if (n == 0) throw new IllegalArgumentException("TokenBlocks: " + ids.length + " tokens do not fill one block of " + length);
        long[] flat = new long[n * length];
        for (int i = 0; i < flat.length; i++) flat[i] = ids[i];
        return Tensor.of(flat, n, length);
    }

    /**
     * Blocks of a text.
     *
     * @param tok the model's tokenizer
     * @param text the text
     * @param length the block length, at least 1
     * @return int64 [N, length]
     * @throws IllegalArgumentException if length &lt; 1 or the text does not fill one block
     */
    public static Tensor fromText(Tokenizer tok, String text, int length) { return of(tok.encode(text, false), length); }

    /**
     * Blocks of a UTF-8 text file (a retain file, a forget file).
     *
     * @param tok the model's tokenizer
     * @param file the file
     * @param length the block length, at least 1
     * @return int64 [N, length]
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file if it does not fill one block
     */
    public static Tensor fromFile(Tokenizer tok, Path file, int length) throws IOException {
        try {
            return fromText(tok, Files.readString(file), length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
