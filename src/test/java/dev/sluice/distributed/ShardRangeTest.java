package dev.sluice.distributed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ShardRangeTest {
    @Test
    void splitsEvenlyLargerPartsFirstAndCoversEverything() {
        int[][] cases = {{10, 4}, {3, 4}, {32, 4}, {0, 2}, {7, 1}};
        for (int[] c : cases) {
            int at = 0;
            for (int r = 0; r < c[1]; r++) {
                ShardRange s = ShardRange.of(c[0], r, c[1]);
                assertEquals(at, s.from(), "contiguous");
                assertEquals(c[0] / c[1] + (r < c[0] % c[1] ? 1 : 0), s.size(), c[0] + " on " + c[1] + ", rank " + r);
                at = s.to();
            }
            assertEquals(c[0], at, "covers all " + c[0]);
        }
        assertEquals(new ShardRange(6, 8), ShardRange.of(10, 2, 4));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ShardRange.of(10, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> ShardRange.of(-1, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new ShardRange(3, 2));
    }
}
