package dev.sluice.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splitting a string at delimiter matches with the Rust tokenizers' SplitDelimiterBehavior. */
enum Splitter {
    REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

    static Splitter of(Cfg c, String key) {
        String name = c.string(key);
        return switch (name) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> throw c.error(key, "unknown split behavior (expected one of "
                    + "Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
        };
    }

    /**
     * Splits {@code text}.
     *
     * @param matches delimiter spans [start, end), non-empty, in order and not overlapping
     * @param invert  whether the matches are the pieces to keep and the gaps the delimiters
     */
    void split(String text, List<int[]> matches, boolean invert, List<String> out) {
        if (text.isEmpty()) {
            return;
        }
        // segments: start, end, isDelimiter
        List<int[]> segs = new ArrayList<>(matches.size() * 2 + 1);
        int prev = 0;
        for (int[] m : matches) {
            if (m[0] > prev) {
                segs.add(new int[] {prev, m[0], invert ? 1 : 0});
            }
            segs.add(new int[] {m[0], m[1], invert ? 0 : 1});
            prev = m[1];
        }
        if (prev < text.length()) {
            segs.add(new int[] {prev, text.length(), invert ? 1 : 0});
        }
        List<int[]> kept = new ArrayList<>(segs.size());
        switch (this) {
            case REMOVED -> {
                for (int[] s : segs) {
                    if (s[2] == 0) {
                        kept.add(s);
                    }
                }
            }
            case ISOLATED -> kept.addAll(segs);
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int[] s : segs) {
                    if (s[2] == 1 && !previousMatch && !kept.isEmpty()) {
                        kept.getLast()[1] = s[1];
                    } else {
                        kept.add(s.clone());
                    }
                    previousMatch = s[2] == 1;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatch = false;
                for (int i = segs.size() - 1; i >= 0; i--) {
                    int[] s = segs.get(i);
                    if (s[2] == 1 && !previousMatch && !kept.isEmpty()) {
                        kept.getLast()[0] = s[0];
                    } else {
                        kept.add(s.clone());
                    }
                    previousMatch = s[2] == 1;
                }
                java.util.Collections.reverse(kept);
            }
            case CONTIGUOUS -> {
                boolean previousMatch = false;
                for (int[] s : segs) {
                    if ((s[2] == 1) == previousMatch && !kept.isEmpty()) {
                        kept.getLast()[1] = s[1];
                    } else {
                        kept.add(s.clone());
                    }
                    previousMatch = s[2] == 1;
                }
            }
        }
        for (int[] s : kept) {
            if (s[1] > s[0]) {
                out.add(text.substring(s[0], s[1]));
            }
        }
    }

    /** Spans of each code point that satisfies the predicate, one span per code point. */
    static List<int[]> charMatches(String text, java.util.function.IntPredicate p) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (p.test(cp)) {
                out.add(new int[] {i, i + n});
            }
            i += n;
        }
        return out;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
