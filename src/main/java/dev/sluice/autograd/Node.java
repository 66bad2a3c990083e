package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A node of the backward graph: the record of one op (or, for leaves, the accumulator of their gradient). A tensor's
 * {@link Tensor#gradFn()} is the node that produced it. Edges point from a node to the nodes of its inputs.
 */
public abstract class Node {
    private final String name;
    final Node[] next;
    final int[][] inputShapes;
    private final List<GradHook> preHooks = new ArrayList<>(0);
    /** Where the op was called from, recorded only in anomaly mode (for error messages). */
    final StackTraceElement[] creationSite;

    Node(String name, Node[] next, int[][] inputShapes) {
        this.name = name;
        this.next = next;
        this.inputShapes = inputShapes;
        this.creationSite = AnomalyMode.isEnabled() ? new Throwable().getStackTrace() : null;
    }

    /**
     * The op's name, e.g. "mul" or "matmul"; "accumulate_grad" for leaves.
     *
     * @return the name given to {@link Graph#record}
     */
    public String name() { return name; }

    /**
     * The nodes this one sends gradients to, one per input, like {@code grad_fn.next_functions}.
     *
     * @return an unmodifiable list, with null entries for inputs that need no gradient
     */
    public List<Node> nextFunctions() { return Collections.unmodifiableList(Arrays.asList(next)); }

    /** Computes the gradient of each input from the gradient of the output. */
    abstract Tensor[] apply(Tensor gradOutput);

    /** Frees saved tensors after a backward without retain-graph. */
    void release() {}

    /** The rule as a {@link RegionGradient} when this node is a region view's and has not been released, else null. */
    RegionGradient regionGradient() { return null; }

    /** Registers a hook on the gradient arriving at this node (i.e. at the tensor it produced). */
    HookHandle addPreHook(GradHook hook) {
        synchronized (preHooks) {
            preHooks.add(hook);
        }
        return () -> {
            synchronized (preHooks) {
                preHooks.remove(hook);
            }
        };
    }

    /** How many hooks are registered on the gradient arriving at this node. */
    int hookCount() {
        synchronized (preHooks) {
            return preHooks.size();
        }
    }

    /** Whether any hook is registered on the gradient arriving at this node. */
    boolean hasPreHooks() {
        synchronized (preHooks) {
            return !preHooks.isEmpty();
        }
    }

    /**
     * Whether {@link #apply} is known to keep no reference to its gradient or to what it returns once it has returned
     * (true for Sluice's own ops; a user's rule could stash either). Only then may the engine reuse their memory.
     */
    boolean keepsNoGradients() { return false; }

    Tensor runPreHooks(Tensor grad) {
        GradHook[] hooks;
        synchronized (preHooks) {
            if (preHooks.isEmpty()) return grad;
            hooks = preHooks.toArray(GradHook[]::new);
        }
        for (GradHook h : hooks) {
            Tensor replaced = h.apply(grad);
            if (replaced != null) {
                if (!Arrays.equals(replaced.shape(), grad.shape())) {
                    throw new IllegalStateException("gradient hook on the output of '" + name + "' returned shape "
                            + Arrays.toString(replaced.shape()) + " but the gradient has shape " + Arrays.toString(grad.shape()));
                }
                grad = replaced;
            }
        }
        return grad;
    }

    /** Short description of where the op was created (anomaly mode), or an empty string. */
    String creationDescription() {
        if (creationSite == null) return "";
        StringBuilder sb = new StringBuilder("; the op was created at:");
        int shown = 0;
        for (StackTraceElement e : creationSite) {
            if (!isUserFrame(e.getClassName())) continue;
            sb.append("\n    at ").append(e);
            if (++shown == 8) break;
        }
        return sb.toString();
    }

    /** Frames worth showing: not the engine's own op plumbing, not the JDK or the test runner. */
    private static boolean isUserFrame(String cls) {
        if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.") || cls.startsWith("org.junit")) return false;
        boolean engine = cls.startsWith("dev.sluice.autograd.") || cls.startsWith("dev.sluice.ops.")
                || cls.startsWith("dev.sluice.tensor.") || cls.startsWith("dev.sluice.backend.");
        return !engine || cls.endsWith("Test") || cls.contains("Test$");
    }

    @Override
    public String toString() { return name; }
}
