package dev.sluice.text;

import java.util.Arrays;

/** Open-addressing map from a token pair (left id, right id) to its merge rank and merged id. */
final class PairTable {
    private final long[] keys;
    private final long[] values;
    private final int mask;

    PairTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, -1L);
        mask = cap - 1;
    }

    private static long key(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    private int slot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 29) & mask;
    }

    /** Adds or replaces the merge of a pair. */
    void put(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int s = slot(k);
        while (keys[s] != -1L && keys[s] != k) {
            s = s + 1 & mask;
        }
        keys[s] = k;
        values[s] = (long) rank << 32 | (merged & 0xFFFFFFFFL);
    }

    /** (rank << 32 | merged id) of the pair, or -1 when the pair does not merge. */
    long get(int left, int right) {
        long k = key(left, right);
        int s = slot(k);
        while (true) {
            long stored = keys[s];
            if (stored == k) {
                return values[s];
            }
            if (stored == -1L) {
                return -1L;
            }
            s = s + 1 & mask;
        }
    }
}
