package dev.sluice.experiments.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of small grayscale images with a label per row: e.g. inputs in the first row and, below, what each decoder
 * reconstructs from them. Pixel values are mapped linearly from [lo, hi] to black..white (clamped).
 */
public final class ImageGrid {
    private final int height, width, scale;
    private final double lo, hi;
    private final List<String> labels = new ArrayList<>();
    private final List<float[][]> rows = new ArrayList<>();

    /** Images of height×width pixels, drawn scale× enlarged, values in [lo, hi]. */
    public ImageGrid(int height, int width, int scale, double lo, double hi) {
        this.height = height;
        this.width = width;
        this.scale = scale;
        this.lo = lo;
        this.hi = hi;
    }

    /** Adds a row: {@code images[i]} is one image of height·width values, row-major. */
    public ImageGrid row(String label, float[][] images) {
        for (float[] im : images) {
            if (im.length != height * width) {
                throw new IllegalArgumentException("ImageGrid.row: an image has " + im.length + " values, expected " + height * width);
            }
        }
        labels.add(label);
        rows.add(images);
        return this;
    }

    /** Renders the grid with a title line. */
    public BufferedImage render(String title) {
        int labelWidth = 190, pad = 4, top = 28;
        int cols = 0;
        for (float[][] r : rows) cols = Math.max(cols, r.length);
        int cell = width * scale + pad;
        BufferedImage img = new BufferedImage(labelWidth + cols * cell + pad, top + rows.size() * (height * scale + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Png.graphics(img);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        Png.text(g, title, pad, 18, 14);
        for (int r = 0; r < rows.size(); r++) {
            int y0 = top + r * (height * scale + pad);
            g.setColor(Color.BLACK);
            Png.text(g, labels.get(r), pad, y0 + height * scale / 2 + 5, 12);
            float[][] images = rows.get(r);
            for (int c = 0; c < images.length; c++) {
                int x0 = labelWidth + c * cell;
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        double v = (images[c][i * width + j] - lo) / (hi - lo);
                        int gray = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                        g.setColor(new Color(gray, gray, gray));
                        g.fillRect(x0 + j * scale, y0 + i * scale, scale, scale);
                    }
                }
            }
        }
        g.dispose();
        return img;
    }
}
