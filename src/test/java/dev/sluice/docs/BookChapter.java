package dev.sluice.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One chapter of the book in docs/, split into its fenced code blocks. The conventions (docs/README.md, "How the code
 * is checked") are enforced here, so a typo in a fence's info string fails instead of silently skipping a block:
 * <ul>
 *   <li>{@code ```java} — compiled and run;</li>
 *   <li>{@code ```java no-run} — compiled, not run;</li>
 *   <li>{@code ```java quote PATH} — an excerpt of a real source file: its lines must occur in PATH in order
 *       (indentation and blank lines ignored; a line {@code // ...} marks an elided gap);</li>
 *   <li>{@code ```text output} — what the java block just before it prints, exactly (trailing blanks ignored);</li>
 *   <li>any other language (bash, text, ...) — not checked.</li>
 * </ul>
 * A java block whose first line of code (after comments, imports and annotations) declares a class, record,
 * interface or enum is a declaration block, and so is a block that follows a declaration whose braces are still open
 * (a class may be split over several blocks); any other is a statement block.
 */
record BookChapter(Path file, List<Block> blocks) {
    enum Kind { RUN, NO_RUN, QUOTE, OUTPUT, OTHER }

    /**
     * A fenced block: {@code line} is the 1-based line in the chapter of the block's first code line; {@code arg} is
     * the quoted path for QUOTE blocks.
     */
    record Block(Kind kind, String code, int line, String arg, boolean isDeclaration) {
        boolean isJava() { return kind == Kind.RUN || kind == Kind.NO_RUN; }
    }

    /** Whether a java block starts by declaring a type (after comments, imports and annotations). */
    private static boolean startsDeclaration(String code) {
        for (String raw : code.lines().toList()) {
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith("//") || l.startsWith("/*") || l.startsWith("*") || l.startsWith("import ")
                    || l.startsWith("@")) continue;
            return DECLARATION.matcher(l).lookingAt();
        }
        return false;
    }

    /** '{' minus '}' in code, outside comments and string or char literals. */
    static int braceBalance(String code) {
        int depth = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                while (i < code.length() && code.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 1;
            } else if (c == '"' || c == '\'') {
                for (i++; i < code.length() && code.charAt(i) != c; i++) if (code.charAt(i) == '\\') i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
        }
        return depth;
    }

    private static final Pattern DECLARATION = Pattern.compile(
            "((public|final|abstract|sealed|non-sealed|static|strictfp)\\s+)*(class|record|interface|enum)\\s");

    static BookChapter read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> blocks = new ArrayList<>();
        int open = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("```")) continue;
            String info = l.substring(3).strip();
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) end++;
            if (end == lines.size()) throw new IllegalStateException(file + ":" + (i + 1) + ": unclosed ``` block");
            String code = String.join("\n", lines.subList(start, end)) + "\n";
            Kind kind = kind(file, i + 1, info);
            boolean java = kind == Kind.RUN || kind == Kind.NO_RUN;
            // a block continues the declaration before it while that one's braces are still open
            boolean declaration = java && (open > 0 || startsDeclaration(code));
            if (declaration) open += braceBalance(code);
            blocks.add(new Block(kind, code, start + 1, argument(info), declaration));
            i = end;
        }
        return new BookChapter(file, List.copyOf(blocks));
    }

    private static Kind kind(Path file, int line, String info) {
        String[] words = info.split("\\s+");
        String lang = words[0];
        if (lang.equals("java")) {
            if (words.length == 1) return Kind.RUN;
            if (words.length == 2 && words[1].equals("no-run")) return Kind.NO_RUN;
            if (words.length == 3 && words[1].equals("quote")) return Kind.QUOTE;
            throw new IllegalStateException(file + ":" + line + ": unknown java block '" + info
                    + "' (expected java, java no-run or java quote PATH)");
        }
        if (lang.equals("text") && words.length == 2 && words[1].equals("output")) return Kind.OUTPUT;
        if (lang.equals("text") && words.length > 1) {
            throw new IllegalStateException(file + ":" + line + ": unknown text block '" + info + "' (expected text or text output)");
        }
        return Kind.OTHER;
    }

    private static String argument(String info) {
        String[] words = info.split("\\s+");
        return words.length == 3 ? words[2] : null;
    }

    /** "docs/01-x.md:LINE", for messages. */
    String at(int line) { return file + ":" + line; }
}
