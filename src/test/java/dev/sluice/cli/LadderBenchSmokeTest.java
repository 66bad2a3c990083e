package dev.sluice.cli;

import dev.sluice.bench.ladder.GemmLadder;
import dev.sluice.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bench ladder} end to end at a tiny size (timings meaningless): every rung gets a row at one thread, the
 * threaded ones again at two, each with a correct result, and the JSON says where it ran.
 */
class LadderBenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void everyRungIsTimedAndChecked() throws Exception {
        Path out = dir.resolve("ladder.json");
        CliRun run = CliRun.of("bench", "ladder", "--quick", "--size", "37", "--threads", "1,2", "--min-seconds", "0",
                "--out", out.toString());
        assertEquals(0, run.code(), run.toString());
        for (var rung : GemmLadder.rungs()) assertTrue(run.out().contains(rung.name()), rung.name() + "\n" + run);
        assertTrue(run.out().contains(GemmLadder.vectorBits() + "-bit vectors"), run.out());

        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(out));
        assertNotNull(json.get("cpu_model"));
        Map<String, Object> ladder = (Map<String, Object>) json.get("ladder");
        assertEquals(37.0, ((Number) ladder.get("size")).doubleValue());
        List<Map<String, Object>> rows = (List<Map<String, Object>>) ladder.get("rows");
        long threaded = GemmLadder.rungs().stream().filter(r -> r.threaded()).count();
        boolean peer = rows.stream().anyMatch(r -> r.get("rung").toString().startsWith("OpenBLAS"));
        assertEquals(GemmLadder.rungs().size() + threaded + (peer ? 2 : 0), rows.size());
        for (var r : rows) {
            assertTrue(((Number) r.get("gflops")).doubleValue() > 0, r.toString());
            assertTrue(((Number) r.get("best_gflops")).doubleValue() >= ((Number) r.get("gflops")).doubleValue(), r.toString());
            assertTrue(((Number) r.get("sampled_error_in_float32_bounds")).doubleValue() <= 1.0, r.toString());
        }
    }

    @Test
    void sizeIsValidatedAndOnlyForTheLadder() {
        CliRun tooSmall = CliRun.of("bench", "ladder", "--size", "3");
        assertEquals(2, tooSmall.code(), tooSmall.toString());
        assertTrue(tooSmall.err().contains("--size"), tooSmall.toString());
        CliRun wrongTarget = CliRun.of("bench", "gemm", "--size", "64");
        assertEquals(2, wrongTarget.code(), wrongTarget.toString());
        assertTrue(wrongTarget.err().contains("--size applies only to bench ladder"), wrongTarget.toString());
    }
}
