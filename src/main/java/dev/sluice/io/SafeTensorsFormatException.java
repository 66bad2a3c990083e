package dev.sluice.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that cannot be read: the message names the file and what is wrong with it. */
public final class SafeTensorsFormatException extends IOException {
    /** The file that failed to read (Path is not serializable). */
    private final transient Path file;
    /** The problem without the file name. */
    private final String problem;

    /**
     * Creates the exception; the message is the file followed by the problem.
     *
     * @param file    the file being read
     * @param problem what is wrong, in words
     */
    public SafeTensorsFormatException(Path file, String problem) {
        super(file + ": not a valid safetensors file: " + problem);
        this.file = file;
        this.problem = problem;
    }

    /**
     * The file that failed to read.
     *
     * @return the path given to the constructor (null after deserialisation)
     */
    public Path file() { return file; }

    /**
     * The problem alone, without the file name.
     *
     * @return what is wrong, in words
     */
    public String problem() { return problem; }
}
