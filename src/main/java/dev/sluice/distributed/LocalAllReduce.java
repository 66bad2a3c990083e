package dev.sluice.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-process reference {@link AllReduce}: N ranks are threads of one JVM, connected by {@link #create(int)}.
 * Every rank must call each operation from its own thread.
 *
 * <p>A sum splits the array into one slice per rank; each rank adds its slice over all ranks' arrays in rank order
 * ({@code ((a0 + a1) + a2) + …}, element by element), then every rank copies the whole sum back. So the bits are
 * those of a plain sequential loop over the ranks, which {@link RingAllReduce} reproduces over TCP.
 *
 * <p>Failures never leave a rank waiting: a length or operation mismatch, a rank that does not arrive within the
 * timeout, an interrupted rank or a rank that {@linkplain #close() closes} while others wait raises a
 * {@link CollectiveException} on every rank, naming the ranks involved.
 * {@snippet :
 * List<LocalAllReduce> ranks = LocalAllReduce.create(2);
 * // in thread r: float[] g = ...; ranks.get(r).sumInPlace(g);   // g now holds the sum on both threads
 * }
 */
public final class LocalAllReduce implements AllReduce {
    /** How long a rank waits for the others by default before the operation fails on every rank. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final LocalGroup group;
    private final int rank;

    private LocalAllReduce(LocalGroup group, int rank) {
        this.group = group;
        this.rank = rank;
    }

    /**
     * Connected ranks 0 … worldSize − 1 with the {@linkplain #DEFAULT_TIMEOUT default timeout}.
     *
     * @param worldSize the number of ranks, at least 1
     * @return the ranks, element r being rank r
     * @throws IllegalArgumentException if worldSize &lt; 1
     */
    public static List<LocalAllReduce> create(int worldSize) { return create(worldSize, DEFAULT_TIMEOUT); }

    /**
     * Connected ranks 0 … worldSize − 1.
     *
     * @param worldSize the number of ranks, at least 1
     * @param timeout how long a rank waits for the others in one operation before it fails on every rank
     * @return the ranks, element r being rank r
     * @throws IllegalArgumentException if worldSize &lt; 1 or the timeout is not positive
     */
    public static List<LocalAllReduce> create(int worldSize, Duration timeout) {
        if (worldSize < 1) throw new IllegalArgumentException("LocalAllReduce.create: worldSize must be at least 1, got " + worldSize);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("LocalAllReduce.create: timeout must be positive, got " + timeout);
        }
        LocalGroup group = new LocalGroup(worldSize, timeout.toNanos());
        List<LocalAllReduce> out = new ArrayList<>(worldSize);
        for (int r = 0; r < worldSize; r++) out.add(new LocalAllReduce(group, r));
        return List.copyOf(out);
    }

    @Override
    public int rank() { return rank; }

    @Override
    public int worldSize() { return group.size; }

    @Override
    public void sumInPlace(float[] data) {
        if (data == null) throw group.abort(rank, "called sumInPlace with a null array");
        LocalGroup.Call[] calls = group.enter(rank, new LocalGroup.Call("sumInPlace", data, -1));
        float[] sum = group.result();
        int n = data.length, size = group.size;
        int from = (int) ((long) rank * n / size), to = (int) ((long) (rank + 1) * n / size);
        // this rank's slice, added rank by rank: each element sees ((a0 + a1) + a2) + ...
        System.arraycopy(calls[0].data(), from, sum, from, to - from);
        for (int r = 1; r < size; r++) {
            float[] a = calls[r].data();
            for (int i = from; i < to; i++) sum[i] = sum[i] + a[i];
        }
        group.leave(rank, "sumInPlace");       // every slice is summed
        System.arraycopy(sum, 0, data, 0, n);
        // no third barrier: the next operation writes the sum buffer only after every rank has entered it again
    }

    @Override
    public void broadcast(float[] data, int root) {
        if (data == null) throw group.abort(rank, "called broadcast with a null array");
        if (root < 0 || root >= group.size) {
            throw group.abort(rank, "called broadcast from root " + root + ", which is not a rank of 0.." + (group.size - 1));
        }
        LocalGroup.Call[] calls = group.enter(rank, new LocalGroup.Call("broadcast", data, root));
        if (rank != root) System.arraycopy(calls[root].data(), 0, data, 0, data.length);
        group.leave(rank, "broadcast");        // the root's array may change only after everyone has copied it
    }

    @Override
    public void close() { group.close(rank); }

    @Override
    public String toString() { return "LocalAllReduce[rank " + rank + " of " + group.size + "]"; }
}
