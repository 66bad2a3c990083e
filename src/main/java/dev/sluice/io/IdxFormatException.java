package dev.sluice.io;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX file that cannot be read: the message names the file and what is wrong with it. */
public final class IdxFormatException extends IOException {
    /** The file that failed to read (Path is not serializable). */
    private final transient Path file;

    /**
     * Creates the exception; the message is the file followed by the problem.
     *
     * @param file    the file being read
     * @param problem what is wrong, in words
     */
    public IdxFormatException(Path file, String problem) {
        super(file + ": not a valid IDX file: " + problem);
        this.file = file;
    }

    IdxFormatException(Path file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    /**
     * The file that failed to read.
     *
     * @return the path given to the constructor (null after deserialisation)
     */
    public Path file() { return file; }
}
