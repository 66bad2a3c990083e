package dev.sluice.backend;

/** Distributions that backends sample from the Philox stream (same numbers on every backend for a seed and offset). */
public enum RandomKind {
    /** Uniform on [a, b). */
    UNIFORM,
    /** Normal with mean a and standard deviation b. */
    NORMAL
}
