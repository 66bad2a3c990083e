package dev.sluice.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The temporary files {@link AtomicFiles} writes beside a target ({@code .<name>.<digits>.tmp}), and the removal of
 * ones a killed save left behind.
 *
 * <p>A temporary is stale when all of these hold, so that a concurrent writer's file is never deleted:
 * <ul>
 *   <li>no writer in this JVM is using it (tracked here; a lock test would not do in-process: closing our own probe
 *       channel could release a POSIX lock the writer holds);</li>
 *   <li>it was last modified over {@link #MIN_AGE} ago (a live writer's file keeps a fresh time while it writes, and
 *       this covers the moment between creating the file and locking it);</li>
 *   <li>no other process holds its lock: every writer locks its temporary while writing, so a slow writer elsewhere
 *       (pausing longer than MIN_AGE between writes) keeps its file.</li>
 * </ul>
 * Cleanup is best effort: a failure to list, probe or delete never fails the save.
 */
final class StaleTemporaries {
    /** Younger temporaries are never touched. */
    static final Duration MIN_AGE = Duration.ofSeconds(60);

    /** Temporaries being written by this JVM. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private StaleTemporaries() {}

    /** The temporary name for a target name and a random token: {@code .<name>.<token>.tmp}. */
    static String name(String target, long token) { return "." + target + "." + Long.toUnsignedString(token) + ".tmp"; }

    /** Marks a temporary as being written by this JVM (until {@link #finished}). */
    static void started(Path tmp) { IN_FLIGHT.add(tmp.toAbsolutePath()); }

    static void finished(Path tmp) { IN_FLIGHT.remove(tmp.toAbsolutePath()); }

    /** Deletes the stale temporaries of {@code target} (an absolute path); returns how many it deleted. */
    static int remove(Path target) {
        Path dir = target.getParent();
        if (dir == null) return 0;
        // only this target's: a token of digits only, so ".a.b.<digits>.tmp" (target "a.b") never counts as target "a"'s
        Pattern mine = Pattern.compile(Pattern.quote("." + target.getFileName() + ".") + "[0-9]+\\.tmp");
        Instant cutoff = Instant.now().minus(MIN_AGE);
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> mine.matcher(p.getFileName().toString()).matches())) {
            for (Path p : ds) {
                try {
                    if (isStale(p, cutoff) && Files.deleteIfExists(p)) removed++;
                } catch (IOException | RuntimeException e) {
                    // best effort: one undeletable file must not stop the others or the save
                }
            }
        } catch (IOException | RuntimeException e) {
            // unlistable directory: the save itself will report any real problem
        }
        return removed;
    }

    private static boolean isStale(Path p, Instant cutoff) throws IOException {
        if (IN_FLIGHT.contains(p.toAbsolutePath())) return false;
        if (!Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) return false;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) return false; // another process is writing it
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // locked through another channel of this JVM
        }
    }
}
