package dev.sluice.spark;

import dev.sluice.cli.Main;
import dev.sluice.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code sluice sweep ... --master local[2]} end to end: the command finds the Spark backend through ServiceLoader, runs
 * each config as a Spark task and writes one table; every row's result equals what its own command writes run alone.
 */
class SparkSweepTest {
    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), k -> null);
        return new Run(code, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path p) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(p));
    }

    @Test
    void aSparkSweepsRowsEqualEachConfigRunAlone(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sweep.json");
        Run sweep = cli("sweep", "undo", "arithmetic", "--seeds", "0-1", "--alpha", "0.6,0.8", "--quick", "--master", "local[2]",
                "--out", out.toString());
        assertEquals(0, sweep.code(), sweep.out() + sweep.err());
        Map<String, Object> table = read(out);
        assertEquals("spark", table.get("backend"));
        assertEquals("local[2]", table.get("master"));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) table.get("rows");
        assertEquals(4, rows.size());
        // grid order: alpha outermost, seeds innermost
        List<String> commands = new ArrayList<>();
        for (var r : rows) commands.add((String) r.get("command"));
        assertEquals(List.of("sluice undo arithmetic --seed 0 --alpha 0.6 --quick", "sluice undo arithmetic --seed 1 --alpha 0.6 --quick",
                "sluice undo arithmetic --seed 0 --alpha 0.8 --quick", "sluice undo arithmetic --seed 1 --alpha 0.8 --quick"), commands);
        assertTrue(sweep.out().contains("done on executor driver"), sweep.out());

        for (int i = 0; i < rows.size(); i++) {
            List<String> args = new ArrayList<>(List.of(commands.get(i).substring("sluice ".length()).split(" ")));
            Path alone = dir.resolve("alone-" + i + ".json");
            args.addAll(List.of("--out", alone.toString()));
            Run one = cli(args.toArray(String[]::new));
            assertEquals(0, one.code(), one.out() + one.err());
            Map<String, Object> expected = new LinkedHashMap<>(read(alone));
            expected.remove("seconds");
            assertEquals(Json.write(expected), Json.write(rows.get(i).get("result")), commands.get(i));
        }

        String md = Files.readString(dir.resolve("sweep.md"));
        assertEquals(4 + 2 + 2 + 2, md.lines().filter(l -> l.startsWith("|")).count(), md);   // 4 rows + 2 means, each table with 2 header lines
        byte[] png = Files.readAllBytes(dir.resolve("sweep.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }
}
