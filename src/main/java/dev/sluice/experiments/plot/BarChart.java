package dev.sluice.experiments.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bar charts, one or more panels side by side sharing a y axis: each panel has categories (groups on the x
 * axis) and, in each, one bar per series; optional dashed horizontal reference lines.
 */
public final class BarChart {
    private static final Color[] PALETTE = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
            new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860)};

    /** One panel: title, category names, values[series][category]. */
    public record Panel(String title, List<String> categories, double[][] values) {}

    /** A horizontal reference line drawn in every panel. */
    public record Reference(String label, double value) {}

    private final List<String> series;
    private final String yLabel;
    private final List<Panel> panels = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    public BarChart(List<String> series, String yLabel) {
        this.series = List.copyOf(series);
        this.yLabel = yLabel;
    }

    public BarChart panel(Panel p) {
        for (double[] row : p.values()) {
            if (row.length != p.categories().size()) throw new IllegalArgumentException("BarChart: a series has " + row.length + " values for " + p.categories().size() + " categories");
        }
        if (p.values().length != series.size()) throw new IllegalArgumentException("BarChart: " + p.values().length + " series given, " + series.size() + " declared");
        panels.add(p);
        return this;
    }

    public BarChart reference(String label, double value) {
        references.add(new Reference(label, value));
        return this;
    }

    public BufferedImage render(String title) {
        int panelW = Math.max(360, 640 / Math.max(1, panels.size())), h = 400, left = 60, top = 74, bottom = 50,
                legendH = 22 * (series.size() + references.size());
        BufferedImage img = new BufferedImage(left + panels.size() * panelW + 20, top + h + bottom + legendH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Png.graphics(img);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        double max = 0;
        for (Panel p : panels) for (double[] row : p.values()) for (double v : row) max = Math.max(max, v);
        for (Reference r : references) max = Math.max(max, r.value());
        double yMax = niceCeil(max * 1.08);
        g.setColor(Color.BLACK);
        Png.text(g, title, 10, 22, 15);
        Png.text(g, yLabel, 4, top - 30, 12);
        // y axis ticks
        for (int i = 0; i <= 5; i++) {
            double v = yMax * i / 5;
            int y = top + h - (int) Math.round(h * v / yMax);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left, y, left + panels.size() * panelW, y);
            g.setColor(Color.BLACK);
            Png.text(g, String.format(Locale.ROOT, "%.2f", v), 8, y + 4, 11);
        }
        for (int pi = 0; pi < panels.size(); pi++) {
            Panel p = panels.get(pi);
            int x0 = left + pi * panelW;
            g.setColor(Color.BLACK);
            g.drawLine(x0, top, x0, top + h);
            g.drawLine(x0, top + h, x0 + panelW, top + h);
            Png.text(g, p.title(), x0 + 10, top - 8, 13);
            int groups = p.categories().size();
            int groupW = (panelW - 20) / groups, barW = Math.max(4, (groupW - 16) / series.size());
            for (int c = 0; c < groups; c++) {
                int gx = x0 + 10 + c * groupW;
                for (int s = 0; s < series.size(); s++) {
                    double v = p.values()[s][c];
                    int bh = (int) Math.round(h * v / yMax);
                    g.setColor(PALETTE[s % PALETTE.length]);
                    g.fillRect(gx + 8 + s * barW, top + h - bh, barW - 2, bh);
                }
                g.setColor(Color.BLACK);
                Png.text(g, p.categories().get(c), gx + 8, top + h + 18, 12);
            }
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            for (int r = 0; r < references.size(); r++) {
                int y = top + h - (int) Math.round(h * references.get(r).value() / yMax);
                g.setColor(PALETTE[(series.size() + r) % PALETTE.length]);
                g.drawLine(x0, y, x0 + panelW, y);
            }
            g.setStroke(new BasicStroke(1f));
        }
        // legend
        int ly = top + h + 44;
        List<String> names = new ArrayList<>(series);
        for (Reference r : references) names.add(r.label() + String.format(Locale.ROOT, " (%.3f, dashed)", r.value()));
        for (int i = 0; i < names.size(); i++) {
            int lx = left, y = ly + i * 22;
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(lx, y - 10, 14, 12);
            g.setColor(Color.BLACK);
            Png.text(g, names.get(i), lx + 20, y, 12);
        }
        g.dispose();
        return img;
    }

    private static double niceCeil(double v) {
        if (v <= 0) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) if (step * mag >= v) return step * mag;
        return 10 * mag;
    }
}
