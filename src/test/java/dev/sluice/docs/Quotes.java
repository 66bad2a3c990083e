package dev.sluice.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that an excerpt quoted in the book still occurs in its source file, so a quote cannot drift from the code.
 * Lines are compared stripped, blank lines ignored; an excerpt line {@code // ...} stands for any number of elided
 * lines, and the pieces between such lines must occur in the file in order.
 */
final class Quotes {
    private Quotes() {}

    static final String GAP = "// ...";

    /** Null when the excerpt occurs in the source, else the first excerpt line that could not be matched. */
    static String mismatch(String excerpt, String source) {
        List<String> file = significant(source);
        List<List<String>> pieces = new ArrayList<>();
        pieces.add(new ArrayList<>());
        for (String l : significant(excerpt)) {
            if (l.equals(GAP)) pieces.add(new ArrayList<>());
            else pieces.getLast().add(l);
        }
        int at = 0;
        for (List<String> piece : pieces) {
            if (piece.isEmpty()) continue;
            int found = find(file, piece, at);
            if (found < 0) return "no match for the piece starting \"" + piece.getFirst() + "\"";
            at = found + piece.size();
        }
        return null;
    }

    private static int find(List<String> file, List<String> piece, int from) {
        outer:
        for (int i = from; i + piece.size() <= file.size(); i++) {
            for (int j = 0; j < piece.size(); j++) if (!file.get(i + j).equals(piece.get(j))) continue outer;
            return i;
        }
        return -1;
    }

    private static List<String> significant(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
