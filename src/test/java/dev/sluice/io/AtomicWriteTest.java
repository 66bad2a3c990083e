package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure in the middle of writing must leave an existing safetensors file readable and unchanged. SafeTensors
 * streams through {@link AtomicFiles}, so this drives AtomicFiles with a writer that dies after half a file.
 */
class AtomicWriteTest {
    @TempDir Path dir;

    @Test
    void failureMidWriteKeepsTheOldFileAndLeavesNoTemporaries() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.vector(1, 2, 3)), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(f);

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(before, 0, before.length / 2);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());

        assertArrayEquals(before, Files.readAllBytes(f));
        assertArrayEquals(new float[] {1, 2, 3}, SafeTensors.read(f).tensor("w").toFloatArray());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void writeReplacesAnExistingFileAndCreatesParentDirectories() throws IOException {
        Path f = dir.resolve("a/b/model.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.vector(1)));
        SafeTensors.write(f, Map.of("w", Tensor.vector(2), "b", Tensor.vector(3)));
        assertEquals(List.of("b", "w"), SafeTensors.read(f).names());
        assertArrayEquals(new float[] {2}, SafeTensors.read(f).tensor("w").toFloatArray());
    }
}
