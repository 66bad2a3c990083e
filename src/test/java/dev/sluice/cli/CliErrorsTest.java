package dev.sluice.cli;

import dev.sluice.io.FashionMnist;
import dev.sluice.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line's handling of ordinary mistakes, run in-process through {@link Main#run}: every user error (a bad
 * option, a bad data file, an unwritable path) is exactly one line {@code sluice <command>: ...} on stderr with exit
 * status 2, found before any work starts (nothing on stdout); a diverged run still writes its results and exits 1;
 * {@code SLUICE_DEBUG=1} adds the stack trace.
 */
class CliErrorsTest {
    private static final Path DATA = FashionMnist.defaultDirectory();

    @TempDir
    static Path shared;

    /** Every command that writes results, with the options that make it valid apart from what a test adds. */
    private static final List<List<String>> WRITERS = List.of(
            List.of("train", "fashion-mnist"), List.of("routing", "autoencoder"), List.of("routing", "era"),
            List.of("routing", "oversight"), List.of("undo", "arithmetic"), List.of("undo", "language"), List.of("recontext", "toy"),
            List.of("recontext", "lm"), List.of("bench", "cpu"));

    private static String commandName(List<String> cmd) {
        return "sluice " + String.join(" ", cmd).replace(" fashion-mnist", "").replace("bench cpu", "bench");
    }

    private static String[] args(List<String> cmd, String... more) {
        List<String> a = new ArrayList<>(cmd);
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    /** Exactly one line on stderr, equal to {@code line}; status 2; nothing ran (stdout empty). */
    private static void assertUserError(CliRun r, String line) {
        assertEquals(line + "\n", r.err().replace("\r\n", "\n"), r.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out(), "nothing ran: " + r);
    }

    static Stream<Arguments> badOptions() {
        String out = shared.resolve("never.json").toString();
        return Stream.of(
                // train
                Arguments.of(List.of("train", "fashion-mnist", "--epochs", "0"), "sluice train: --epochs must be a positive integer, got 0"),
                Arguments.of(List.of("train", "fashion-mnist", "--batch-size", "-3"), "sluice train: --batch-size must be a positive integer, got -3"),
                Arguments.of(List.of("train", "fashion-mnist", "--lr", "-1"), "sluice train: --lr must be a finite number > 0, got -1"),
                Arguments.of(List.of("train", "fashion-mnist", "--lr", "0"), "sluice train: --lr must be a finite number > 0, got 0"),
                Arguments.of(List.of("train", "fashion-mnist", "--lr", "NaN"), "sluice train: --lr must be a finite number > 0, got NaN"),
                Arguments.of(List.of("train", "fashion-mnist", "--lr", "Infinity"), "sluice train: --lr must be a finite number > 0, got Infinity"),
                Arguments.of(List.of("train", "fashion-mnist", "--weight-decay", "-0.5"), "sluice train: --weight-decay must be a finite number >= 0, got -0.5"),
                Arguments.of(List.of("train", "fashion-mnist", "--train-limit", "-1"), "sluice train: --train-limit must be 0 or more, got -1"),
                Arguments.of(List.of("train", "fashion-mnist", "--test-limit", "-1"), "sluice train: --test-limit must be 0 or more, got -1"),
                Arguments.of(List.of("train", "mnist"), "sluice train: unknown task 'mnist'; available: fashion-mnist"),
                Arguments.of(List.of("train"), "sluice train: Missing required parameter: 'TASK' (see 'sluice train --help')"),
                Arguments.of(List.of("train", "fashion-mnist", "--epochs", "x"),
                        "sluice train: Invalid value for option '--epochs': 'x' is not an int (see 'sluice train --help')"),
                Arguments.of(List.of("train", "fashion-mnist", "--epoch", "2"),
                        "sluice train: Unknown options: '--epoch', '2'; did you mean --epochs? (see 'sluice train --help')"),
                Arguments.of(List.of("train", "fashion-mnist", "--seed", "1.5"),
                        "sluice train: Invalid value for option '--seed': '1.5' is not a long (see 'sluice train --help')"),
                Arguments.of(List.of("train", "fashion-mnist", "--device", "tpu"), "sluice train: unknown device 'tpu': expected cpu, cuda or cuda:N"),
                // routing autoencoder
                Arguments.of(List.of("routing", "autoencoder", "--epochs", "0"), "sluice routing autoencoder: --epochs must be a positive integer, got 0"),
                Arguments.of(List.of("routing", "autoencoder", "--group-a", "3,10"), "sluice routing autoencoder: --group-a class must be between 0 and 9, got 10"),
                Arguments.of(List.of("routing", "autoencoder", "--group-a", "1,1"), "sluice routing autoencoder: --group-a lists class 1 twice"),
                Arguments.of(List.of("routing", "autoencoder", "--group-a", "0,1,2,3,4,5,6,7,8,9"),
                        "sluice routing autoencoder: --group-a must list between 1 and 9 of the classes 0..9, got 10"),
                Arguments.of(List.of("routing", "autoencoder", "--train-limit", "-2"), "sluice routing autoencoder: --train-limit must be 0 or more, got -2"),
                // routing era
                Arguments.of(List.of("routing", "era", "--steps", "0"), "sluice routing era: --steps must be a positive integer, got 0"),
                Arguments.of(List.of("routing", "era", "--label-fractions", "1.0,0"), "sluice routing era: --label-fractions must be in (0, 1], got 0"),
                Arguments.of(List.of("routing", "era", "--label-fractions", "1.5"), "sluice routing era: --label-fractions must be in (0, 1], got 1.5"),
                // routing oversight
                Arguments.of(List.of("routing", "oversight", "--oversight", "0"), "sluice routing oversight: --oversight must be in (0, 1], got 0"),
                Arguments.of(List.of("routing", "oversight", "--oversight", "-0.1"), "sluice routing oversight: --oversight must be in (0, 1], got -0.1"),
                Arguments.of(List.of("routing", "oversight", "--iterations", "0"), "sluice routing oversight: --iterations must be a positive integer, got 0"),
                // undo arithmetic
                Arguments.of(List.of("undo", "arithmetic", "--alpha", "0.3,0"), "sluice undo arithmetic: --alpha must be in (0, 1], got 0"),
                // sweep
                Arguments.of(List.of("sweep", "routing", "era"), "sluice sweep: no sweepable experiment 'routing-era'; have [undo-arithmetic, recontext-toy]"),
                Arguments.of(List.of("sweep", "undo", "arithmetic", "--alpha", "1.5"), "sluice sweep: --alpha must be in (0, 1], got 1.5"),
                Arguments.of(List.of("sweep", "recontext", "toy", "--rounds", "0"), "sluice sweep: --rounds must be a positive integer, got 0"),
                Arguments.of(List.of("sweep", "recontext", "toy", "--alpha", "0.5"), "sluice sweep: --alpha: recontext toy has no such parameter (it has [rounds])"),
                Arguments.of(List.of("sweep", "undo", "arithmetic", "--seeds", "3-1"), "sluice sweep: --seeds: bad range '3-1'"),
                Arguments.of(List.of("sweep", "undo", "arithmetic", "--seeds", "1,x"), "sluice sweep: --seeds: 'x' is not a seed or a range like 0-7"),
                Arguments.of(List.of("sweep", "undo", "arithmetic", "--seeds", "0-2,1"), "sluice sweep: --seeds: a seed is listed twice in '0-2,1'"),
                Arguments.of(List.of("sweep", "undo", "arithmetic", "--master", "bogus"), "sluice sweep: --master: 'bogus' is not a "
                        + "Spark master URL (local, local[N], local[N,F], local-cluster[N,C,M], spark://HOST:PORT, yarn, k8s://URL)"),
                Arguments.of(List.of("sweep", "undo", "arithmetic", "--master", "local[2]"),
                        "sluice sweep: no 'spark' sweep backend on the class path (found: local): the Spark backend is the sluice-spark "
                                + "artifact, with Spark on the class path (./sluice sweep ... --master M sets that up)"),
                Arguments.of(List.of("undo", "arithmetic", "--modulus", "1"), "sluice undo arithmetic: --modulus must be between 5 and 1000, got 1"),
                Arguments.of(List.of("undo", "arithmetic", "--model", "rnn"), "sluice undo arithmetic: --model must be one of mlp, gpt, got 'rnn'"),
                // undo language
                Arguments.of(List.of("undo", "language", "--forget", "fr"), "sluice undo language: --forget must be one of de, es, got 'fr'"),
                Arguments.of(List.of("undo", "language", "--size", "huge"), "sluice undo language: --size must be one of demo, tiny, got 'huge'"),
                Arguments.of(List.of("undo", "language", "--pretrain-steps", "0"), "sluice undo language: --pretrain-steps must be between 1 and 100000, got 0"),
                Arguments.of(List.of("undo", "language", "--fortunes", "/nonexistent"),
                        "sluice undo language: --fortunes /nonexistent: no such directory; install fortunes, fortunes-de and fortunes-es"),
                // recontext toy
                Arguments.of(List.of("recontext", "toy", "--trainer", "ppo"),
                        "sluice recontext toy: --trainer must be one of expert-iteration, grpo, ei, best-of-n, got 'ppo'"),
                Arguments.of(List.of("recontext", "toy", "--rounds", "0"), "sluice recontext toy: --rounds must be a positive integer, got 0"),
                Arguments.of(List.of("recontext", "toy", "--grpo-steps", "-1"), "sluice recontext toy: --grpo-steps must be a positive integer, got -1"),
                Arguments.of(List.of("recontext", "toy", "--grpo-epochs", "0"), "sluice recontext toy: --grpo-epochs must be a positive integer, got 0"),
                Arguments.of(List.of("recontext", "toy", "--grpo-lr", "-1e-3"), "sluice recontext toy: --grpo-lr must be a finite number > 0, got -0.001"),
                // recontext lm
                Arguments.of(List.of("recontext", "lm", "--rounds", "0"), "sluice recontext lm: --rounds must be a positive integer, got 0"),
                Arguments.of(List.of("recontext", "lm", "--prior-steps", "-1"), "sluice recontext lm: --prior-steps must be 0 or more, got -1"),
                // bench
                Arguments.of(List.of("bench", "fpga"), "sluice bench: unknown target 'fpga'; available: cpu, gemm, memory, steps, lm, gpu, ladder, distributed"),
                Arguments.of(List.of("bench", "cpu", "--threads", "1,0"), "sluice bench: --threads must be between 1 and 1024, got 0"),
                Arguments.of(List.of("bench", "cpu", "--min-seconds", "-1"), "sluice bench: --min-seconds must be a finite number >= 0, got -1"),
                Arguments.of(List.of("bench", "cpu", "--isa", "sse"), "sluice bench: unknown instruction set 'sse'; use native, avx512, avx2 or avx-128"),
                Arguments.of(List.of("bench", "gemm", "--heap-dump", "x.hprof"), "sluice bench: --heap-dump applies to bench lm only"),
                Arguments.of(List.of("bench", "lm", "--heap-dump", "x.hprof"),
                        "sluice bench: --heap-dump needs one thread count and one --isa level, got --threads [1, 2] and --isa [native]"),
                Arguments.of(List.of("bench", "gpu", "--isa", "avx2"), "sluice bench: --isa selects CPU instruction sets and does not apply "
                        + "to the GPU benchmark; use it with cpu, gemm, memory or steps"),
                Arguments.of(List.of("bench", "ladder", "--size", "8"), "sluice bench: --size must be between 16 and 8192, got 8"),
                Arguments.of(List.of("bench", "gemm", "--size", "64"), "sluice bench: --size applies only to bench ladder"),
                Arguments.of(List.of("bench", "ladder", "--markdown", "x.md"), "sluice bench: --markdown renders the cpu, gemm, "
                        + "memory and steps tables; bench ladder prints its own table (use --out for JSON)"),
                // the top level
                Arguments.of(List.of("trian"), "sluice: Unmatched argument at index 0: 'trian'; did you mean train? (see 'sluice --help')"))
                .map(a -> {
                    // a valid --out (except for commands without one), so that only the bad option can fail
                    @SuppressWarnings("unchecked") List<String> cmd = new ArrayList<>((List<String>) a.get()[0]);
                    if (cmd.size() > 1 && !cmd.get(0).equals("bench") && !cmd.contains("--out") && !cmd.get(1).startsWith("-")
                            && !cmd.equals(List.of("train", "mnist"))) {
                        cmd.addAll(List.of("--out", out));
                    }
                    return Arguments.of(cmd, a.get()[1]);
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void aBadOptionIsOneLineAndStatusTwo(List<String> args, String line) {
        assertUserError(CliRun.of(args.toArray(String[]::new)), line);
        assertFalse(Files.exists(shared.resolve("never.json")));
    }

    static Stream<List<String>> writers() { return WRITERS.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void everyCommandHasTheHelpThatErrorsPointTo(List<String> cmd) {
        boolean positional = cmd.get(1).equals("cpu") || cmd.get(1).equals("fashion-mnist");   // TASK / TARGET, not a subcommand
        CliRun r = positional ? CliRun.of(cmd.get(0), "--help") : CliRun.of(cmd.get(0), cmd.get(1), "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("Usage: " + commandName(cmd) + " "), r.toString());
        assertEquals("", r.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void anUnwritableOutIsRefusedBeforeAnyWork(List<String> cmd, @TempDir Path dir) throws IOException {
        // a path under a regular file: no one, root included, can create it
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path bad = file.resolve("results.json");
        String name = commandName(cmd);
        assertUserError(CliRun.of(args(cmd, "--out", bad.toString())),
                name + ": --out " + bad + ": " + file + " is not a directory");
        assertUserError(CliRun.of(args(cmd, "--out", dir.toString())),
                name + ": --out " + dir + " is a directory; give a file name");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "nothing left behind");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void anUnwritableFigureOrMarkdownIsRefusedBeforeAnyWork(List<String> cmd, @TempDir Path dir) throws IOException {
        String option = switch (cmd.get(0) + " " + cmd.get(1)) {
            case "train fashion-mnist", "routing oversight" -> null;    // no figure
            case "bench cpu" -> "--markdown";
            default -> "--figure";
        };
        assumeTrue(option != null, cmd + " writes no figure");
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path bad = file.resolve("figure.png");
        assertUserError(CliRun.of(args(cmd, "--out", dir.resolve("ok.json").toString(), option, bad.toString())),
                commandName(cmd) + ": " + option + " " + bad + ": " + file + " is not a directory");
        assertFalse(Files.exists(dir.resolve("ok.json")));
    }

    @Test
    void theDefaultFigureSitsNextToOutWithItsBaseName(@TempDir Path dir) throws IOException {
        assertEquals(Path.of("runs/a-losses.png"), Results.figureNextTo(Path.of("runs/a.json"), "losses"));
        assertEquals(Path.of("a-rates.png"), Results.figureNextTo(Path.of("a"), "rates"));
        assertEquals(Path.of("/x/b.v2-attack.png"), Results.figureNextTo(Path.of("/x/b.v2.json"), "attack"));
        // the default figure is checked too: a directory in its place is refused before any work
        Files.createDirectory(dir.resolve("r-losses.png"));
        assertUserError(CliRun.of("routing", "era", "--out", dir.resolve("r.json").toString()),
                "sluice routing era: --figure " + dir.resolve("r-losses.png") + " is a directory; give a file name");
    }

    @Test
    void aMissingOutDirectoryIsFineAndNotCreatedByTheCheck(@TempDir Path dir) {
        Path deep = dir.resolve("new/sub/a.json");
        assertEquals(deep, Check.writableOut("--out", deep));
        assertFalse(Files.exists(dir.resolve("new")), "the check creates nothing");
    }

    @Test
    void aMissingDataDirectoryOrFileIsOneLine(@TempDir Path dir) throws IOException {
        Path none = dir.resolve("none");
        String hint = "install it with: sudo apt-get install dataset-fashion-mnist (or pass --data DIR)";
        assertUserError(CliRun.of("train", "fashion-mnist", "--data", none.toString()),
                "sluice train: --data " + none + ": no such directory; " + hint);
        assertUserError(CliRun.of("routing", "autoencoder", "--data", dir.toString(), "--out", dir.resolve("r.json").toString()),
                "sluice routing autoencoder: --data " + dir + ": Fashion-MNIST file train-images-idx3-ubyte.gz is missing; " + hint);
    }

    /** A Fashion-MNIST directory whose test files are valid (tiny) and whose training images are {@code images}. */
    private static Path dataDir(Path dir, byte[] images) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), images);
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(0x08, new int[] {2}, new byte[] {1, 2})));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(0x08, new int[] {2, 28, 28}, new byte[2 * 28 * 28])));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(0x08, new int[] {2}, new byte[] {3, 4})));
        return dir;
    }

    private static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(raw);
        }
        return bytes.toByteArray();
    }

    @Test
    void aCorruptOrTruncatedDataFileIsOneLineAndStatusTwo(@TempDir Path dir) throws IOException {
        Path corrupt = dataDir(Files.createDirectory(dir.resolve("corrupt")), new byte[] {7, 7, 7, 7, 7, 7, 7, 7});
        Path file = corrupt.resolve("train-images-idx3-ubyte.gz");
        CliRun r = CliRun.of("train", "fashion-mnist", "--data", corrupt.toString(), "--out", dir.resolve("a.json").toString());
        assertEquals("sluice train: " + file + ": not a valid IDX file: bad magic number 07 07 07 07: IDX files start with 00 00\n",
                r.err(), r.toString());
        assertEquals(2, r.code(), r.toString());

        byte[] whole = gzip(idx(0x08, new int[] {2, 28, 28}, new byte[2 * 28 * 28]));
        Path cut = dataDir(Files.createDirectory(dir.resolve("cut")), Arrays.copyOf(whole, whole.length / 2));
        file = cut.resolve("train-images-idx3-ubyte.gz");
        for (List<String> cmd : List.of(List.of("train", "fashion-mnist"), List.of("routing", "autoencoder"))) {
            r = CliRun.of(args(cmd, "--data", cut.toString(), "--out", dir.resolve("b.json").toString()));
            assertTrue(r.err().startsWith(commandName(cmd) + ": " + file + ": not a valid IDX file: truncated gzip data"), r.toString());
            assertEquals(1, r.err().lines().count(), r.toString());
            assertEquals(2, r.code(), r.toString());
        }
        assertFalse(Files.exists(dir.resolve("a.json")) || Files.exists(dir.resolve("b.json")));
    }

    @Test
    void sluiceDebugAddsTheStackTrace(@TempDir Path dir) throws IOException {
        CliRun quiet = CliRun.of("train", "fashion-mnist", "--epochs", "0");
        assertEquals(1, quiet.err().lines().count(), quiet.toString());
        CliRun loud = CliRun.withEnv(Map.of("SLUICE_DEBUG", "1"), "train", "fashion-mnist", "--epochs", "0");
        assertEquals(2, loud.code());
        List<String> lines = loud.err().lines().toList();
        assertEquals("sluice train: --epochs must be a positive integer, got 0", lines.get(0));
        assertTrue(lines.size() > 3 && lines.get(1).contains("UserError"), loud.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("dev.sluice.cli.Check.positive(")), loud.toString());

        Path data = dataDir(dir, new byte[] {7, 7, 7, 7});
        loud = CliRun.withEnv(Map.of("SLUICE_DEBUG", "1"), "train", "fashion-mnist", "--data", data.toString());
        assertTrue(loud.err().contains("dev.sluice.io.IdxFormatException"), loud.toString());
        assertEquals(1, CliRun.withEnv(Map.of("SLUICE_DEBUG", "0"), "train", "fashion-mnist", "--epochs", "0").err().lines().count());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDivergedRunStillWritesItsResultsAndExitsOne(@TempDir Path dir) throws IOException {
        assumeTrue(Files.exists(DATA.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST not installed at " + DATA);
        Path out = dir.resolve("runs/a.json");
        CliRun r = CliRun.of("train", "fashion-mnist", "--lr", "1e30", "--epochs", "3", "--train-limit", "512",
                "--test-limit", "100", "--batch-size", "64", "--out", out.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().strip().matches("sluice train: loss went non-finite \\((NaN|-?Infinity)\\) at epoch 1 step \\d+ "
                + "\\(lr 1e30\\); results written to " + java.util.regex.Pattern.quote(out.toString())), r.toString());
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(out));
        assertEquals(true, json.get("diverged"));
        assertNull(json.get("test_accuracy"));
        assertTrue(json.containsKey("test_accuracy"));
        Map<String, Object> at = (Map<String, Object>) json.get("diverged_at");
        assertEquals(1L, at.get("epoch"));
        assertNull(at.get("loss"));
        List<Map<String, Object>> epochs = (List<Map<String, Object>>) json.get("per_epoch");
        assertEquals(1, epochs.size(), "training stopped in the first epoch");
        assertNull(epochs.getFirst().get("train_loss"));
    }
}
