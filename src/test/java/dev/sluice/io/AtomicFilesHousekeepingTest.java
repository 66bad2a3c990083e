package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What AtomicFiles leaves on disk besides the content: the file's mode, and no pile of temporaries from killed saves. */
class AtomicFilesHousekeepingTest {
    @TempDir Path dir;

    private Path temporary(String name, long ageSeconds) throws IOException {
        Path p = Files.write(dir.resolve(name), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(ageSeconds)));
        return p;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theNextSaveRemovesStaleTemporariesOfItsTargetOnly() throws IOException {
        // a save killed mid-write (kill -9, power loss) leaves ".<name>.<random>.tmp" behind; nothing else ever removes it
        Path stale = temporary(".ckpt.safetensors.8041623415.tmp", 3600);
        Path legacy = temporary(".ckpt.safetensors.18446744073709551615.tmp", 120);
        Path fresh = temporary(".ckpt.safetensors.12345.tmp", 5);           // maybe a concurrent writer: kept
        Path otherTarget = temporary(".ckpt.safetensors.v2.777.tmp", 3600); // temporary of "ckpt.safetensors.v2"
        Path unrelated = temporary(".other.999.tmp", 3600);
        Path notOurs = temporary(".ckpt.safetensors.notes.tmp", 3600);
        AtomicFiles.writeString(dir.resolve("ckpt.safetensors"), "new");
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(legacy));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(otherTarget));
        assertTrue(Files.exists(unrelated));
        assertTrue(Files.exists(notOurs));
        assertEquals("new", Files.readString(dir.resolve("ckpt.safetensors")));
        assertEquals(List.of(".ckpt.safetensors.12345.tmp", ".ckpt.safetensors.notes.tmp", ".ckpt.safetensors.v2.777.tmp",
                ".other.999.tmp", "ckpt.safetensors"), names());
    }

    @Test
    void anOldTemporaryThatIsStillLockedIsKept() throws IOException {
        // a slow writer holds the lock on its temporary for the whole write: however old its modification time, the
        // cleanup must leave it alone
        Path busy = temporary(".ckpt.bin.424242.tmp", 3600);
        try (FileChannel ch = FileChannel.open(busy, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            AtomicFiles.writeString(dir.resolve("ckpt.bin"), "x");
            assertTrue(Files.exists(busy));
            assertTrue(lock.isValid());
        }
    }

    @Test
    void theFileGetsTheModeAPlainWriteGives() throws IOException {
        // Files.createTempFile makes 0600 files whatever the umask; a saved checkpoint should be as readable as any
        // file the user writes (0644 under umask 022)
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file modes only");
        Path plain = Files.write(dir.resolve("plain.txt"), new byte[] {1});
        Path atomic = dir.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "1");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
        AtomicFiles.writeString(atomic, "2"); // and when it replaces an existing file
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
        // a file the user made private stays private when replaced, as it would under Files.write
        Files.setPosixFilePermissions(atomic, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.writeString(atomic, "3");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(atomic));
        assertEquals("3", Files.readString(atomic));
    }
}
