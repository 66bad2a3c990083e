package dev.sluice.bench;

import dev.sluice.backend.cpu.Parallel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The benchmark peer binding must compute the same products as Sluice, or its timings mean nothing. */
class OpenBlasTest {
    @Test
    void sgemmMatchesAHandComputedProductInEveryLayout() {
        StringBuilder why = new StringBuilder();
        var blas = OpenBlas.load(why);
        assumeTrue(blas.isPresent(), why.toString());
        // A = [[1,2,3],[4,5,6]] (2×3), B = [[1,0],[0,1],[1,1]] (3×2): A·B = [[4,5],[10,11]]
        float[] a = {1, 2, 3, 4, 5, 6}, b = {1, 0, 0, 1, 1, 1}, expected = {4, 5, 10, 11};
        float[] c = new float[4];
        blas.get().sgemm(false, false, 2, 2, 3, a, 3, b, 2, 0f, c, 2);
        assertArrayEquals(expected, c);
        float[] aT = {1, 4, 2, 5, 3, 6}, bT = {1, 0, 1, 0, 1, 1};
        blas.get().sgemm(true, false, 2, 2, 3, aT, 2, b, 2, 0f, c, 2);
        assertArrayEquals(expected, c);
        blas.get().sgemm(false, true, 2, 2, 3, a, 3, bT, 3, 0f, c, 2);
        assertArrayEquals(expected, c);
        assertTrue(blas.get().config().startsWith("OpenBLAS"), blas.get().config());
    }

    @Test
    void benchmarkRowReportsAgreementBetweenSluiceAndThePeer() {
        StringBuilder why = new StringBuilder();
        var blas = OpenBlas.load(why);
        assumeTrue(blas.isPresent(), why.toString());
        for (GemmBench.Layout layout : GemmBench.Layout.values()) {
            var row = GemmBench.measure(new GemmBench.Case("t", layout, 37, 19, 23, 3), 1, blas.get(), 0.0);
            assertTrue(row.maxRelDiff() < 1e-5, layout + " differs by " + row.maxRelDiff());
            assertTrue(row.sluiceSeconds() > 0 && row.peerSeconds() > 0);
        }
    }

    @Test
    void threadLimitIsScopedAndValidated() {
        int before = Parallel.threads();
        try (var limit = Parallel.limitThreads(1)) {
            assertEquals(1, Parallel.threads());
        }
        assertEquals(before, Parallel.threads());
        assertThrows(IllegalArgumentException.class, () -> Parallel.limitThreads(0));
    }
}
