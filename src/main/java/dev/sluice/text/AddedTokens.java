package dev.sluice.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The added tokens of tokenizer.json and the splitting of text around them (leftmost, then longest, match). */
final class AddedTokens {
    /** One entry of {@code added_tokens}. */
    record Token(int id, String content, boolean lstrip, boolean rstrip, boolean normalized, boolean special) {}

    /** A piece of text: either an added token or text between added tokens. */
    record Section(String text, Token token) {}

    final List<Token> all = new ArrayList<>();
    private final Map<Character, List<Token>> raw = new HashMap<>();
    private final Map<Character, List<Token>> normalizedForm = new HashMap<>();

    AddedTokens(List<Cfg> entries, java.util.function.UnaryOperator<String> normalizer) {
        for (Cfg c : entries) {
            c.allow("id", "content", "single_word", "lstrip", "rstrip", "normalized", "special");
            if (c.bool("single_word", false)) {
                throw c.error("single_word", "unsupported value (only false)");
            }
            int id = c.integer("id", -1);
            if (id < 0) {
                throw c.error("id", "expected a non-negative integer");
            }
            String content = c.string("content");
            if (content.isEmpty()) {
                throw c.error("content", "an added token cannot be empty");
            }
            boolean special = c.bool("special", false);
            Token t = new Token(id, content, c.bool("lstrip", false), c.bool("rstrip", false),
                    c.bool("normalized", !special), special);
            all.add(t);
            if (t.normalized && normalizer != null) {
                String n = normalizer.apply(content);
                if (!n.isEmpty()) {
                    index(normalizedForm, n, t);
                }
            } else {
                index(raw, content, t);
            }
        }
    }

    /** Files a token under the first character of the text it matches, longest first. */
    private static void index(Map<Character, List<Token>> map, String text, Token t) {
        Token keyed = new Token(t.id, text, t.lstrip, t.rstrip, t.normalized, t.special);
        map.computeIfAbsent(text.charAt(0), k -> new ArrayList<>()).add(keyed);
        map.get(text.charAt(0)).sort(Comparator.comparingInt((Token x) -> -x.content.length()));
    }

    /** Splits raw text at the added tokens that match before normalization. */
    List<Section> splitRaw(String text) {
        return split(text, raw);
    }

    /** Splits normalized text at the added tokens that match after normalization. */
    List<Section> splitNormalized(String text) {
        return split(text, normalizedForm);
    }

    private static List<Section> split(String text, Map<Character, List<Token>> byFirst) {
        List<Section> out = new ArrayList<>();
        if (byFirst.isEmpty()) {
            out.add(new Section(text, null));
            return out;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            List<Token> cands = byFirst.get(text.charAt(i));
            Token hit = null;
            if (cands != null) {
                for (Token t : cands) {
                    if (text.startsWith(t.content, i)) {
                        hit = t;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            if (i > start) {
                out.add(new Section(text.substring(start, i), null));
            }
            out.add(new Section(hit.content, hit));
            i += hit.content.length();
            start = i;
        }
        if (start < text.length()) {
            out.add(new Section(text.substring(start), null));
        }
        // lstrip / rstrip take the whitespace next to the token
        for (int k = 0; k < out.size(); k++) {
            Token t = out.get(k).token;
            if (t == null) {
                continue;
            }
            if (t.lstrip && k > 0 && out.get(k - 1).token == null) {
                out.set(k - 1, new Section(Whitespace.strip(out.get(k - 1).text, false, true), null));
            }
            if (t.rstrip && k + 1 < out.size() && out.get(k + 1).token == null) {
                out.set(k + 1, new Section(Whitespace.strip(out.get(k + 1).text, true, false), null));
            }
        }
        return out;
    }
}
