package dev.sluice.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that cannot be read: the message names the file and what is wrong with it. */
public final class SafeTensorsFormatException extends IOException {
    private final transient Path file;
    private final String problem;

    /** @param file the file being read; @param problem what is wrong, in words */
    public SafeTensorsFormatException(Path file, String problem) {
        super(file + ": not a valid safetensors file: " + problem);
        this.file = file;
        this.problem = problem;
    }

    /** The file that failed to read. */
    public Path file() { return file; }

    /** The problem alone, without the file name. */
    public String problem() { return problem; }
}
