package dev.sluice.bench.ladder;

import jdk.incubator.vector.FloatVector;

import java.util.List;

/** The rungs of the GEMM ladder in order, slowest first: what {@code ./sluice bench ladder} times and the tests check. */
public final class GemmLadder {
    private GemmLadder() {}

    /** Width in bits of the vectors rungs 04 to 07 use ({@code FloatVector.SPECIES_PREFERRED}). */
    public static int vectorBits() { return FloatVector.SPECIES_PREFERRED.vectorBitSize(); }

    /** Rungs 01 (the naive triple loop) to 08 (Sluice's production kernel). */
    public static List<GemmRung> rungs() {
        return List.of(new Gemm01Naive(), new Gemm02LoopOrder(), new Gemm03Blocked(), new Gemm04Vectorized(),
                new Gemm05RegisterTile(), new Gemm06Packed(), new Gemm07Threads(), new Gemm08Production());
    }
}
