package dev.sluice.cli;

import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Result files: JSON written atomically, with a run that diverged kept rather than lost. */
final class Results {
    private Results() {}

    /**
     * Writes {@code json} to {@code out}. When it holds NaN or infinite numbers (a run diverged), they are written as
     * {@code null} and {@code "diverged": true} is added unless the map already says; returns whether that happened.
     */
    static boolean write(Path out, Map<String, Object> json, boolean pretty) throws IOException {
        boolean nonFinite = Json.containsNonFinite(json);
        if (!nonFinite) {
            AtomicFiles.writeString(out, (pretty ? Json.writePretty(json) : Json.write(json)) + "\n");
            return false;
        }
        Map<String, Object> marked = new LinkedHashMap<>(json);
        marked.putIfAbsent("diverged", true);
        AtomicFiles.writeString(out, Json.writeNonFiniteAsNull(marked, pretty) + "\n");
        return true;
    }

    /**
     * The default figure path: next to {@code out}, with its base name ({@code runs/a.json} and {@code figure}
     * "losses" give {@code runs/a-losses.png}).
     */
    static Path figureNextTo(Path out, String figure) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return out.resolveSibling(base + "-" + figure + ".png");
    }

    /** The one line a command prints (exit status 1) when its results hold non-finite numbers. */
    static String divergedLine(Path out) {
        return "a run diverged (non-finite numbers in the results); results written to " + out
                + " with null for those numbers and \"diverged\": true";
    }
}
