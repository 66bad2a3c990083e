package dev.sluice.distributed;

/**
 * A collective over the workers of one data-parallel job: every worker ({@linkplain #rank() rank} 0 to
 * {@link #worldSize()} − 1) calls the same operations in the same order, and each call returns when all workers
 * have contributed.
 *
 * <p>Contract every implementation keeps, so that training results do not depend on the transport:
 * <ul>
 *   <li>{@link #sumInPlace(float[])} leaves on every rank the same bits: the element-wise sum of all ranks' arrays,
 *       added in rank order ({@code ((r0 + r1) + r2) + …}), so an implementation may split the array into chunks
 *       and route them any way it likes, but never reorders the additions for one element.</li>
 *   <li>Arrays must have the same length on every rank; a mismatch is an error on every rank, never a silent
 *       truncation.</li>
 *   <li>No rank is left waiting: a mismatch, a timeout or a rank that closes or dies raises a
 *       {@link CollectiveException} on every rank, after which the collective cannot be used again.</li>
 * </ul>
 * Implementations: {@link LocalAllReduce} (threads of one JVM, the reference) and {@link RingAllReduce} (TCP).
 */
public interface AllReduce extends AutoCloseable {

    /**
     * This worker's index.
     *
     * @return the rank, 0 ≤ rank &lt; worldSize
     */
    int rank();

    /**
     * The number of workers taking part.
     *
     * @return the world size, at least 1
     */
    int worldSize();

    /**
     * Replaces {@code data} on every rank by the element-wise sum over all ranks, added in rank order.
     *
     * @param data this rank's values, replaced by the sum; the same length on every rank
     * @throws CollectiveException on every rank if the lengths or calls differ, a rank times out, closes or fails
     */
    void sumInPlace(float[] data);

    /**
     * Replaces {@code data} on every rank by rank {@code root}'s array.
     *
     * @param data the root's values to send, or this rank's array to overwrite; the same length on every rank
     * @param root the rank whose array everyone receives, the same on every rank
     * @throws CollectiveException on every rank if the lengths, calls or roots differ, a rank times out, closes or
     * fails
     */
    void broadcast(float[] data, int root);

    /**
     * Releases sockets or threads the collective holds (the default holds none). Ranks waiting on this one then fail
     * instead of waiting for a timeout.
     */
    @Override
    default void close() {}
}
