package dev.sluice.distributed;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.Module;
import dev.sluice.optim.Adam;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that must be equal on every rank before the first step, as one float array that rank 0 broadcasts:
 * a status flag (0 when rank 0 failed to load its checkpoint, so the others fail too instead of waiting), the model's
 * float32 state (parameters and buffers), Adam's moments and per-parameter update counts, and the step count.
 * Integers travel as two 16-bit halves, each exact in a float.
 */
final class ReplicaState {
    private ReplicaState() {}

    /** The float32 tensors of the model's state dict, in its order. */
    static List<Tensor> modelTensors(Module model) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : model.stateDict().values()) if (t.dtype() == DType.FLOAT32) out.add(t);
        return out;
    }

    static int length(Module model, Optimizer opt) {
        int n = 1 + 2;                                         // status, step
        for (Tensor t : modelTensors(model)) n = Math.addExact(n, t.numel());
        if (opt instanceof Adam) for (Tensor p : opt.params()) n = Math.addExact(n, 2 + 2 * p.numel());
        return n;
    }

    /** Rank 0's state; with {@code ok} false only the status is meaningful (0). */
    static float[] flatten(Module model, Optimizer opt, int step, boolean ok) {
        float[] s = new float[length(model, opt)];
        if (!ok) return s;
        s[0] = 1;
        int at = putInt(s, 1, step);
        for (Tensor t : modelTensors(model)) at = put(s, at, t.toFloatArray());
        if (opt instanceof Adam adam) {
            for (int i = 0; i < opt.params().size(); i++) {
                Adam.ParamState st = adam.state(i);
                at = putInt(s, at, st.step());
                int n = opt.params().get(i).numel();
                if (st.step() > 0) {
                    at = put(s, at, st.expAvg().toFloatArray());
                    at = put(s, at, st.expAvgSq().toFloatArray());
                } else {
                    at += 2 * n;                               // zeros; restored as "no moments yet"
                }
            }
        }
        return s;
    }

    /**
     * Loads rank 0's broadcast state into this rank's model and optimizer.
     *
     * @return the step to continue from
     * @throws IllegalStateException if rank 0 reported a failure
     */
    static int restore(float[] s, Module model, Optimizer opt) {
        if (s[0] != 1) {
            throw new IllegalStateException("DistributedTrainer: rank 0 could not prepare the starting state (its own error says why), so this rank stops too");
        }
        int step = getInt(s, 1);
        int at = 3;
        try (var ignored = GradMode.noGrad()) {
            for (Tensor t : modelTensors(model)) {
                t.copy_(Tensor.of(java.util.Arrays.copyOfRange(s, at, at + t.numel()), t.shape()).to(t.device()));
                at += t.numel();
            }
        }
        if (opt instanceof Adam adam) {
            for (int i = 0; i < opt.params().size(); i++) {
                Tensor p = opt.params().get(i);
                int t = getInt(s, at), n = p.numel();
                at += 2;
                if (t == 0) {
                    adam.loadState(i, new Adam.ParamState(null, null, 0));
                } else {
                    Tensor m = Tensor.of(java.util.Arrays.copyOfRange(s, at, at + n), p.shape());
                    Tensor v = Tensor.of(java.util.Arrays.copyOfRange(s, at + n, at + 2 * n), p.shape());
                    adam.loadState(i, new Adam.ParamState(m, v, t));
                }
                at += 2 * n;
            }
        }
        return step;
    }

    private static int put(float[] s, int at, float[] values) {
        System.arraycopy(values, 0, s, at, values.length);
        return at + values.length;
    }

    private static int putInt(float[] s, int at, int v) {
        s[at] = v >>> 16;
        s[at + 1] = v & 0xffff;
        return at + 2;
    }

    private static int getInt(float[] s, int at) { return ((int) s[at] << 16) | (int) s[at + 1]; }
}
