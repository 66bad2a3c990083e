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
 * </ul>
 */
public interface AllReduce extends AutoCloseable {

    /** This worker's index, 0 ≤ rank &lt; worldSize. */
    int rank();

    /** The number of workers taking part. */
    int worldSize();

    /** Replaces {@code data} on every rank by the element-wise sum over all ranks, added in rank order. */
    void sumInPlace(float[] data);

    /** Replaces {@code data} on every rank by rank {@code root}'s array. */
    void broadcast(float[] data, int root);

    /** Releases sockets or threads the collective holds; the default holds none. */
    @Override
    default void close() {}
}
