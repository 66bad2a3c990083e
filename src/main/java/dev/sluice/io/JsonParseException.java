package dev.sluice.io;

/** Thrown by {@link Json#parse(String)} for text that is not strict JSON; the message gives the character offset. */
public final class JsonParseException extends IllegalArgumentException {
    /** Where the problem was found. */
    private final int offset;
    /** The repeated key, or null. */
    private final String duplicateKey;

    JsonParseException(String message, int offset, String duplicateKey) {
        super(message + " at offset " + offset);
        this.offset = offset;
        this.duplicateKey = duplicateKey;
    }

    /**
     * Character offset in the input where the problem was found.
     *
     * @return the 0-based offset
     */
    public int offset() { return offset; }

    /**
     * The repeated key when the problem is an object with a duplicate key, else null. Callers such as the safetensors
     * reader use it to report a duplicate tensor name instead of a generic syntax error.
     *
     * @return the duplicated key, or null
     */
    public String duplicateKey() { return duplicateKey; }
}
