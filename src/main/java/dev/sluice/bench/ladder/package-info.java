/**
 * The GEMM kernel ladder: C = A·B in float32, written eight times, each version ({@code Gemm01Naive} to
 * {@code Gemm08Production}) one idea faster than the one before, in the style of llm.c's numbered kernels. Read with
 * docs/06-gemm-ladder.md; timed side by side by {@code ./sluice bench ladder}; checked against a float64 reference by
 * {@code GemmLadderTest}. The last rung calls Sluice's production kernel through its dispatch, so the ladder ends at
 * the code that actually runs. Internal: not exported, and may change.
 */
package dev.sluice.bench.ladder;
