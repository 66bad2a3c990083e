package dev.sluice.cli;

import dev.sluice.distributed.RingAllReduce;
import dev.sluice.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bench distributed} end to end at ~1M parameters (timings meaningless): a row per transport and rank count,
 * the ring's counted bytes equal to what the transport must send, their mean exactly the textbook ring's
 * 2(N−1)/N·size (plus its headers), the JSON and Markdown written, and a row too big for the heap skipped with the
 * reason instead of an OutOfMemoryError.
 */
class DistributedBenchSmokeTest {
    private static final int HEADER_BYTES = 36;

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void everyRowIsMeasuredAndTheRingSendsTheTextbookBytes() throws Exception {
        Path out = dir.resolve("dist.json"), md = dir.resolve("dist.md");
        CliRun run = CliRun.of("bench", "distributed", "--quick", "--min-seconds", "0", "--out", out.toString(),
                "--markdown", md.toString());
        assertEquals(0, run.code(), run.toString());
        for (String t : List.of("local", "ring")) {
            for (int n : new int[] {1, 2, 4}) {
                assertTrue(run.out().lines().anyMatch(l -> l.matches(t + "\\s+" + n + "\\s+1,000,\\d{3} \\| .*")), t + " " + n + "\n" + run);
            }
        }
        assertTrue(run.out().contains("CPU "), run.out());

        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(out));
        assertNotNull(json.get("cpu_model"));
        assertNotNull(json.get("cpus"));
        Map<String, Object> d = (Map<String, Object>) json.get("distributed");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) d.get("rows");
        assertEquals(6, rows.size(), rows.toString());
        for (Map<String, Object> r : rows) {
            assertNull(r.get("skipped"), r.toString());
            long params = num(r.get("parameters"));
            assertTrue(Math.abs(params - 1_000_000) < 10_000, r.toString());
            int floats = (int) num(r.get("allreduce_floats"));
            assertEquals(params + 6 + 2, floats, "gradients, a flag per tensor, units and loss");
            int n = (int) num(r.get("workers"));
            assertTrue(((Number) r.get("step_ms")).doubleValue() > 0, r.toString());
            assertTrue(((Number) r.get("allreduce_ms")).doubleValue() > 0, r.toString());
            assertTrue(((Number) r.get("in_step_allreduce_ms")).doubleValue() <= ((Number) r.get("step_ms")).doubleValue() * 1.01, r.toString());
            assertEquals(2.0 * (n - 1) / n * 4 * floats, ((Number) r.get("theoretical_bytes_per_rank")).doubleValue(), 1e-6);
            if (r.get("transport").equals("local")) {
                assertNull(r.get("step_bytes_per_rank"), "shared memory sends nothing");
                continue;
            }
            List<Object> bytes = (List<Object>) r.get("step_bytes_per_rank");
            List<Object> payload = (List<Object>) r.get("step_payload_bytes_per_rank");
            List<Object> alone = (List<Object>) r.get("allreduce_bytes_per_rank");
            assertEquals(n, bytes.size());
            long total = 0, totalPayload = 0, max = 0;
            for (int rank = 0; rank < n; rank++) {
                long expected = RingAllReduce.expectedPayloadBytes(rank, n, floats);
                assertEquals(expected, num(payload.get(rank)), "rank " + rank + " of " + n);
                // one all-reduce per step: the step's bytes are the all-reduce's, headers and all
                assertEquals(num(alone.get(rank)), num(bytes.get(rank)), "rank " + rank + " of " + n);
                long headers = num(bytes.get(rank)) - num(payload.get(rank));
                assertEquals(0, headers % HEADER_BYTES, "whole headers");
                total += num(bytes.get(rank));
                totalPayload += num(payload.get(rank));
                max = Math.max(max, num(bytes.get(rank)));
            }
            if (n == 1) {
                assertEquals(0, total, "a ring of one sends nothing");
                continue;
            }
            // the mean per rank is exactly the textbook ring's 2(N-1)/N·size, for the floats and for the headers
            assertEquals(2L * (n - 1) * 4 * floats, totalPayload, "n=" + n);
            assertEquals(2L * (n - 1) * (4L * floats + HEADER_BYTES), total, "n=" + n);
            assertEquals(2.0 * (n - 1) / n * (4.0 * floats + HEADER_BYTES), ((Number) r.get("step_bytes_mean")).doubleValue(), 0.0);
            assertEquals(max, num(r.get("step_bytes_max")));
            // the rank-order ring's busiest rank sends the whole array twice: N/(N-1) times the textbook figure
            assertEquals(n == 2 ? 4L * floats + HEADER_BYTES : 2 * (4L * floats + HEADER_BYTES), max);
        }
        String markdown = Files.readString(md);
        assertTrue(markdown.contains("Data-parallel scaling"), markdown);
        assertEquals(6, markdown.lines().filter(l -> l.startsWith("| local |") || l.startsWith("| ring |")).count(), markdown);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRowTooBigForTheHeapIsSkippedWithTheReason() throws Exception {
        Path out = dir.resolve("skip.json");
        CliRun run = CliRun.of("bench", "distributed", "--params", "500M", "--workers", "64", "--transport", "ring",
                "--out", out.toString());
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("skipped: needs about"), run.out());
        assertTrue(run.out().contains("SLUICE_JAVA_OPTS=-Xmx"), run.out());
        Map<String, Object> d = (Map<String, Object>) ((Map<String, Object>) Json.parse(Files.readString(out))).get("distributed");
        Map<String, Object> row = ((List<Map<String, Object>>) d.get("rows")).get(0);
        assertTrue(row.get("skipped").toString().contains("heap"), row.toString());
        assertNull(row.get("step_ms"));
    }

    @Test
    void optionsAreValidated() {
        CliRun other = CliRun.of("bench", "gemm", "--workers", "2");
        assertEquals(2, other.code(), other.toString());
        assertTrue(other.err().contains("--workers applies only to bench distributed"), other.toString());
        CliRun badSize = CliRun.of("bench", "distributed", "--params", "lots");
        assertEquals(2, badSize.code(), badSize.toString());
        assertTrue(badSize.err().contains("model size 'lots'"), badSize.toString());
        CliRun badTransport = CliRun.of("bench", "distributed", "--transport", "carrier-pigeon");
        assertEquals(2, badTransport.code(), badTransport.toString());
        assertTrue(badTransport.err().contains("available: local, ring"), badTransport.toString());
        CliRun twoThreads = CliRun.of("bench", "distributed", "--threads", "1,2");
        assertEquals(2, twoThreads.code(), twoThreads.toString());
    }

    private static long num(Object o) { return ((Number) o).longValue(); }
}
