package dev.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code sluice graph}: the DOT of each named model, and one-line errors for bad options. */
class GraphCommandTest {
    @Test
    void writesTheDotOfEachModel(@TempDir Path dir) throws IOException {
        for (String model : StepGraphs.MODELS) {
            Path out = dir.resolve(model + ".dot");
            CliRun r = CliRun.of("graph", "--model", model, "--out", out.toString());
            assertEquals(0, r.code(), r.toString());
            String dot = Files.readString(out);
            assertTrue(dot.startsWith("digraph backward {") && dot.contains("loss float32 []"), model);
            assertEquals(model.equals("routed-mlp"), dot.contains("detach(x)·(1−m): cut, no gradient"), model);
        }
        String routed = Files.readString(dir.resolve("routed-mlp.dot"));
        assertTrue(routed.contains("mask float32 [8, 8]: 32 pass (1), 32 cut (0)") && routed.contains("<B>fc0.weight</B>"), routed);
        assertTrue(Files.readString(dir.resolve("llama.dot")).contains("model.layers.0.mlp.gate_proj.weight"));
    }

    @Test
    void badOptionsAreOneLineUserErrors(@TempDir Path dir) {
        CliRun model = CliRun.of("graph", "--model", "resnet", "--out", dir.resolve("g.dot").toString());
        assertEquals(2, model.code(), model.toString());
        assertEquals("sluice graph: --model must be one of mlp, routed-mlp, llama, got 'resnet'", model.err().strip());
        CliRun ext = CliRun.of("graph", "--model", "mlp", "--out", dir.resolve("g.txt").toString());
        assertEquals(2, ext.code(), ext.toString());
        assertTrue(ext.err().strip().startsWith("sluice graph: --out ") && ext.err().contains("must end in .dot"), ext.err());
    }
}
