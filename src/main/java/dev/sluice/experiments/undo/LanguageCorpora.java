package dev.sluice.experiments.undo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real text of the language demo, from Debian packages: English fortunes ({@code fortunes}), German
 * ({@code fortunes-de}) and Spanish ({@code fortunes-es}) fortunes, and the King James Bible ({@code bible-kjv}, whose
 * {@code bible} program prints the verses). Documents are single fortunes, and runs of 20 consecutive verses.
 */
public final class LanguageCorpora {
    /** Where Debian installs the fortunes. */
    public static final Path FORTUNES = Path.of("/usr/share/games/fortunes");
    static final Path BIBLE = Path.of("/usr/bin/bible");

    private LanguageCorpora() {}

    /**
     * Why the corpora cannot be read, or null when they are there.
     *
     * @param fortunes the fortunes folder (with de/ and es/ under it)
     * @param foreign the foreign fortunes needed: "de", "es" or both
     * @return a one-line reason naming the packages to install, or null
     */
    public static String missing(Path fortunes, String... foreign) {
        List<String> absent = new ArrayList<>();
        if (!Files.isRegularFile(fortunes.resolve("fortunes"))) absent.add("English fortunes (apt-get install fortunes)");
        for (String language : foreign) {
            if (!Files.isDirectory(fortunes.resolve(language))) {
                absent.add((language.equals("de") ? "German" : "Spanish") + " fortunes (apt-get install fortunes-" + language + ")");
            }
        }
        if (!Files.isExecutable(BIBLE)) absent.add("King James Bible (apt-get install bible-kjv)");
        return absent.isEmpty() ? null : "missing corpora: " + String.join(", ", absent);
    }

    /**
     * The English fortunes: every plain file directly in the folder.
     *
     * @param fortunes the fortunes folder
     * @return one string per fortune, in file-name order
     */
    public static List<String> english(Path fortunes) { return fortunes(fortunes); }

    /**
     * The German or Spanish fortunes.
     *
     * @param fortunes the fortunes folder
     * @param language "de" or "es"
     * @return one string per fortune, in file-name order
     */
    public static List<String> foreign(Path fortunes, String language) { return fortunes(fortunes.resolve(language)); }

    /**
     * The King James Bible as documents of {@code versesPerDocument} consecutive verses (references dropped).
     *
     * @param versesPerDocument verses per document, at least 1
     * @return the documents, in canonical order
     */
    public static List<String> kjv(int versesPerDocument) {
        List<String> verses = verses();
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < verses.size(); i += versesPerDocument) {
            docs.add(String.join("\n", verses.subList(i, Math.min(verses.size(), i + versesPerDocument))));
        }
        return docs;
    }

    /**
     * The 31,102 verses of the King James Bible, in canonical order, without their references.
     *
     * @return one string per verse
     * @throws IllegalStateException when the {@code bible} program fails
     */
    public static List<String> verses() {
        try {
            Process p = new ProcessBuilder(BIBLE.toString(), "-f", "Gen1:1-Rev22:21")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("bible failed: " + out.substring(0, Math.min(300, out.length())));
            }
            List<String> verses = new ArrayList<>();
            for (String line : out.split("\n")) {
                int space = line.indexOf(' ');
                if (space > 0 && line.substring(0, space).matches("\\d?[A-Za-z]+\\d+:\\d+")) verses.add(line.substring(space + 1));
            }
            return verses;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every fortune (the text between lines holding only "%") of the plain files of a folder, in file-name order. */
    static List<String> fortunes(Path dir) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !Files.isSymbolicLink(f))
                    .filter(f -> !f.getFileName().toString().endsWith(".dat")).sorted().toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                for (String fortune : text.split("\n%\n")) {
                    String t = fortune.strip().equals("%") ? "" : fortune;
                    if (!t.isBlank()) out.add(t.endsWith("\n%") ? t.substring(0, t.length() - 2) : t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
