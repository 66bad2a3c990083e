package dev.sluice.distributed;

import dev.sluice.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The one array a training step all-reduces: every parameter's gradient (in the model's parameter order, which
 * {@link dev.sluice.nn.Module#namedParameters()} fixes by registration, the same on every replica), scaled to the
 * gradient of the shard's sum over its units; then one flag per parameter (1 where this rank has a gradient, so that
 * a parameter no rank touched keeps a null gradient and the optimizer skips it, as in one process); then the units
 * and the loss summed over them. One all-reduce per step carries it all.
 *
 * <p>Layout: {@code [g_0 … g_{P−1} | has_0 … has_{P−1} | units | loss·units]}.
 */
final class GradientBuffer {
    private final List<Tensor> params;
    private final int[] offsets;
    private final int gradients;
    private final float[] buf;

    GradientBuffer(List<Tensor> params) {
        this.params = List.copyOf(params);
        this.offsets = new int[params.size()];
        int n = 0;
        for (int i = 0; i < params.size(); i++) {
            offsets[i] = n;
            n = Math.addExact(n, params.get(i).numel());
        }
        this.gradients = n;
        this.buf = new float[Math.addExact(n, params.size() + 2)];
    }

    /** The floats one step all-reduces. */
    int length() { return buf.length; }

    /** This rank's contribution: its gradients times the loss's scale (so they are of the shard's sum), flags, units. */
    float[] pack(ShardLoss loss) {
        Arrays.fill(buf, 0f);
        float scale = (float) loss.gradientScale();
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            if (g == null) continue;
            float[] values = g.toFloatArray();
            int off = offsets[i];
            for (int j = 0; j < values.length; j++) buf[off + j] = values[j] * scale;
            buf[gradients + i] = 1;
        }
        buf[gradients + params.size()] = (float) loss.count();
        buf[gradients + params.size() + 1] = loss.isEmpty() ? 0f : (float) (loss.loss().item() * loss.gradientScale());
        return buf;
    }

    /**
     * Sets every parameter's gradient from the summed buffer: the summed gradient divided by all ranks' units (the
     * gradient of the global batch's mean loss), or null where no rank had one.
     *
     * @return the global batch's units and mean loss
     */
    Totals unpack(float[] sum, int step) {
        float units = sum[gradients + params.size()];
        if (!(units > 0)) {
            throw new IllegalStateException("DistributedTrainer step " + step + ": the ranks' shards hold " + units
                    + " units in total; a step needs data on at least one rank");
        }
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (sum[gradients + i] == 0) {
                p.setGrad(null);
                continue;
            }
            float[] g = new float[p.numel()];
            int off = offsets[i];
            for (int j = 0; j < g.length; j++) g[j] = sum[off + j] / units;
            p.setGrad(Tensor.of(g, p.shape()).to(p.device()));
        }
        return new Totals(units, sum[gradients + params.size() + 1] / units);
    }

    record Totals(double units, double meanLoss) {}
}
