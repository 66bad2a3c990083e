package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

import java.util.Locale;

/**
 * A routing mask as Graphviz HTML: a one-line summary (how many entries pass, are cut or are weighted) and a small
 * heat map, rows = the leading dimensions (e.g. examples), columns = the last one (e.g. hidden units). Green passes the
 * gradient (1), red cuts it (0), shades between weight it, purple reverses it (&lt; 0).
 */
final class MaskPicture {
    static final int MAX_ROWS = 16, MAX_COLS = 48;

    private MaskPicture() {}

    /** "mask f32[8,32]: 128 pass (1), 128 cut (0)", plus weighted and reversed counts when there are any. */
    static String summary(Tensor mask, double[] v) {
        int pass = 0, cut = 0, weighted = 0, reversed = 0;
        for (double x : v) {
            if (x == 1) pass++;
            else if (x == 0) cut++;
            else if (x < 0) reversed++;
            else weighted++;
        }
        StringBuilder sb = new StringBuilder("mask ").append(GraphDot.tensor(mask)).append(": ")
                .append(pass).append(" pass (1), ").append(cut).append(" cut (0)");
        if (weighted > 0) sb.append(", ").append(weighted).append(" weighted");
        if (reversed > 0) sb.append(", ").append(reversed).append(" reversed");
        return sb.toString();
    }

    /** The heat map as a nested HTML table (evenly sampled when the mask is larger than 16 × 48). */
    static String heatMap(Tensor mask, double[] v) {
        int[] shape = mask.shape();
        int cols = shape.length == 0 ? 1 : shape[shape.length - 1];
        int rows = cols == 0 ? 0 : v.length / cols;
        int r = Math.min(rows, MAX_ROWS), c = Math.min(cols, MAX_COLS);
        int cell = c <= 16 && r <= 16 ? 12 : 7;   // pixels per entry: small masks drawn larger
        // a fixed size, or Graphviz stretches the map to the width of the text above it and spreads the columns apart
        StringBuilder sb = new StringBuilder("<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\"")
                .append(" FIXEDSIZE=\"TRUE\" WIDTH=\"").append(c * cell + 2).append("\" HEIGHT=\"").append(r * cell + 2).append("\">");
        for (int i = 0; i < r; i++) {
            sb.append("<TR>");
            int row = (int) ((long) i * rows / r);
            for (int j = 0; j < c; j++) {
                int col = (int) ((long) j * cols / c);
                sb.append("<TD FIXEDSIZE=\"TRUE\" WIDTH=\"").append(cell).append("\" HEIGHT=\"").append(cell)
                        .append("\" BGCOLOR=\"").append(color(v[row * cols + col])).append("\"></TD>");
            }
            sb.append("</TR>");
        }
        return sb.append("</TABLE>").toString();
    }

    /** Whether the heat map shows every entry (false: sampled). */
    static boolean complete(Tensor mask, int numel) {
        int[] s = mask.shape();
        int cols = s.length == 0 ? 1 : s[s.length - 1];
        return cols <= MAX_COLS && (cols == 0 || numel / cols <= MAX_ROWS);
    }

    /** Red (0) to green (1); purple below 0, dark green above 1, grey for NaN. */
    static String color(double x) {
        if (Double.isNaN(x)) return "#9e9e9e";
        if (x < 0) return "#7b1fa2";
        if (x > 1) return "#1b5e20";
        int[] cut = {0xe5, 0x39, 0x35}, pass = {0x43, 0xa0, 0x47};
        return String.format(Locale.ROOT, "#%02x%02x%02x", mix(cut[0], pass[0], x), mix(cut[1], pass[1], x), mix(cut[2], pass[2], x));
    }

    private static int mix(int a, int b, double t) { return (int) Math.round(a + (b - a) * t); }
}
