package dev.sluice.nn;

import dev.sluice.io.SafeTensorsFormatException;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointsTest {
    @TempDir
    Path dir;

    private static GPT tinyGpt(long seed) {
        return new GPT(new GPT.Config(11, 8, 16, 2, 2, 0.0), new Generator(seed));
    }

    @Test
    void gptRoundTripGivesIdenticalWeightsAndOutputs() throws Exception {
        GPT a = tinyGpt(1), b = tinyGpt(2);
        Path file = dir.resolve("gpt.safetensors");
        Checkpoints.save(a, file, Map.of("step", "42"));
        Map<String, String> meta = Checkpoints.load(b, file);
        assertEquals("42", meta.get("step"));
        assertEquals("pt", meta.get("format"));
        for (var e : a.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(), 0f, e.getKey());
        }
        Tensor tokens = Tensor.of(new long[] {1, 2, 3, 4, 5}, 1, 5);
        assertArrayEquals(a.forward(tokens).toFloatArray(), b.forward(tokens).toFloatArray(), 0f);
    }

    @Test
    void truncatedFileLeavesTheModelUntouched() throws Exception {
        MLP saved = new MLP(new int[] {4, 8, 3}, Activation.RELU, new Generator(1));
        MLP target = new MLP(new int[] {4, 8, 3}, Activation.RELU, new Generator(2));
        float[] before = target.layer(0).weight().toFloatArray();
        Path file = dir.resolve("mlp.safetensors");
        Checkpoints.save(saved, file);
        byte[] bytes = Files.readAllBytes(file);
        for (int cut : new int[] {4, 20, bytes.length / 2, bytes.length - 1}) {
            Path damaged = dir.resolve("cut" + cut + ".safetensors");
            Files.write(damaged, Arrays.copyOf(bytes, cut));
            assertThrows(SafeTensorsFormatException.class, () -> Checkpoints.load(target, damaged), "cut at " + cut);
            assertArrayEquals(before, target.layer(0).weight().toFloatArray(), 0f, "model changed after cut at " + cut);
        }
    }

    @Test
    void mismatchedArchitectureIsAClearErrorAndLeavesTheModelUntouched() throws Exception {
        MLP saved = new MLP(new int[] {4, 8, 3}, Activation.RELU, new Generator(1));
        MLP wider = new MLP(new int[] {4, 9, 3}, Activation.RELU, new Generator(2));
        float[] before = wider.layer(1).weight().toFloatArray();
        Path file = dir.resolve("mlp.safetensors");
        Checkpoints.save(saved, file);
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.load(wider, file));
        assertTrue(e.getMessage().contains("fc0.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[9, 4]") && e.getMessage().contains("[8, 4]"), e.getMessage());
        assertArrayEquals(before, wider.layer(1).weight().toFloatArray(), 0f);
    }

    @Test
    void overwritingKeepsAValidFileAtEveryMoment() throws Exception {
        Path file = dir.resolve("m.safetensors");
        MLP m = new MLP(new int[] {2, 3}, Activation.IDENTITY, new Generator(3));
        Checkpoints.save(m, file);
        Checkpoints.save(m, file);
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temp files left behind");
        }
        Checkpoints.load(new MLP(new int[] {2, 3}, Activation.IDENTITY, new Generator(4)), file);
    }
}
