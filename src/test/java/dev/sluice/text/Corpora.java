package dev.sluice.text;

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
 * The text corpora of the tokenizer tests, from Debian packages: English fortunes ({@code fortunes},
 * {@code fortunes-min}), German ({@code fortunes-de}) and Spanish ({@code fortunes-es}) fortunes, and the King James
 * Bible ({@code bible-kjv}, whose {@code bible} program prints the verses).
 */
final class Corpora {
    static final Path FORTUNES = Path.of("/usr/share/games/fortunes");

    private Corpora() {}

    /** Why the corpora cannot be read, or null when all four are there. */
    static String missing() {
        List<String> absent = new ArrayList<>();
        if (!Files.isRegularFile(FORTUNES.resolve("fortunes"))) {
            absent.add("English fortunes (apt-get install fortunes)");
        }
        if (!Files.isDirectory(FORTUNES.resolve("de"))) {
            absent.add("German fortunes (apt-get install fortunes-de)");
        }
        if (!Files.isDirectory(FORTUNES.resolve("es"))) {
            absent.add("Spanish fortunes (apt-get install fortunes-es)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/bible"))) {
            absent.add("King James Bible (apt-get install bible-kjv)");
        }
        return absent.isEmpty() ? null : "missing corpora: " + String.join(", ", absent);
    }

    static List<String> english() {
        return fortunes(FORTUNES);
    }

    static List<String> german() {
        return fortunes(FORTUNES.resolve("de"));
    }

    static List<String> spanish() {
        return fortunes(FORTUNES.resolve("es"));
    }

    /** The 31,102 verses of the King James Bible, without their references. */
    static List<String> kjv() {
        try {
            Process p = new ProcessBuilder("bible", "-f", "Gen1:1-Rev22:21")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("bible failed: " + out.substring(0, Math.min(300, out.length())));
            }
            List<String> verses = new ArrayList<>();
            for (String line : out.split("\n")) {
                int space = line.indexOf(' ');
                if (space > 0 && line.substring(0, space).matches("\\d?[A-Za-z]+\\d+:\\d+")) {
                    verses.add(line.substring(space + 1));
                }
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
                    if (!t.isBlank()) {
                        out.add(t.endsWith("\n%") ? t.substring(0, t.length() - 2) : t);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

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
