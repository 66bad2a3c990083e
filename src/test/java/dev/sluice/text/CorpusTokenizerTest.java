package dev.sluice.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed byte-level BPE tokenizer trained on the four corpora (English, German and Spanish fortunes and the
 * King James Bible): 2048 tokens, Llama 3 pre-tokenizer, {@code <|begin_of_text|>} and {@code <|end_of_text|>}.
 * Regenerate it with {@code -Dsluice.regenerateCorpusTokenizer=true}.
 */
class CorpusTokenizerTest {
    static final Path FILE = Path.of("src/main/resources/dev/sluice/experiments/undo/corpus-bpe-2k.json");

    static String train(List<String> texts) {
        return new BpeTrainer(2048)
                .preTokenizer(BpeTrainer.PreTokenizer.LLAMA3)
                .specialTokens(List.of("<|begin_of_text|>", "<|end_of_text|>"))
                .bosToken("<|begin_of_text|>")
                .minFrequency(2)
                .train(texts);
    }

    @Test
    void committedFileIsWhatTheTrainerMakesFromTheCorpora() throws IOException {
        String missing = Corpora.missing();
        if (missing != null && !"1".equals(System.getenv("SLUICE_REQUIRE_TOKENIZER_PARITY"))) {
            Assumptions.abort(missing);
        }
        long start = System.nanoTime();
        String json = train(Corpora.all());
        System.out.printf("trained corpus-bpe-2k in %.1f s%n", (System.nanoTime() - start) / 1e9);
        if (Boolean.getBoolean("sluice.regenerateCorpusTokenizer")) {
            Files.writeString(FILE, json, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(FILE, StandardCharsets.UTF_8), json,
                "the committed tokenizer differs from a fresh training run; regenerate with "
                        + "-Dsluice.regenerateCorpusTokenizer=true if the trainer changed on purpose");
    }

    @Test
    void committedFileLoadsAndRoundTrips() throws IOException {
        Tokenizer tok = Tokenizer.load(FILE);
        assertEquals(2048, tok.vocabSize());
        assertEquals(0, tok.bosTokenId().orElseThrow());
        assertEquals(1, tok.eosTokenId().orElseThrow());
        String text = "In the beginning God created the heaven and the earth.\nDer Apfel fällt nicht weit vom Stamm.";
        int[] ids = tok.encode(text);
        assertEquals(0, ids[0]);
        assertTrue(ids.length < text.length() / 2, "a trained vocabulary compresses the corpus text");
        assertEquals(text, tok.decode(ids, true));
        assertArrayEquals(new int[] {0, 1}, tok.encode("<|end_of_text|>"));
    }
}
