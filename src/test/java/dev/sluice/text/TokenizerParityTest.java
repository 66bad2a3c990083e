package dev.sluice.text;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.io.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Token-id parity with the reference implementation, {@code @huggingface/tokenizers} (pure JavaScript, pinned in
 * {@code src/test/js/package.json}), on more than 10,000 strings ({@link ParityStrings}) for five tokenizer.json
 * files: GPT-2, Llama 3, Llama 2 (legacy normalizer layout and Metaspace layout), all rebuilt from vocabularies that
 * npm packages bundle, and the committed corpus tokenizer made by {@link BpeTrainer}.
 *
 * <p>Needs node and npm (with the npm registry, or an npm cache holding the pinned packages) and the corpora (see
 * {@link Corpora}); without them the test is skipped with the reason, or fails when the environment variable
 * {@code SLUICE_REQUIRE_TOKENIZER_PARITY=1} is set (as CI should).
 */
class TokenizerParityTest {
    private static final Path JS = Path.of("src/test/js");
    private static final Path DIR = Path.of("target/tokenizer-parity");
    private static final List<String> BYTE_LEVEL = List.of("gpt2", "llama3", "corpus-bpe-2k");

    @Test
    void idsAndDecodingMatchTheReferenceImplementation() throws Exception {
        String missing = Corpora.missing();
        if (missing == null && run(List.of("node", "--version"), 30) != 0) {
            missing = "node is not installed";
        }
        if (missing == null && run(List.of("npm", "--version"), 30) != 0) {
            missing = "npm is not installed";
        }
        if (missing == null) {
            missing = installPackages();
        }
        if (missing != null) {
            if ("1".equals(System.getenv("SLUICE_REQUIRE_TOKENIZER_PARITY"))) {
                fail("tokenizer parity required (SLUICE_REQUIRE_TOKENIZER_PARITY=1) but " + missing);
            }
            Assumptions.abort(missing);
        }
        Path tokDir = DIR.resolve("tokenizers");
        check(run(List.of("node", "build-tokenizers.mjs", tokDir.toAbsolutePath().toString()), 300), "build");
        Files.copy(CorpusTokenizerTest.FILE, tokDir.resolve("corpus-bpe-2k.json"), StandardCopyOption.REPLACE_EXISTING);

        List<String> strings = ParityStrings.build();
        assertTrue(strings.size() >= 10_000, "only " + strings.size() + " strings");
        StringBuilder jsonl = new StringBuilder();
        for (String s : strings) {
            jsonl.append(Json.write(s)).append('\n');
        }
        Path stringsFile = DIR.resolve("strings.jsonl");
        Files.writeString(stringsFile, jsonl, StandardCharsets.UTF_8);

        List<String> names = List.of("gpt2", "llama3", "llama2", "llama2-metaspace", "corpus-bpe-2k");
        List<String> cmd = new ArrayList<>(List.of("node", "tokenizer-parity.mjs",
                stringsFile.toAbsolutePath().toString(), DIR.resolve("ref").toAbsolutePath().toString()));
        for (String n : names) {
            cmd.add(tokDir.resolve(n + ".json").toAbsolutePath().toString());
        }
        check(run(cmd, 600), "reference encoding");

        List<String> failures = new ArrayList<>();
        for (String name : names) {
            long start = System.nanoTime();
            Tokenizer tok = Tokenizer.load(tokDir.resolve(name + ".json"));
            long loaded = System.nanoTime();
            List<String> ref = Files.readAllLines(DIR.resolve("ref").resolve(name + ".ref.jsonl"));
            int bad = 0;
            int roundTrips = 0;
            for (int i = 0; i < strings.size(); i++) {
                String s = strings.get(i);
                Map<?, ?> expected = (Map<?, ?>) Json.parse(ref.get(i));
                int[] ids = tok.encode(s);
                int[] plain = tok.encode(s, false);
                String decoded = Arrays.stream(ids).anyMatch(id -> !tok.isSpecial(id)) ? tok.decode(ids, true) : "";
                String problem = null;
                if (!Arrays.equals(ids, ints(expected.get("ids")))) {
                    problem = "ids " + Arrays.toString(ids) + " expected " + expected.get("ids");
                } else if (!Arrays.equals(plain, ints(expected.get("plain")))) {
                    problem = "ids without special tokens " + Arrays.toString(plain) + " expected "
                            + expected.get("plain");
                } else if (!decoded.equals(expected.get("decoded"))) {
                    problem = "decoded " + Json.write(decoded) + " expected " + Json.write(expected.get("decoded"));
                } else if (BYTE_LEVEL.contains(name)) {
                    if (!tok.decode(plain).equals(s)) {
                        problem = "byte-level round trip gave " + Json.write(tok.decode(plain));
                    } else {
                        roundTrips++;
                    }
                }
                if (problem != null && bad++ < 5) {
                    failures.add(name + " string #" + i + " " + Json.write(s) + ": " + problem);
                }
            }
            long done = System.nanoTime();
            System.out.printf("%s: %d strings, %d mismatches, %d exact round trips (load %.1f s, encode+decode %.1f s)%n",
                    name, strings.size(), bad, roundTrips, (loaded - start) / 1e9, (done - loaded) / 1e9);
            if (bad > 5) {
                failures.add(name + ": " + bad + " mismatching strings in all");
            }
        }
        if (!failures.isEmpty()) {
            fail("parity with @huggingface/tokenizers failed:\n" + String.join("\n", failures));
        }
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> (int) (long) (Long) o).toArray();
    }

    /** Installs the pinned npm packages unless the installed ones match the lock file; returns why not, or null. */
    private static String installPackages() throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        for (String f : List.of("package.json", "package-lock.json", "build-tokenizers.mjs", "tokenizer-parity.mjs")) {
            Files.copy(JS.resolve(f), DIR.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path stamp = DIR.resolve("node_modules/.sluice-lock");
        String lock = Files.readString(JS.resolve("package-lock.json"));
        if (Files.exists(stamp) && Files.readString(stamp).equals(lock)) {
            return null;
        }
        if (run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300) != 0) {
            return "npm ci failed (is the npm registry reachable?); see " + DIR.resolve("npm.log");
        }
        Files.writeString(stamp, lock);
        return null;
    }

    private static void check(int rc, String what) throws IOException {
        if (rc != 0) {
            fail(what + " failed with exit code " + rc + ":\n" + Files.readString(DIR.resolve("npm.log")));
        }
    }

    /** Runs a command in the parity folder, output to npm.log (appended); returns the exit code. */
    private static int run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        File log = DIR.resolve("npm.log").toFile();
        Process p;
        try {
            p = new ProcessBuilder(command).directory(DIR.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log)).start();
        } catch (IOException e) {
            return 127; // not installed
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return 124;
        }
        return p.exitValue();
    }
}
