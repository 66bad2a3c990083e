package dev.sluice.distributed;

/**
 * One rank's contiguous part [from, to) of a global batch, as even as possible: sizes differ by at most one, the
 * larger parts first (10 examples on 4 ranks: 3, 3, 2, 2).
 *
 * @param from the first index, inclusive
 * @param to the end index, exclusive
 */
public record ShardRange(int from, int to) {
    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException unless 0 ≤ from ≤ to
     */
    public ShardRange {
        if (from < 0 || to < from) throw new IllegalArgumentException("ShardRange: need 0 <= from <= to, got [" + from + ", " + to + ")");
    }

    /**
     * Rank {@code rank}'s part of {@code total} items.
     *
     * @param total the global batch size, ≥ 0
     * @param rank the rank, 0 ≤ rank &lt; worldSize
     * @param worldSize the number of ranks, ≥ 1
     * @return the rank's range (empty when total &lt; worldSize and the rank gets nothing)
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static ShardRange of(int total, int rank, int worldSize) {
        if (total < 0 || worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("ShardRange.of: need total >= 0 and 0 <= rank < worldSize, got total " + total
                    + ", rank " + rank + ", worldSize " + worldSize);
        }
        int base = total / worldSize, extra = total % worldSize;
        int from = rank * base + Math.min(rank, extra);
        return new ShardRange(from, from + base + (rank < extra ? 1 : 0));
    }

    /**
     * The number of items.
     *
     * @return to − from
     */
    public int size() { return to - from; }
}
