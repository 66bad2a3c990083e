package dev.sluice.text;

/**
 * A {@code tokenizer.json} that this package cannot load exactly: malformed, inconsistent (a merge whose parts are
 * not in the vocabulary), or using a component, flag or value it does not implement. The message names the JSON path
 * (for example {@code model.dropout}) and the offending value; nothing unsupported is ignored silently.
 */
public final class TokenizerFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * A new exception.
     *
     * @param message what is wrong, with the JSON path and value
     */
    public TokenizerFormatException(String message) {
        super(message);
    }

    /**
     * A new exception with a cause.
     *
     * @param message what is wrong, with the JSON path and value
     * @param cause   the underlying failure (a JSON syntax error, a regex that does not compile)
     */
    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
