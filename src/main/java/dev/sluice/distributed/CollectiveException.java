package dev.sluice.distributed;

/**
 * A collective operation failed on this rank: the ranks disagreed about the call (array lengths, operation or root),
 * a rank timed out, closed, or its connection broke. Every rank taking part gets one (none is left waiting), and the
 * {@link AllReduce} it came from cannot be used again: a later call throws at once.
 */
public final class CollectiveException extends RuntimeException {
    /**
     * A failure with its explanation.
     *
     * @param message what failed, naming the operation, the ranks and the lengths involved
     */
    public CollectiveException(String message) { super(message); }

    /**
     * A failure caused by an I/O error or an interruption.
     *
     * @param message what failed, naming the operation and the ranks involved
     * @param cause the underlying error
     */
    public CollectiveException(String message, Throwable cause) { super(message, cause); }
}
