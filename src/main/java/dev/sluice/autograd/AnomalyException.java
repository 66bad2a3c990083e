package dev.sluice.autograd;

/** Raised in anomaly mode when an op produces NaN or Inf; the message names the op and the phase. */
public final class AnomalyException extends RuntimeException {
    /**
     * An anomaly report.
     *
     * @param message what was found: the op, the phase (forward or backward) and, for backward, where the op was
     * created
     */
    public AnomalyException(String message) { super(message); }
}
