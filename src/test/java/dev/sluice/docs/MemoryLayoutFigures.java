package dev.sluice.docs;

import dev.sluice.backend.View;
import dev.sluice.internal.Internals;
import dev.sluice.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Draws the memory-layout figures of docs/02-tensors.md from real Sluice views: for each view, its logical grid (each
 * cell with its value and index) above the storage it shares, each slot coloured like the cells that read it and
 * listing them (grey: no element of the view reads it). Shape, strides and offset are read from the view itself, so the pictures cannot disagree
 * with the code. {@link MemoryLayoutFiguresTest} runs it.
 */
final class MemoryLayoutFigures {
    private static final int CELL = 56, PAD = 24;
    private static final Color INK = new Color(0x22, 0x22, 0x22), UNUSED = new Color(0xE6, 0xE6, 0xE6);

    private MemoryLayoutFigures() {}

    /** The views drawn, by file name: all over the storage of {@code arange(12).reshape(3, 4)} or a 4-float row. */
    static Map<String, Tensor> views() {
        Tensor t = Tensor.arange(12).reshape(3, 4);
        Map<String, Tensor> v = new LinkedHashMap<>();
        v.put("layout-contiguous", t);
        v.put("layout-transpose", t.t());
        v.put("layout-narrow", t.narrow(1, 1, 2));
        v.put("layout-expand", Tensor.arange(4).expand(3, 4));
        return v;
    }

    static void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : views().entrySet()) {
            ImageIO.write(draw(e.getValue()), "png", dir.resolve(e.getKey() + ".png").toFile());
        }
    }

    /** Storage index of every element of a 2-d view, row-major over its logical shape. */
    static int[][] storageIndex(Tensor t) {
        View v = Internals.view(t);
        int rows = v.shape()[0], cols = v.shape()[1];
        int[][] idx = new int[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) idx[i][j] = v.offset() + i * v.strides()[0] + j * v.strides()[1];
        }
        return idx;
    }

    static BufferedImage draw(Tensor t) {
        View v = Internals.view(t);
        int rows = v.shape()[0], cols = v.shape()[1];
        int storageLen = v.storage().size();
        int[][] idx = storageIndex(t);
        long[] values = t.contiguous().toLongArray();
        int width = Math.max(storageLen, 12) * CELL + 2 * PAD;
        int gridTop = 96, storageTop = gridTop + rows * CELL + 64;
        int height = storageTop + CELL + 70;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("view: shape " + Arrays.toString(v.shape()) + "   strides " + Arrays.toString(v.strides())
                + "   offset " + v.offset(), PAD, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        g.drawString("element (i, j) is storage[" + v.offset() + " + i·" + v.strides()[0] + " + j·" + v.strides()[1] + "]"
                + (t.isContiguous() ? "   (contiguous)" : "   (not contiguous)"), PAD, 58);
        g.drawString("the view: value, and (i, j)", PAD, gridTop - 10);
        g.drawString("the storage it shares: value, [index], and the view elements that read it", PAD, storageTop - 10);

        int gridLeft = PAD + (width - 2 * PAD - cols * CELL) / 2;
        java.util.List<java.util.List<String>> readers = new java.util.ArrayList<>();
        for (int k = 0; k < storageLen; k++) readers.add(new java.util.ArrayList<>());
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int x = gridLeft + j * CELL, y = gridTop + i * CELL;
                cell(g, x, y, hue(idx[i][j], storageLen), Long.toString(values[i * cols + j]), "(" + i + ", " + j + ")");
                readers.get(idx[i][j]).add("(" + i + ", " + j + ")");
            }
        }
        long[] stored = Internals.wrap(View.contiguous(v.storage(), new int[] {storageLen})).toLongArray();
        for (int k = 0; k < storageLen; k++) {
            int x = PAD + k * CELL;
            boolean used = !readers.get(k).isEmpty();
            cell(g, x, storageTop, used ? hue(k, storageLen) : UNUSED, Long.toString(stored[k]), "[" + k + "]");
            // below each slot: the view elements that read it
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(used ? INK : Color.GRAY);
            var r = readers.get(k);
            if (r.isEmpty()) centered(g, "unused", x + CELL / 2, storageTop + CELL + 16);
            for (int line = 0; line < r.size(); line++) centered(g, r.get(line), x + CELL / 2, storageTop + CELL + 16 + 15 * line);
        }
        g.dispose();
        return img;
    }

    /** One cell: a value in large type and an index in small type below it. */
    private static void cell(Graphics2D g, int x, int y, Color fill, String value, String index) {
        g.setColor(fill);
        g.fillRect(x + 2, y + 2, CELL - 4, CELL - 4);
        g.setColor(INK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x + 2, y + 2, CELL - 4, CELL - 4);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        centered(g, value, x + CELL / 2, y + 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        centered(g, index, x + CELL / 2, y + 46);
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        FontMetrics m = g.getFontMetrics();
        g.drawString(s, cx - m.stringWidth(s) / 2, baseline);
    }

    /** A light colour per storage slot, spread around the colour wheel. */
    private static Color hue(int s, int n) {
        return Color.getHSBColor((float) s / n, 0.35f, 1f);
    }
}
