package dev.sluice.tensor;

/** The result of max/min along a dimension: the values and their int64 indices. */
public record ValuesIndices(Tensor values, Tensor indices) {}
