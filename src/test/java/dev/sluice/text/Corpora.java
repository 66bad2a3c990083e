package dev.sluice.text;

import dev.sluice.experiments.undo.LanguageCorpora;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text corpora of the tokenizer tests, read as the language demo reads them ({@link LanguageCorpora}): English
 * fortunes ({@code fortunes}), German ({@code fortunes-de}) and Spanish ({@code fortunes-es}) fortunes, and the King
 * James Bible ({@code bible-kjv}) as single verses.
 */
final class Corpora {
    static final Path FORTUNES = LanguageCorpora.FORTUNES;

    private Corpora() {}

    /** Why the corpora cannot be read, or null when all four are there. */
    static String missing() { return LanguageCorpora.missing(FORTUNES, "de", "es"); }

    static List<String> english() { return LanguageCorpora.english(FORTUNES); }

    static List<String> german() { return LanguageCorpora.foreign(FORTUNES, "de"); }

    static List<String> spanish() { return LanguageCorpora.foreign(FORTUNES, "es"); }

    /** The 31,102 verses of the King James Bible, without their references. */
    static List<String> kjv() { return LanguageCorpora.verses(); }

    /** All four corpora, for training. */
    static List<String> all() {
        List<String> all = new ArrayList<>();
        all.addAll(english());
        all.addAll(kjv());
        all.addAll(german());
        all.addAll(spanish());
        return all;
    }
}
