package dev.sluice.autograd;

import dev.sluice.io.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Writes DOT text, or runs Graphviz' {@code dot} on it, into a file chosen by its extension. */
final class DotRenderer {
    static final Set<String> IMAGE_FORMATS = Set.of("png", "svg", "pdf");
    static final String INSTALL_HINT = "install Graphviz (Debian/Ubuntu: sudo apt install graphviz), or write a .dot file instead";

    private DotRenderer() {}

    /** {@code file}'s extension, lower case ("" when it has none). */
    static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Writes {@code dot} text to {@code file} as text or as the image its extension names, using {@code command}. */
    static Path render(String dot, Path file, String command) throws IOException {
        String ext = extension(file);
        if (ext.equals("dot") || ext.equals("gv")) {
            AtomicFiles.writeString(file, dot);
            return file;
        }
        if (!IMAGE_FORMATS.contains(ext)) {
            throw new IOException("render: " + file + ": unknown picture format '" + ext + "' (use .dot, .gv, .png, .svg or .pdf)");
        }
        byte[] image = run(command, ext, dot);
        AtomicFiles.write(file, out -> out.write(image));
        return file;
    }

    /** Runs {@code command -T<format>} with the DOT text on standard input; returns what it wrote. */
    private static byte[] run(String command, String format, String dot) throws IOException {
        Path errors = Files.createTempFile("sluice-dot", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command, "-T" + format).redirectError(errors.toFile()).start();
            } catch (IOException e) {
                throw new IOException("render: cannot run Graphviz '" + command + "' (" + e.getMessage() + "); " + INSTALL_HINT, e);
            }
            try (OutputStream in = p.getOutputStream()) {
                in.write(dot.getBytes(StandardCharsets.UTF_8));
            }
            byte[] image = p.getInputStream().readAllBytes();   // stderr goes to a file, so this cannot block on it
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("render: Graphviz '" + command + "' did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                String why = Files.readString(errors).strip();
                throw new IOException("render: Graphviz '" + command + " -T" + format + "' failed with exit status "
                        + p.exitValue() + (why.isEmpty() ? "" : ": " + why));
            }
            return image;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("render: interrupted while Graphviz ran", e);
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
