package dev.sluice.autograd;

/** Raised in anomaly mode when an op produces NaN or Inf; the message names the op and the phase. */
public final class AnomalyException extends RuntimeException {
    public AnomalyException(String message) { super(message); }
}
