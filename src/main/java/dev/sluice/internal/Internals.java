package dev.sluice.internal;

import dev.sluice.autograd.Node;
import dev.sluice.backend.View;
import dev.sluice.tensor.Tensor;

/**
 * The bridge through which the op layer and the autograd engine reach a tensor's internals (its memory view and its
 * graph links) without making them public API. Tensor installs the bridge when its class initialises; this package is
 * not exported, so code outside Sluice cannot use it. (The same "shared secrets" pattern the JDK uses internally.)
 */
public final class Internals {
    /** What Tensor exposes to the rest of Sluice. */
    public interface Bridge {
        Tensor wrap(View view, boolean requiresGrad, Node gradFn);
        View view(Tensor t);
        void setGradFn(Tensor t, Node gradFn);
        Node accumulator(Tensor leaf, java.util.function.Function<Tensor, Node> factory);
    }

    private static volatile Bridge bridge;

    private Internals() {}

    /** Called once by Tensor's static initialiser. */
    public static void install(Bridge b) {
        if (bridge != null) throw new IllegalStateException("Internals bridge installed twice");
        bridge = b;
    }

    private static Bridge bridge() {
        Bridge b = bridge;
        if (b == null) {
            try {
                Class.forName(Tensor.class.getName(), true, Internals.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            b = bridge;
        }
        return b;
    }

    /** A tensor over a view (no gradient history). */
    public static Tensor wrap(View v) { return bridge().wrap(v, false, null); }

    /** A tensor over a view with the given autograd state. */
    public static Tensor wrap(View v, boolean requiresGrad, Node gradFn) { return bridge().wrap(v, requiresGrad, gradFn); }

    /** The strided memory view of a tensor. */
    public static View view(Tensor t) { return bridge().view(t); }

    /** Makes {@code gradFn} the node that produced t (t then requires grad). */
    public static void setGradFn(Tensor t, Node gradFn) { bridge().setGradFn(t, gradFn); }

    /** The unique node that accumulates gradients into a leaf, created by {@code factory} on first use. */
    public static Node accumulator(Tensor leaf, java.util.function.Function<Tensor, Node> factory) {
        return bridge().accumulator(leaf, factory);
    }
}
