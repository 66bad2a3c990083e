package dev.sluice.backend;

/**
 * An elementwise function a matrix product applies to each output element after its last accumulation, tile by tile
 * while each tile is still in cache, instead of in a separate pass over the output in memory.
 */
public enum Epilogue {
    /** The product (plus what the output held, when accumulating) as is. */
    NONE,
    /** max(x, 0) written as {@code x <= 0 ? 0 : x}, exactly as the RELU unary op (so NaN stays NaN, −0 becomes +0). */
    RELU
}
