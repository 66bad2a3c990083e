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

    /**
     * Runs {@code sluice sweep WORDS... --quick --master local[2]}, checks the rows' commands, then runs each command
     * alone through the CLI and compares its JSON (without "seconds") with the row's result, as text.
     */
    static void sweepRowsEqualRunsAlone(Path dir, List<String> sweepArgs, List<String> expectedCommands) throws Exception {
        Path out = dir.resolve("sweep.json");
        List<String> args = new ArrayList<>(List.of("sweep"));
        args.addAll(sweepArgs);
        args.addAll(List.of("--quick", "--master", "local[2]", "--out", out.toString()));
        Run sweep = cli(args.toArray(String[]::new));
        assertEquals(0, sweep.code(), sweep.out() + sweep.err());
        Map<String, Object> table = read(out);
        assertEquals("spark", table.get("backend"));
        assertEquals("local[2]", table.get("master"));
        @SuppressWarnings("unchecked") List<Map<String, Object>> rows = (List<Map<String, Object>>) table.get("rows");
        List<String> commands = new ArrayList<>();
        for (var r : rows) commands.add((String) r.get("command"));
        assertEquals(expectedCommands, commands);   // grid order: parameter outermost, seeds innermost
        assertTrue(sweep.out().contains("done on executor driver"), sweep.out());

        for (int i = 0; i < rows.size(); i++) {
            List<String> one = new ArrayList<>(List.of(commands.get(i).substring("sluice ".length()).split(" ")));
            Path alone = dir.resolve("alone-" + i + ".json");
            one.addAll(List.of("--out", alone.toString()));
            Run r = cli(one.toArray(String[]::new));
            assertTrue(r.code() == 0 || r.code() == 3, "ran (3: a quick run misses the note's criteria): " + r.out() + r.err());
            Map<String, Object> expected = new LinkedHashMap<>(read(alone));
            expected.remove("seconds");
            assertEquals(Json.write(expected), Json.write(rows.get(i).get("result")), commands.get(i));
        }

        String md = Files.readString(dir.resolve("sweep.md"));
        int settings = (int) rows.stream().map(r -> r.get("params")).distinct().count();
        assertEquals(rows.size() + settings + 2 + 2, md.lines().filter(l -> l.startsWith("|")).count(), md);   // each table has 2 header lines
        byte[] png = Files.readAllBytes(dir.resolve("sweep.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    @Test
    void undoArithmeticOnSparkEqualsEachConfigRunAlone(@TempDir Path dir) throws Exception {
        sweepRowsEqualRunsAlone(dir, List.of("undo", "arithmetic", "--seeds", "0-1", "--alpha", "0.6,0.8"),
                List.of("sluice undo arithmetic --seed 0 --alpha 0.6 --quick", "sluice undo arithmetic --seed 1 --alpha 0.6 --quick",
                        "sluice undo arithmetic --seed 0 --alpha 0.8 --quick", "sluice undo arithmetic --seed 1 --alpha 0.8 --quick"));
    }

    @Test
    void recontextToyOnSparkEqualsEachConfigRunAlone(@TempDir Path dir) throws Exception {
        sweepRowsEqualRunsAlone(dir, List.of("recontext", "toy", "--seeds", "1,2", "--rounds", "1,2"),
                List.of("sluice recontext toy --seed 1 --rounds 1 --quick", "sluice recontext toy --seed 2 --rounds 1 --quick",
                        "sluice recontext toy --seed 1 --rounds 2 --quick", "sluice recontext toy --seed 2 --rounds 2 --quick"));
    }
}
