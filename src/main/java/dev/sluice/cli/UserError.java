package dev.sluice.cli;

/**
 * A mistake of the person running the command (a bad option value, an unusable path, a missing GPU...): {@link Main}
 * prints its message as one line, {@code sluice <command>: message}, and exits with status 2, without a stack trace.
 */
final class UserError extends RuntimeException {
    UserError(String message) { super(message); }
}
