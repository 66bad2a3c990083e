package dev.sluice.autograd;

import dev.sluice.internal.Internals;
import dev.sluice.internal.Trace;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Records ops into the backward graph. Every differentiable op computes its output, then calls {@link #record}
 * with its inputs, the tensors its gradient rule needs, and the rule itself. (Public for Sluice's own op layer and for
 * users writing custom differentiable ops.)
 */
public final class Graph {
    private Graph() {}

    /**
     * Whether an op on these inputs would be recorded: grad mode is on and at least one input requires grad.
     *
     * @param inputs the op's tensor inputs (null entries are ignored)
     * @return true when a backward node would be attached
     */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /**
     * Attaches a backward node for op {@code name} to {@code out} when any input requires grad, and in anomaly mode
     * checks {@code out} for NaN/Inf. Call it once the output has been computed into a fresh tensor.
     *
     * @param name the op's name, shown by {@link Node#name()} and in error messages
     * @param out the freshly computed output
     * @param inputs the differentiable inputs (null entries allowed); the rule returns one gradient per entry
     * @param saved the tensors the rule reads; modifying one in place before backward becomes an error
     * @param rule the gradient rule
     * @return {@code out}, now with a {@link Tensor#gradFn()} if recorded
     * @throws AnomalyException in anomaly mode, if {@code out} holds NaN or Inf
     */
    public static Tensor record(String name, Tensor out, Tensor[] inputs, Tensor[] saved, BackwardFn rule) {
        if (AnomalyMode.isEnabled()) checkFinite(out, "op '" + name + "' produced NaN or Inf in its forward output");
        boolean recorded = needsGrad(inputs);
        if (Trace.on) Trace.op(name, out, inputs, recorded ? saved : null, false);   // every op passes here: the trace's choke point
        if (!recorded) return out;
        Node[] next = new Node[inputs.length];
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (in == null) continue;
            shapes[i] = in.shape();
            if (in.requiresGrad()) next[i] = in.gradFn() != null ? in.gradFn() : accumulatorFor(in);
        }
        Internals.setGradFn(out, new FunctionNode(name, next, shapes, rule, saved, out, inputs));
        return out;
    }

    /** The unique gradient accumulator of a leaf tensor. */
    static Node accumulatorFor(Tensor leaf) {
        return Internals.accumulator(leaf, AccumulateGrad::new);
    }

    /**
     * Registers a gradient hook on a tensor: on its producing node, or on a leaf's accumulator.
     * {@link Tensor#registerHook} calls this.
     *
     * @param t a tensor that requires grad
     * @param hook the hook to run with each gradient reaching {@code t}
     * @return a handle that removes the hook
     * @throws IllegalStateException if {@code t} does not require grad
     */
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
