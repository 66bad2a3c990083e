package dev.sluice.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;

/**
 * Writes files atomically: the content goes to a temporary file in the target's directory, is forced to disk, and is
 * then renamed over the target. Readers see the old file or the new one, never a half-written one; on failure the
 * temporary file is deleted and the old file is untouched.
 */
public final class AtomicFiles {
    /** Writes the content of one file to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content. The stream must not be closed; {@link AtomicFiles#write} flushes and forces it.
         *
         * @param out the temporary file's stream
         * @throws IOException when writing fails: the temporary file is then deleted and the target left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /**
     * Atomically replaces {@code target} with what {@code writer} produces. The file gets the mode a plain
     * {@link Files#write} would give it: a new one 0666 less the umask (e.g. 0644), a replaced one its old mode.
     * Stale temporaries of the same target left by a killed save ({@code .<name>.<digits>.tmp} older than a minute and
     * not locked by a live writer) are removed first.
     *
     * @param target the file to replace; missing parent directories are created
     * @param writer produces the content
     * @throws IOException when the directory, the temporary file, the write, the sync or the rename fails; the target
     *                     is then unchanged and no temporary file is left behind
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        StaleTemporaries.remove(abs);
        Temporary t = createTemporary(abs);
        Path tmp = t.path();
        StaleTemporaries.started(tmp);
        boolean done = false;
        try {
            try (FileChannel ch = t.channel()) {
                lockQuietly(ch); // tells other processes' cleanup that this temporary is live
                OutputStream out = Channels.newOutputStream(ch);
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            }
            keepMode(abs, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
            StaleTemporaries.finished(tmp);
        }
    }

    private record Temporary(Path path, FileChannel channel) {}

    /**
     * A new empty temporary beside the target, open for writing. Not Files.createTempFile: that creates the file with
     * mode 0600 whatever the umask, and the renamed target would keep it.
     */
    private static Temporary createTemporary(Path abs) throws IOException {
        while (true) {
            Path tmp = abs.resolveSibling(StaleTemporaries.name(abs.getFileName().toString(), RANDOM.nextLong()));
            try {
                return new Temporary(tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                // a token collision: draw another
            }
        }
    }

    /** A replaced file keeps its permissions (a checkpoint the user made private stays private), as Files.write would. */
    private static void keepMode(Path target, Path tmp) throws IOException {
        if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) == null) return;
        try {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        } catch (NoSuchFileException e) {
            // a new file: the umask's mode it was created with is right
        }
    }

    /** Locks the whole channel if the file system allows it (released when the channel closes). */
    private static void lockQuietly(FileChannel ch) {
        try {
            ch.tryLock();
        } catch (IOException | RuntimeException e) {
            // no locking here (some network file systems): the age rule alone protects this file
        }
    }

    /**
     * Atomically replaces {@code target} with a UTF-8 string (see {@link #write}).
     *
     * @param target  the file to replace
     * @param content its new content
     * @throws IOException as {@link #write} does
     */
    public static void writeString(Path target, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }
}
