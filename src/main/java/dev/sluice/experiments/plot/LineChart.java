package dev.sluice.experiments.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Lines of (x, y) points with a legend; y from 0 to a rounded maximum at most 1 (or a range set by {@link #yRange}), x linear. */
public final class LineChart {
    private static final Color[] PALETTE = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52),
            new Color(0x8172B3), new Color(0x937860), new Color(0xDA8BC3), new Color(0x8C8C8C)};

    private record Line(String label, double[] x, double[] y, boolean dashed) {}

    private final String xLabel, yLabel;
    private final List<Line> lines = new ArrayList<>();
    private double fixedMin = Double.NaN, fixedMax = Double.NaN;

    public LineChart(String xLabel, String yLabel) {
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a line; dashed lines are for references. */
    public LineChart line(String label, double[] x, double[] y, boolean dashed) {
        if (x.length != y.length || x.length == 0) throw new IllegalArgumentException("LineChart: x and y must be non-empty and equally long");
        lines.add(new Line(label, x.clone(), y.clone(), dashed));
        return this;
    }

    /** A fixed y axis from {@code min} to {@code max} (e.g. losses, which the default 0..1 axis would clip). */
    public LineChart yRange(double min, double max) {
        if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) throw new IllegalArgumentException("LineChart: need finite min < max, got " + min + ", " + max);
        fixedMin = min;
        fixedMax = max;
        return this;
    }

    public BufferedImage render(String title) {
        int w = 760, h = 380, left = 70, top = 50, bottom = 50, legendH = 20 * lines.size() + 10;
        BufferedImage img = new BufferedImage(left + w + 30, top + h + bottom + legendH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Png.graphics(img);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        double xMax = 0, yMax = 0;
        for (Line l : lines) {
            for (double v : l.x()) xMax = Math.max(xMax, v);
            for (double v : l.y()) yMax = Math.max(yMax, v);
        }
        yMax = yMax <= 0 ? 1 : Math.min(1.0, Math.ceil(yMax * 10 * 1.05) / 10);
        double yMin = 0;
        if (!Double.isNaN(fixedMin)) {
            yMin = fixedMin;
            yMax = fixedMax;
        }
        if (xMax <= 0) xMax = 1;
        g.setColor(Color.BLACK);
        Png.text(g, title, 10, 22, 15);
        Png.text(g, yLabel, 4, top - 10, 12);
        Png.text(g, xLabel, left + w / 2 - 40, top + h + 38, 12);
        for (int i = 0; i <= 5; i++) {
            int y = top + h - h * i / 5, x = left + w * i / 5;
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, left + w, y);
            g.setColor(Color.BLACK);
            Png.text(g, String.format(Locale.ROOT, "%.2f", yMin + (yMax - yMin) * i / 5), 20, y + 4, 11);
            // small x ranges (a swept fraction such as UNDO's alpha) need decimals: 0.2, 0.4, ... not 0, 0, ..., 1
            Png.text(g, String.format(Locale.ROOT, xMax < 5 ? "%.2f" : "%.0f", xMax * i / 5), x - 8, top + h + 18, 11);
        }
        g.drawLine(left, top, left, top + h);
        g.drawLine(left, top + h, left + w, top + h);
        for (int li = 0; li < lines.size(); li++) {
            Line l = lines.get(li);
            g.setColor(PALETTE[li % PALETTE.length]);
            g.setStroke(l.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 5}, 0) : new BasicStroke(2.2f));
            for (int i = 0; i < l.x().length; i++) {
                int px = left + (int) Math.round(w * l.x()[i] / xMax), py = top + h - (int) Math.round(h * (Math.clamp(l.y()[i], yMin, yMax) - yMin) / (yMax - yMin));
                g.fillOval(px - 3, py - 3, 6, 6);
                if (i > 0) {
                    int qx = left + (int) Math.round(w * l.x()[i - 1] / xMax), qy = top + h - (int) Math.round(h * (Math.clamp(l.y()[i - 1], yMin, yMax) - yMin) / (yMax - yMin));
                    g.drawLine(qx, qy, px, py);
                }
            }
            int ly = top + h + bottom + 14 + 20 * li;
            g.drawLine(left, ly - 4, left + 26, ly - 4);
            g.setColor(Color.BLACK);
            Png.text(g, l.label(), left + 34, ly, 12);
        }
        g.dispose();
        return img;
    }
}
