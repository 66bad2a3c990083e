package dev.sluice.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Philox4x32-10 against the Random123 known-answer vectors, and the properties of Sluice's streams. */
class PhiloxTest {
    private static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] out = new int[4];
        Philox.block(c0, c1, c2, c3, k0, k1, out);
        return out;
    }

    @Test
    void knownAnswerVectors() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void uniformStreamIsInRangeWithTheRightMean() {
        int[] s = new int[4];
        double sum = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            float u = Philox.uniformFloat(42, 0, i, s);
            assertTrue(u >= 0 && u < 1);
            sum += u;
        }
        assertEquals(0.5, sum / n, 0.005);
    }

    @Test
    void normalStreamHasUnitVariance() {
        int[] s = new int[4];
        double sum = 0, sq = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double z = Philox.normalDouble(7, 3, i, s);
            sum += z;
            sq += z * z;
        }
        assertEquals(0, sum / n, 0.02);
        assertEquals(1, sq / n, 0.02);
    }

    @Test
    void elementsDependOnlyOnSeedOffsetAndIndex() {
        int[] s = new int[4];
        float a = Philox.normalFloat(5, 10, 6, s);
        Philox.normalFloat(9, 0, 1, s); // unrelated draw in between
        assertEquals(a, Philox.normalFloat(5, 10, 6, s));
        assertNotEquals(a, Philox.normalFloat(6, 10, 6, s));
        // element 4 of a draw at offset 10 is element 0 of the draw at offset 11
        assertEquals(Philox.uniformFloat(5, 10, 4, s), Philox.uniformFloat(5, 11, 0, s));
    }
}
