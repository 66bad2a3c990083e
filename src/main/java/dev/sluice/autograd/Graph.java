package dev.sluice.autograd;

import dev.sluice.internal.Internals;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Records ops into the backward graph. Every differentiable op computes its output, then calls {@link #record}
 * with its inputs, the tensors its gradient rule needs, and the rule itself. (Public for Sluice's own op layer and for
 * users writing custom differentiable ops.)
 */
public final class Graph {
    private Graph() {}

    /** True when grad mode is on and at least one input requires grad: only then is a node recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /**
     * Attaches a backward node for op {@code name} to {@code out} when any input requires grad, and in anomaly mode
     * checks {@code out} for NaN/Inf. {@code saved} are the tensors the rule reads (their in-place modification before
     * backward becomes an error). Returns {@code out}.
     */
    public static Tensor record(String name, Tensor out, Tensor[] inputs, Tensor[] saved, BackwardFn rule) {
        if (AnomalyMode.isEnabled()) checkFinite(out, "op '" + name + "' produced NaN or Inf in its forward output");
        if (!needsGrad(inputs)) return out;
        Node[] next = new Node[inputs.length];
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (in == null) continue;
            shapes[i] = in.shape();
            if (in.requiresGrad()) next[i] = in.gradFn() != null ? in.gradFn() : accumulatorFor(in);
        }
        Internals.setGradFn(out, new FunctionNode(name, next, shapes, rule, saved));
        return out;
    }

    /** The unique gradient accumulator of a leaf tensor. */
    static Node accumulatorFor(Tensor leaf) {
        return Internals.accumulator(leaf, AccumulateGrad::new);
    }

    /** Registers a gradient hook on a tensor: on its producing node, or on a leaf's accumulator. */
    public static HookHandle registerHook(Tensor t, GradHook hook) {
        if (!t.requiresGrad()) {
            throw new IllegalStateException("registerHook: cannot register a hook on a tensor that does not require grad "
                    + "(shape " + Arrays.toString(t.shape()) + ")");
        }
        Node n = t.gradFn() != null ? t.gradFn() : accumulatorFor(t);
        return n.addPreHook(hook);
    }

    /** Throws an AnomalyException with {@code message} when a floating-point tensor holds NaN or Inf. */
    static void checkFinite(Tensor t, String message) {
        if (t == null || !t.dtype().isFloating() || t.numel() == 0) return;
        try (var ignored = GradMode.noGrad(); var quiet = AnomalyMode.suspend()) {
            // x - x is NaN exactly where x is NaN or ±Inf, so the sum is NaN iff some element is not finite
            double probe = t.sub(t).sum().item();
            if (Double.isNaN(probe)) throw new AnomalyException(message + " (shape " + Arrays.toString(t.shape()) + ")");
        }
    }
}
