package dev.sluice.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pre-tokenizers of tokenizer.json: ByteLevel, Split, Metaspace, Digits, Whitespace, WhitespaceSplit, Sequence. */
final class PreTokenizers {
    /** GPT-2's pre-tokenizer regex (Oniguruma syntax), used by ByteLevel when use_regex is true. */
    static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final Pattern GPT2 = OnigRegex.compile(GPT2_REGEX, "(GPT-2 regex)");
    private static final Pattern WORDS = Pattern.compile(OnigRegex.translate("\\w+|[^\\w\\s]+"));

    /** One step of pre-tokenization. */
    interface PreTokenizer {
        /**
         * Splits (or rewrites) pieces of text.
         *
         * @param pieces the pieces so far
         * @param first  whether the first piece starts the input (Metaspace's prepend_scheme "first")
         * @return the new pieces
         */
        List<String> apply(List<String> pieces, boolean first);
    }

    /** A step that maps each piece to pieces independently. */
    private interface PerPiece extends PreTokenizer {
        void split(String piece, boolean first, List<String> out);

        @Override
        default List<String> apply(List<String> pieces, boolean first) {
            List<String> out = new ArrayList<>(pieces.size() * 2);
            for (int i = 0; i < pieces.size(); i++) {
                split(pieces.get(i), first && i == 0, out);
            }
            return out;
        }
    }

    private PreTokenizers() {}

    /** The pre-tokenizer, or null for a JSON null. */
    static PreTokenizer of(Object json, String path) {
        if (json == null) {
            return null;
        }
        Cfg c = Cfg.of(json, path);
        return switch (c.type()) {
            case "ByteLevel" -> byteLevel(c);
            case "Split" -> {
                c.allow("type", "pattern", "behavior", "invert");
                TextPattern pattern = TextPattern.of(c, "pattern");
                Splitter behavior = Splitter.of(c, "behavior");
                boolean invert = c.bool("invert", false);
                yield (PerPiece) (s, first, out) -> behavior.split(s, pattern.matches(s), invert, out);
            }
            case "Metaspace" -> metaspace(c);
            case "Digits" -> {
                c.allow("type", "individual_digits");
                Splitter behavior = c.bool("individual_digits", false) ? Splitter.ISOLATED : Splitter.CONTIGUOUS;
                yield (PerPiece) (s, first, out) ->
                        behavior.split(s, Splitter.charMatches(s, cp -> cp >= '0' && cp <= '9'), false, out);
            }
            case "Whitespace" -> {
                c.allow("type");
                yield (PerPiece) (s, first, out) -> {
                    Matcher m = WORDS.matcher(s);
                    while (m.find()) {
                        out.add(m.group());
                    }
                };
            }
            case "WhitespaceSplit" -> {
                c.allow("type");
                yield (PerPiece) (s, first, out) ->
                        Splitter.REMOVED.split(s, Splitter.charMatches(s, Whitespace::is), false, out);
            }
            case "Sequence" -> {
                c.allow("type", "pretokenizers");
                List<Cfg> parts = c.objects("pretokenizers");
                PreTokenizer[] steps = new PreTokenizer[parts.size()];
                for (int i = 0; i < steps.length; i++) {
                    steps[i] = of(parts.get(i).map, parts.get(i).path);
                }
                yield (pieces, first) -> {
                    for (PreTokenizer step : steps) {
                        pieces = step.apply(pieces, first);
                    }
                    return pieces;
                };
            }
            default -> throw c.error("type", "unsupported pre-tokenizer");
        };
    }

    private static PreTokenizer byteLevel(Cfg c) {
        // trim_offsets only changes offsets, which this package does not report
        c.allow("type", "add_prefix_space", "trim_offsets", "use_regex");
        boolean addPrefixSpace = c.bool("add_prefix_space", false);
        boolean useRegex = c.bool("use_regex", true);
        return (PerPiece) (s, first, out) -> {
            if (addPrefixSpace && !s.startsWith(" ")) {
                s = " " + s;
            }
            if (!useRegex) {
                out.add(ByteLevel.encode(s));
                return;
            }
            Matcher m = GPT2.matcher(s);
            while (m.find()) {
                if (m.end() > m.start()) {
                    out.add(ByteLevel.encode(m.group()));
                }
            }
        };
    }

    private static PreTokenizer metaspace(Cfg c) {
        c.allow("type", "replacement", "prepend_scheme", "split", "add_prefix_space", "str_rep");
        String replacement = c.optString("replacement", "\u2581");
        if (replacement.codePointCount(0, replacement.length()) != 1) {
            throw c.error("replacement", "expected one character");
        }
        String scheme = c.has("prepend_scheme") ? c.string("prepend_scheme")
                : c.bool("add_prefix_space", true) ? "always" : "never";
        if (!scheme.equals("always") && !scheme.equals("first") && !scheme.equals("never")) {
            throw c.error("prepend_scheme", "expected always, first or never");
        }
        if (c.has("str_rep") && !c.string("str_rep").equals(replacement)) {
            throw c.error("str_rep", "must equal replacement");
        }
        boolean split = c.bool("split", true);
        int rep = replacement.codePointAt(0);
        return (PerPiece) (s, first, out) -> {
            String t = s.replace(" ", replacement);
            if (!t.startsWith(replacement)
                    && (scheme.equals("always") || scheme.equals("first") && first)) {
                t = replacement + t;
            }
            if (split) {
                Splitter.MERGED_WITH_NEXT.split(t, Splitter.charMatches(t, cp -> cp == rep), false, out);
            } else if (!t.isEmpty()) {
                out.add(t);
            }
        };
    }
}
