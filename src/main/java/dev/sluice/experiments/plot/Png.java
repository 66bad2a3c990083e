package dev.sluice.experiments.plot;

import dev.sluice.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Writes figures as PNG files (atomically: temp file + rename) and draws text where fonts are available. */
public final class Png {
    private static volatile boolean fontsBroken;

    private Png() {}

    /** Writes the image to {@code target} atomically. */
    public static void write(BufferedImage image, Path target) throws IOException {
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer available in this Java runtime");
        });
    }

    /** A graphics context with antialiasing on. */
    static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /**
     * Draws a label. A headless runtime without any font (no fontconfig) throws on text; the figure is then written
     * without labels rather than not at all (the numbers are in the JSON), with one warning.
     */
    static void text(Graphics2D g, String s, int x, int y, int size) {
        if (fontsBroken) return;
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            g.drawString(s, x, y);
        } catch (RuntimeException | Error e) {
            fontsBroken = true;
            System.err.println("warning: cannot render text (" + e + "); figures are written without labels");
        }
    }
}
