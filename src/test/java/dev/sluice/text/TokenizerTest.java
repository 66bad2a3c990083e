package dev.sluice.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Hand-checked cases for the tokenizer.json pipeline, the regex translation, the trainer and the error messages. */
class TokenizerTest {
    /** A SentencePiece-style BPE (Llama 2 layout) over a tiny vocabulary; %s is extra model fields. */
    private static String spm(String merges, String extra) {
        return """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{"id": 0, "content": "<unk>", "special": true, "normalized": false},
                              {"id": 1, "content": "<s>", "special": true, "normalized": false}],
             "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
             "pre_tokenizer": null,
             "post_processor": {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
             "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                         {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
             "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "fuse_unk": true, "byte_fallback": true,
               %s
               "vocab": {"<unk>": 0, "<s>": 1, "▁": 2, "a": 3, "b": 4, "c": 5, "ab": 6, "bc": 7, "abc": 8, "▁a": 9,
                         "aa": 10, "<0xC3>": 11, "<0xA9>": 12},
               "merges": %s}}
            """.formatted(extra, merges);
    }

    @Test
    void mergesLowestRankFirstAndLeftmostOnTies() {
        Tokenizer t = Tokenizer.fromJson(spm("[\"a b\", \"ab c\", \"b c\", \"a a\", \"▁ a\"]", ""));
        assertArrayEquals(new int[] {1, 2, 8}, t.encode("abc"));            // ▁ a b c -> ▁ ab c -> ▁ abc
        assertArrayEquals(new int[] {2, 8}, t.encode("abc", false));
        Tokenizer other = Tokenizer.fromJson(spm("[[\"b\", \"c\"], [\"a\", \"b\"], [\"a\", \"a\"], [\"▁\", \"a\"]]", ""));
        assertArrayEquals(new int[] {9, 7}, other.encode("abc", false)); // b c first: ▁ a bc, then ▁a bc
        assertArrayEquals(new int[] {2, 10, 3}, other.encode("aaa", false)); // leftmost a a: ▁ aa a
        assertEquals("abc", t.decode(t.encode("abc"), true));
        assertEquals("<s> abc", t.decode(t.encode("abc"))); // as Llama 2 decodes: the ▁ after <s> stays
        assertEquals(1, t.bosTokenId().orElseThrow());
    }

    @Test
    void byteFallbackFuseUnkAndIgnoreMerges() {
        Tokenizer t = Tokenizer.fromJson(spm("[\"a b\"]", ""));
        assertArrayEquals(new int[] {2, 11, 12}, t.encode("é", false));  // bytes C3 A9
        assertEquals("é", t.decode(t.encode("é", false)));
        assertArrayEquals(new int[] {2, 0}, t.encode("ü", false));       // no <0xC3><0xBC>: one <unk> ...
        assertArrayEquals(new int[] {2, 0}, t.encode("üü", false));      // ... fused with the next
        assertArrayEquals(new int[] {2, 6, 5}, t.encode("abc", false));
        assertArrayEquals(new int[] {2, 3}, t.encode("a", false));       // no merge "▁ a"
        Tokenizer ignore = Tokenizer.fromJson(spm("[\"a b\"]", "\"ignore_merges\": true,"));
        assertArrayEquals(new int[] {9}, ignore.encode("a", false));     // the word ▁a is in the vocabulary
    }

    @Test
    void addedTokensAreSplitBeforeNormalization() {
        Tokenizer t = Tokenizer.fromJson(spm("[\"a b\", \"ab c\", \"▁ a\"]", ""));
        // "<s>" in the text is the special token; the text after it is normalized on its own (gets its ▁)
        assertArrayEquals(new int[] {1, 2, 8, 1, 2, 8}, t.encode("abc<s>abc"));
        assertEquals("abc abc", t.decode(t.encode("abc<s>abc"), true));
        assertTrue(t.isSpecial(1));
        assertFalse(t.isSpecial(3));
        assertEquals(13, t.vocabSize());
        assertEquals(8, t.tokenToId("abc").orElseThrow());
        assertEquals("abc", t.idToToken(8).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {13}));
    }

    @Test
    void splitBehaviorsFollowTheRustDocumentation() {
        String text = "the-final--countdown";
        List<int[]> m = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '-') {
                m.add(new int[] {i, i + 1});
            }
        }
        assertEquals(List.of("the", "final", "countdown"), split(Splitter.REMOVED, text, m));
        assertEquals(List.of("the", "-", "final", "-", "-", "countdown"), split(Splitter.ISOLATED, text, m));
        assertEquals(List.of("the-", "final-", "-", "countdown"), split(Splitter.MERGED_WITH_PREVIOUS, text, m));
        assertEquals(List.of("the", "-final", "-", "-countdown"), split(Splitter.MERGED_WITH_NEXT, text, m));
        assertEquals(List.of("the", "-", "final", "--", "countdown"), split(Splitter.CONTIGUOUS, text, m));
    }

    private static List<String> split(Splitter s, String text, List<int[]> matches) {
        List<String> out = new ArrayList<>();
        s.split(text, matches, false, out);
        return out;
    }

    @Test
    void onigurumaPatternsKeepTheirMeaningInJava() {
        Pattern ws = OnigRegex.compile("\\s+", "test");
        for (String s : List.of("\u0085", "\u00A0", "\u3000", "\u2028", "\u000B", "\t\r\n ")) {
            assertTrue(ws.matcher(s).matches(), () -> "\\s should match U+" + Integer.toHexString(s.charAt(0)));
        }
        assertFalse(ws.matcher("\uFEFF").matches(), "U+FEFF is not White_Space");
        assertTrue(OnigRegex.compile("\\h+", "t").matcher("09afAF").matches(), "\\h is a hex digit");
        assertFalse(OnigRegex.compile("\\h", "t").matcher(" ").matches());
        assertTrue(OnigRegex.compile("a{,2}b", "t").matcher("aab").matches());
        assertTrue(OnigRegex.compile("x{y}", "t").matcher("x{y}").matches(), "a brace that is no quantifier");
        assertTrue(OnigRegex.compile("\\p{N}{1,3}", "t").matcher("٣٤٥").matches());
        assertTrue(OnigRegex.compile("\\p{Han}+", "t").matcher("中文").matches());
        assertTrue(OnigRegex.compile("(?i:'s)", "t").matcher("'S").matches());
        assertFalse(OnigRegex.compile("(?i:'s)", "t").matcher("'\u017F").matches(), "ASCII folding, as the reference");
        assertTrue(OnigRegex.compile("\\w+", "t").matcher("naïve_Ω1").matches());
        assertTrue(OnigRegex.compile("a.b", "t").matcher("a\rb").matches(), ". excludes only \\n");
        assertTrue(OnigRegex.compile("\\x{263A}", "t").matcher("☺").matches());
        java.util.regex.Matcher llama3 = OnigRegex.compile(BpeTrainer.LLAMA3_REGEX, "t").matcher("1234567 I'VE\r\n\n  x");
        List<String> pieces = new ArrayList<>();
        while (llama3.find()) {
            pieces.add(llama3.group());
        }
        assertEquals(List.of("123", "456", "7", " I", "'VE", "\r\n\n", " ", " x"), pieces);
    }

    @Test
    void gpt2RegexTreatsU0085AsWhitespaceLikeOniguruma() {
        // the JavaScript reference's built-in GPT-2 pattern uses JavaScript's \s here; the Rust crate does not
        Tokenizer t = Tokenizer.fromJson(CorpusTokenizerTestSupport.byteLevelJson(true));
        assertEquals("a\u0085\u0085b", t.decode(t.encode("a\u0085\u0085b")));
        List<String> pieces = PreTokenizers.of(java.util.Map.of("type", "ByteLevel", "use_regex", true), "p")
                .apply(new ArrayList<>(List.of("a\u0085\u0085b x\uFEFF")), true);
        // \s+(?!\S) leaves the last U+0085 before "b" to a piece of its own; U+FEFF is not whitespace
        assertEquals(List.of("a", ByteLevel.encode("\u0085"), ByteLevel.encode("\u0085"), "b", "Ġx",
                ByteLevel.encode("\uFEFF")), pieces);
    }

    @Test
    void byteLevelDecodingOfACutCharacterGivesReplacementCharacters() {
        Tokenizer t = Tokenizer.fromJson(CorpusTokenizerTestSupport.byteLevelJson(false));
        int[] ids = t.encode("€", false); // three byte tokens: E2 82 AC
        assertEquals(3, ids.length);
        assertEquals("\uFFFD", t.decode(new int[] {ids[0], ids[1]}));
        assertEquals("€", t.decode(ids));
    }

    @Test
    void trainerIsDeterministicAndItsOutputLoads() {
        List<String> texts = List.of("low lower lowest", "newer wider low", "the low road, the lower road", "1234567");
        BpeTrainer trainer = new BpeTrainer(300).specialTokens(List.of("<s>", "</s>")).bosToken("<s>");
        String json = trainer.train(texts);
        assertEquals(json, trainer.train(texts));
        Tokenizer t = Tokenizer.fromJson(json);
        assertEquals(0, t.bosTokenId().orElseThrow());
        assertEquals(1, t.eosTokenId().orElseThrow());
        // the most frequent pair is "l o" (6 times as "Ġl o" or "l o"): merged first
        assertTrue(json.contains("\"merges\":[[\"l\",\"o\"]"), json.substring(json.indexOf("\"merges\"")));
        for (String s : texts) {
            assertEquals(s, t.decode(t.encode(s), true));
        }
        assertArrayEquals(new int[] {0, 1}, t.encode("</s>"));
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainer(100));
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainer(300).bosToken("<x>").train(texts));
    }

    @Test
    void unsupportedConfigurationNamesThePathAndValue() {
        String base = spm("[\"a b\"]", "");
        assertError(base.replace("\"dropout\": null", "\"dropout\": 0.1"), "model.dropout = 0.1");
        assertError(base.replace("\"type\": \"Prepend\"", "\"type\": \"Precompiled\""),
                "normalizer.normalizers[0].type = \"Precompiled\": unsupported normalizer");
        assertError(base.replace("\"fuse_unk\": true", "\"fuse_unk\": true, \"shiny\": 1"),
                "model.shiny = 1: unsupported field");
        assertError(spm("[\"a x\"]", ""), "model.merges[0] = \"a x\": a part or the merged token is not in model.vocab");
        assertError(base.replace("\"content\": \"<unk>\",", "\"content\": \"<unk>\", \"single_word\": true,"),
                "added_tokens[0].single_word = true");
        assertError(base.replace("\"pre_tokenizer\": null", "\"pre_tokenizer\": {\"type\": \"Split\", "
                + "\"pattern\": {\"Regex\": \"\\\\G\"}, \"behavior\": \"Isolated\", \"invert\": false}"),
                "pre_tokenizer.pattern.Regex = \"\\G\": regex not supported");
        assertError(base.replace("\"pre_tokenizer\": null", "\"pre_tokenizer\": {\"type\": \"Split\", "
                + "\"pattern\": {\"String\": \"-\"}, \"behavior\": \"Sideways\", \"invert\": false}"),
                "pre_tokenizer.behavior = \"Sideways\": unknown split behavior");
        assertError(base.replace("\"type\": \"BPE\"", "\"type\": \"Unigram\""), "model.type = \"Unigram\"");
        assertError(base.replace("\"truncation\": null", "\"truncation\": {}"), "truncation = {...}");
        assertError("{not json", "not valid JSON");
    }

    private static void assertError(String json, String expected) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromJson(json));
        assertTrue(e.getMessage().contains(expected), () -> "message: " + e.getMessage() + "\nexpected: " + expected);
    }
}
