package dev.sluice.methods.routing;

import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Routes by class label: every example gets the mask row of its label, e.g. labels 0–4 → {@code [1₁₆, 0₁₆]} and
 * 5–9 → {@code [0₁₆, 1₁₆]} on a 32-unit latent (the paper's partitioned autoencoder). Reads a label tensor of shape
 * [batch] (int32/int64) and gives masks of shape [batch, width], or [batch, 1, …, 1, width] with
 * {@link Builder#sequenceDims(int)} for hook points that carry token dimensions.
 */
public final class LabelRouter implements Router<Tensor> {
    private final List<String> hookPoints;
    private final MaskTable table; // [numLabels, width], row = mask of that label
    private final int sequenceDims;

    private LabelRouter(List<String> hookPoints, Tensor table, int sequenceDims) {
        this.hookPoints = hookPoints;
        this.table = new MaskTable(table);
        this.sequenceDims = sequenceDims;
    }

    /**
     * A router over labels 0..numLabels−1 with masks of the given width (all-ones until routed).
     *
     * @param numLabels the number of classes
     * @param width the number of units at the hook points (the masks' last dimension)
     * @return a builder; name the hook points with {@link Builder#at} before building
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Builder builder(int numLabels, int width) { return new Builder(numLabels, width); }

    @Override
    public Map<String, Tensor> masks(Tensor labels) {
        if (labels.dim() != 1) {
            throw new IllegalArgumentException("LabelRouter: labels must have shape [batch], got " + Arrays.toString(labels.shape()));
        }
        Tensor rows = table.on(labels.device()).indexSelect(0, labels); // [batch, width]; out-of-range labels fail there
        int[] shape = new int[2 + sequenceDims];
        Arrays.fill(shape, 1);
        shape[0] = labels.size(0);
        shape[shape.length - 1] = rows.size(1);
        return MaskTable.atEach(hookPoints, rows.reshape(shape));
    }

    /**
     * The mask table, one row per label.
     *
     * @return the float32 [numLabels, width] table (on the CPU)
     */
    public Tensor table() { return table.table(); }

    /** Builds a {@link LabelRouter}. */
    public static final class Builder {
        private final double[][] rows;
        private final int width;
        private final List<String> hookPoints = new ArrayList<>();
        private int sequenceDims;

        private Builder(int numLabels, int width) {
            if (numLabels <= 0 || width <= 0) {
                throw new IllegalArgumentException("LabelRouter: numLabels and width must be positive, got " + numLabels + ", " + width);
            }
            this.width = width;
            rows = new double[numLabels][];
            for (int i = 0; i < numLabels; i++) rows[i] = Masks.ones(width);
        }

        /**
         * Examples with any of these labels get {@code mask} (length width); a later call for a label overrides an
         * earlier one.
         *
         * @param labels the class labels, each in [0, numLabels)
         * @param mask the gradient multiplier per unit (e.g. from {@link Masks})
         * @return this builder
         * @throws IllegalArgumentException if the mask's length is not width or a label is out of range
         */
        public Builder route(int[] labels, double[] mask) {
            if (mask.length != width) {
                throw new IllegalArgumentException("LabelRouter.route: mask has " + mask.length + " entries, expected width " + width);
            }
            for (int l : labels) {
                if (l < 0 || l >= rows.length) {
                    throw new IllegalArgumentException("LabelRouter.route: label " + l + " outside [0, " + rows.length + ")");
                }
                rows[l] = mask.clone();
            }
            return this;
        }

        /**
         * The hook points (by name) that receive the mask.
         *
         * @param names hook-point names as listed by {@link dev.sluice.nn.Module#hookPoints()}
         * @return this builder
         */
        public Builder at(String... names) {
            hookPoints.addAll(Arrays.asList(names));
            return this;
        }

        /**
         * The number of token dimensions between batch and units at the hook points (masks get singleton dims there): 1
         * for activations [batch, tokens, width].
         *
         * @param n the number of middle dimensions, at least 0
         * @return this builder
         * @throws IllegalArgumentException if n is negative
         */
        public Builder sequenceDims(int n) {
            if (n < 0) throw new IllegalArgumentException("LabelRouter.sequenceDims: must be >= 0, got " + n);
            sequenceDims = n;
            return this;
        }

        /**
         * Builds the router.
         *
         * @return a router giving each example its label's mask at every named hook point
         * @throws IllegalStateException if no hook point was named
         */
        public LabelRouter build() {
            if (hookPoints.isEmpty()) throw new IllegalStateException("LabelRouter: name at least one hook point with at(...)");
            double[] flat = new double[rows.length * width];
            for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * width, width);
            float[] f = new float[flat.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) flat[i];
            return new LabelRouter(List.copyOf(hookPoints), Tensor.of(f, rows.length, width), sequenceDims);
        }
    }
}
