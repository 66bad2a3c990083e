package dev.sluice.text;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates the Oniguruma patterns of tokenizer.json files (what the Rust {@code tokenizers} crate compiles) into
 * {@link java.util.regex.Pattern}s with the same meaning.
 *
 * <p>What differs between the two engines and is rewritten here: {@code \s}/{@code \S} are the Unicode White_Space
 * property in Oniguruma (Java's are ASCII); {@code \d} is {@code \p{Nd}}; {@code \w} is Alphabetic, marks,
 * decimal digits and connector punctuation; {@code \h} is a hex digit (Java: horizontal space); {@code \v} is
 * U+000B; {@code \b}/{@code \B} use that {@code \w}; {@code \p{Name}} of a script or binary property needs Java's
 * {@code Is} prefix; {@code ^}, {@code $} and {@code .} know only {@code \n} as a line end; a brace that is not a
 * quantifier is a literal. {@code (?i:...)} folds ASCII only, as Java's default and the JavaScript reference do.
 * Possessive quantifiers and atomic groups keep their Oniguruma meaning (Java has both). Constructs with no
 * translation ({@code \G}, {@code \K}, {@code \X}, {@code \R}, POSIX brackets) are refused.
 */
final class OnigRegex {
    private static final String WORD = "\\p{IsAlphabetic}\\p{M}\\p{Nd}\\p{Pc}";
    private static final String HEX = "0-9A-Fa-f";
    private static final String WS = "\\p{IsWhite_Space}";

    private OnigRegex() {}

    static Pattern compile(String onig, String where) {
        String java;
        try {
            java = translate(onig);
            return Pattern.compile(java, Pattern.MULTILINE | Pattern.UNIX_LINES);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException("tokenizer.json: " + where + " = \"" + onig
                    + "\": regex not supported: " + e.getMessage(), e);
        }
    }

    static String translate(String re) {
        StringBuilder out = new StringBuilder(re.length() + 32);
        int classDepth = 0;
        int i = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            boolean inClass = classDepth > 0;
            if (c == '\\') {
                if (i + 1 >= re.length()) {
                    throw new IllegalArgumentException("trailing backslash");
                }
                char n = re.charAt(i + 1);
                i += 2;
                switch (n) {
                    case 's' -> out.append(WS);
                    case 'S' -> out.append("\\P{IsWhite_Space}");
                    case 'd' -> out.append("\\p{Nd}");
                    case 'D' -> out.append("\\P{Nd}");
                    case 'w' -> out.append(inClass ? WORD : "[" + WORD + "]");
                    case 'W' -> out.append("[^" + WORD + "]");
                    case 'h' -> out.append(inClass ? HEX : "[" + HEX + "]");
                    case 'H' -> out.append("[^" + HEX + "]");
                    case 'v' -> out.append("\\x0B");
                    case 'a' -> out.append("\\x07");
                    case 'e' -> out.append("\\x1B");
                    case 'Z' -> out.append("(?=\\n?\\z)");
                    case 'b' -> out.append(inClass ? "\\x08"
                            : "(?:(?<![" + WORD + "])(?=[" + WORD + "])|(?<=[" + WORD + "])(?![" + WORD + "]))");
                    case 'B' -> out.append("(?:(?<![" + WORD + "])(?![" + WORD + "])|(?<=[" + WORD + "])(?=[" + WORD
                            + "]))");
                    case 'p', 'P' -> {
                        if (i >= re.length() || re.charAt(i) != '{') {
                            throw new IllegalArgumentException("\\" + n + " without {name}");
                        }
                        int close = re.indexOf('}', i);
                        if (close < 0) {
                            throw new IllegalArgumentException("unterminated \\" + n + "{");
                        }
                        String name = re.substring(i + 1, close);
                        boolean negate = name.startsWith("^");
                        if (negate) {
                            name = name.substring(1);
                        }
                        char kind = negate ^ (n == 'P') ? 'P' : 'p';
                        out.append('\\').append(kind).append('{').append(propertyName(name)).append('}');
                        i = close + 1;
                    }
                    case 'x' -> {
                        out.append("\\x");
                        if (i < re.length() && re.charAt(i) == '{') {
                            int close = re.indexOf('}', i);
                            if (close < 0) {
                                throw new IllegalArgumentException("unterminated \\x{");
                            }
                            out.append(re, i, close + 1);
                            i = close + 1;
                        }
                    }
                    case 'G', 'K', 'X', 'R', 'y', 'Y', 'g', 'k', 'N', 'O' ->
                            throw new IllegalArgumentException("\\" + n + " has no translation");
                    default -> out.append('\\').append(n);
                }
                continue;
            }
            if (inClass) {
                if (c == '[') {
                    if (re.startsWith("[:", i) || re.startsWith("[=", i) || re.startsWith("[.", i)) {
                        throw new IllegalArgumentException("POSIX bracket expressions are not supported");
                    }
                    classDepth++;
                } else if (c == ']') {
                    classDepth--;
                }
                out.append(c);
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    classDepth = 1;
                    out.append(c);
                    i++;
                    if (i < re.length() && re.charAt(i) == '^') {
                        out.append('^');
                        i++;
                    }
                    if (i < re.length() && re.charAt(i) == ']') {
                        out.append("\\]"); // a leading ] is a literal in Oniguruma
                        i++;
                    }
                }
                case ']' -> {
                    out.append("\\]");
                    i++;
                }
                case '{' -> {
                    int close = re.indexOf('}', i);
                    String body = close < 0 ? null : re.substring(i + 1, close);
                    if (body != null && body.matches("\\d+(,\\d*)?|,\\d+") && !out.isEmpty()) {
                        out.append('{').append(body.startsWith(",") ? "0" + body : body).append('}');
                        i = close + 1;
                    } else {
                        out.append("\\{");
                        i++;
                    }
                }
                case '}' -> {
                    out.append("\\}");
                    i++;
                }
                case '(' -> {
                    if (re.startsWith("(?P", i)) {
                        throw new IllegalArgumentException("(?P...) groups are not supported");
                    }
                    out.append(c);
                    i++;
                }
                default -> {
                    out.append(c);
                    i++;
                }
            }
        }
        if (classDepth != 0) {
            throw new IllegalArgumentException("unterminated character class");
        }
        return out.toString();
    }

    private static String propertyName(String name) {
        if (name.length() <= 2 || name.startsWith("Is") || name.startsWith("In") || name.contains("=")) {
            return name; // general categories (L, Lu, N, ...) and names already in Java's spelling
        }
        if (name.equals("Word")) {
            throw new IllegalArgumentException("\\p{Word} has no translation");
        }
        try {
            Pattern.compile("\\p{Is" + name + "}");
            return "Is" + name;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("unknown Unicode property " + name);
        }
    }
}
