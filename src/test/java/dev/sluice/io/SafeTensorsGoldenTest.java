package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with the reference implementation: golden.safetensors was written by Python's
 * {@code safetensors.torch.save_file} (see make_golden.py next to it).
 */
class SafeTensorsGoldenTest {
    @TempDir Path dir;

    private Path golden() throws IOException {
        Path f = dir.resolve("golden.safetensors");
        try (InputStream in = SafeTensorsGoldenTest.class.getResourceAsStream("golden.safetensors")) {
            Files.copy(in, f);
        }
        return f;
    }

    /** The same tensors as make_golden.py builds. */
    private static Map<String, Tensor> expected() {
        return Map.of(
                "weight", Tensor.of(new float[] {1.5f, -2.25f, 0f, 3.0e-8f, 1.0e30f, -0f}, 2, 3),
                "scale", Tensor.of(new double[] {3.141592653589793}, 1).reshape(),
                "index", Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE}, 5),
                "steps", Tensor.of(new long[] {Long.MIN_VALUE, 42, 1L << 40, Long.MAX_VALUE}, 2, 2),
                "mask", Tensor.of(new boolean[] {true, false, true}, 3),
                "empty", Tensor.zeros(DType.FLOAT32, 0, 3));
    }

    @Test
    void readsTheReferenceFileToExactValues() throws IOException {
        SafeTensorsFile file = SafeTensors.read(golden());
        assertEquals(List.of("steps", "scale", "empty", "weight", "index", "mask"), file.names());
        assertEquals(Map.of("format", "pt"), file.metadata());
        expected().forEach((name, t) -> SafeTensorsTest.assertSameTensor(t, file.tensor(name), name));
    }

    @Test
    void writesBytesIdenticalToTheReference() throws IOException {
        Path mine = dir.resolve("sluice.safetensors");
        SafeTensors.write(mine, expected(), Map.of("format", "pt"));
        assertArrayEquals(Files.readAllBytes(golden()), Files.readAllBytes(mine));
    }
}
