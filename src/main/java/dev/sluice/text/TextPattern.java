package dev.sluice.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code {"String": ...}} or {@code {"Regex": ...}} pattern of Split, Replace and their decoders. */
final class TextPattern {
    private final Pattern regex;

    private TextPattern(Pattern regex) {
        this.regex = regex;
    }

    static TextPattern of(Cfg owner, String key) {
        Cfg p = owner.obj(key);
        p.allow("String", "Regex");
        if (p.has("String") == p.has("Regex")) {
            throw owner.error(key, "expected exactly one of String or Regex");
        }
        if (p.has("String")) {
            return new TextPattern(Pattern.compile(Pattern.quote(p.string("String"))));
        }
        return new TextPattern(OnigRegex.compile(p.string("Regex"), p.at("Regex")));
    }

    String replaceAll(String text, String content) {
        return regex.matcher(text).replaceAll(Matcher.quoteReplacement(content));
    }

    /** Start and end offsets of every non-overlapping non-empty match, left to right. */
    List<int[]> matches(String text) {
        List<int[]> out = new ArrayList<>();
        Matcher m = regex.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                out.add(new int[] {m.start(), m.end()});
            }
        }
        return out;
    }
}
