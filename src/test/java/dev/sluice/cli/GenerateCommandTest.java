package dev.sluice.cli;

import dev.sluice.io.Json;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.tensor.Generator;
import dev.sluice.text.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code sluice generate}, in-process on a tiny random Llama with a real byte-level BPE tokenizer. */
class GenerateCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Tokenizer tok;

    @BeforeAll
    static void setUp() throws IOException {
        model = LmFixture.model(tmp.resolve("llama"), LmFixture.llama(), 1, true);
        tok = Tokenizer.load(LmFixture.TOKENIZER);
    }

    /** What generate should print: the decoded prompt and continuation, up to (without) the first end-of-sequence. */
    private static String expected(String prompt, int max, double temperature, int topK, Generator gen) throws IOException {
        CausalLM m = HfModels.load(model);
        int[] ids = tok.encode(prompt, true);
        int[] all = m.generate(ids, max, temperature, topK, gen);
        int end = all.length;
        int eos = tok.eosTokenId().orElseThrow();
        for (int i = ids.length; i < all.length; i++) {
            if (all[i] == eos) {
                end = i;
                break;
            }
        }
        return tok.decode(Arrays.copyOf(all, end), true) + "\n";
    }

    @Test
    void streamedTextIsTheDecodedSampleOfTheSameSeed() throws IOException {
        String prompt = "In the beginning, café ☃";
        CliRun r = CliRun.of("generate", "--model", model.toString(), "--prompt", prompt, "--max-tokens", "60",
                "--temperature", "0.9", "--top-k", "0", "--seed", "7");
        assertEquals(0, r.code(), r.toString());
        assertEquals(expected(prompt, 60, 0.9, 0, new Generator(7)), r.out(), r.toString());
        assertTrue(r.out().startsWith("In the beginning, café ☃"), r.out());
        String[] lines = r.err().split("\n");
        assertEquals(2, lines.length, r.err());
        assertTrue(lines[1].matches("sluice generate: \\d+ tokens \\(.*\\); prefill \\d+ tokens in .* tokens/s\\); decode .* tokens/s\\); seed 7"),
                lines[1]);
        // the same seed again: the same text; another seed: (almost surely) another
        assertEquals(r.out(), CliRun.of("generate", "--model", model.toString(), "--prompt", prompt, "--max-tokens", "60",
                "--temperature", "0.9", "--top-k", "0", "--seed", "7").out());
        assertNotEquals(r.out(), CliRun.of("generate", "--model", model.toString(), "--prompt", prompt, "--max-tokens", "60",
                "--temperature", "0.9", "--top-k", "0", "--seed", "8").out());
    }

    @Test
    void temperatureZeroIsGreedyAndDeterministic() throws IOException {
        String[] args = {"generate", "--model", model.toString(), "--prompt", "And God said", "--max-tokens", "25", "--temperature", "0"};
        CliRun a = CliRun.of(args), b = CliRun.of(args);
        assertEquals(0, a.code(), a.toString());
        assertEquals(a.out(), b.out());
        assertEquals(expected("And God said", 25, 0, 0, null), a.out());
    }

    @Test
    void streamerHoldsBackCharactersCutBetweenTokens() {
        String text = " naïve ☃ snowman 😀 and 日本語 text";
        int[] ids = tok.encode(text, false);
        GenerateCommand.Streamer s = new GenerateCommand.Streamer(tok, new int[0]);
        StringBuilder got = new StringBuilder(s.start());
        int cut = 0;
        for (int id : ids) {
            String piece = s.next(id);
            assertFalse(piece.contains("\uFFFD"), "an incomplete character was printed: " + piece);
            if (piece.isEmpty()) cut++;
            got.append(piece);
        }
        got.append(s.finish());
        assertEquals(tok.decode(ids, true), got.toString());
        assertTrue(cut > 0, "the text should split some character between byte-level tokens");
        GenerateCommand.Streamer u = new GenerateCommand.Streamer(tok, tok.encode("Hi", true));
        assertEquals("Hi", u.start());
        assertEquals("", u.next(tok.vocabSize() + 5));
        assertEquals(1, u.unknown());
        assertEquals("", u.finish());
    }

    @Test
    void missingTokenizerNamesTheOptionToPass() throws IOException {
        Path bare = LmFixture.model(tmp.resolve("bare"), LmFixture.llama(), 2, false);
        CliRun r = CliRun.of("generate", "--model", bare.toString(), "--prompt", "hi");
        assertEquals("sluice generate: --model " + bare + " has no tokenizer.json; pass --tokenizer FILE (a Hugging Face tokenizer.json)\n", r.err());
        assertEquals(2, r.code());
        CliRun ok = CliRun.of("generate", "--model", bare.toString(), "--tokenizer", LmFixture.TOKENIZER.toString(), "--prompt", "hi",
                "--max-tokens", "3", "--seed", "1");
        assertEquals(0, ok.code(), ok.toString());
    }

    private static void assertUserError(CliRun r, String line) {
        assertEquals(line + "\n", r.err(), r.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork() {
        String m = model.toString();
        assertUserError(CliRun.of("generate", "--model", m, "--prompt", "x", "--temperature", "-1"),
                "sluice generate: --temperature must be a finite number >= 0, got -1");
        assertUserError(CliRun.of("generate", "--model", m, "--prompt", "x", "--temperature", "NaN"),
                "sluice generate: --temperature must be a finite number >= 0, got NaN");
        assertUserError(CliRun.of("generate", "--model", m, "--prompt", "x", "--top-k", "-2"),
                "sluice generate: --top-k must be 0 or more, got -2");
        assertUserError(CliRun.of("generate", "--model", m, "--prompt", "x", "--max-tokens", "0"),
                "sluice generate: --max-tokens must be a positive integer, got 0");
        int promptTokens = tok.encode("x", true).length;
        assertUserError(CliRun.of("generate", "--model", m, "--prompt", "x", "--max-tokens", "500"),
                "sluice generate: --max-tokens 500 after a " + promptTokens + "-token prompt passes the model's 128 positions; give --max-tokens "
                        + (128 - promptTokens) + " or less");
        Path none = tmp.resolve("none");
        assertUserError(CliRun.of("generate", "--model", none.toString(), "--prompt", "x"),
                "sluice generate: --model " + none + ": no such directory; give a Hugging Face model directory (config.json, model.safetensors, tokenizer.json)");
        assertUserError(CliRun.of("generate", "--model", tmp.toString(), "--prompt", "x"),
                "sluice generate: --model " + tmp + " has no config.json; give a Hugging Face model directory (config.json, model.safetensors, tokenizer.json)");
        CliRun missing = CliRun.of("generate", "--model", m);
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("sluice generate: Missing required option: '--prompt=TEXT'"), missing.err());
    }

    /** A config.json of a model far beyond any test heap, and nothing else: refused from the config alone. */
    static Path hugeModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> cfg = new LinkedHashMap<>(Map.of("model_type", "llama", "vocab_size", 128256, "hidden_size", 16384,
                "intermediate_size", 53248, "num_hidden_layers", 126, "num_attention_heads", 128, "num_key_value_heads", 8,
                "max_position_embeddings", 4096));
        Files.writeString(dir.resolve("config.json"), Json.writePretty(cfg));
        Files.copy(LmFixture.TOKENIZER, dir.resolve("tokenizer.json"));
        return dir;
    }

    @Test
    void aModelTooBigForTheHeapIsRefusedUpFront() throws IOException {
        Path huge = hugeModel(tmp.resolve("huge"));
        long params = HfModels.readConfig(huge).parameterCount();
        assertTrue(params > 400_000_000_000L, "a 405B-like config: " + params);
        CliRun r = CliRun.of("generate", "--model", huge.toString(), "--prompt", "hi");
        assertEquals(2, r.code(), r.toString());
        assertEquals("", r.out());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.matches("sluice generate: the model needs about [0-9.]+ GiB \\(" + String.format(java.util.Locale.ROOT, "%,d", params)
                + " parameters × 4 bytes for float32 weights, plus ~.* for the KV cache and logits\\), the heap is .*: run with SLUICE_JAVA_OPTS=-Xmx\\d+g"), line);
    }
}
