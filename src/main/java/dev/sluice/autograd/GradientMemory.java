package dev.sluice.autograd;

import dev.sluice.backend.BufferReuse;
import dev.sluice.tensor.Tensor;

/**
 * How one backward pass treats gradient memory, kept out of {@link Engine}'s loop so that the loop reads as the
 * algorithm: either every gradient is a new tensor ({@link #FRESH}, what {@code SLUICE_POOL=0} gives), or
 * {@link GradOwnership} reuses the buffers of gradients only the engine can reach.
 */
interface GradientMemory {
    /**
     * Runs a node's rule on its complete incoming gradient.
     *
     * @return the gradients for the node's inputs, in order
     */
    Tensor[] apply(Node node, Tensor grad);

    /** The sum of two gradients sent to the same node. */
    Tensor sum(Tensor a, Tensor b);

    /** A hook is about to see {@code grad}, and may keep it. */
    void seenByHook(Tensor grad);

    /**
     * Adds a region view's incoming gradient into its input's pending gradient, see {@link RegionGradient}; null when
     * this memory does not (then the engine runs the node's rule as for any node).
     *
     * @param node the region view's node
     * @param region its rule
     * @param pending the input's gradient summed so far, or null
     * @param grad the gradient arriving at the view's output
     * @return the input's gradient summed so far, now including {@code grad}; or null, having done nothing
     */
    default Tensor addRegion(Node node, RegionGradient region, Tensor pending, Tensor grad) { return null; }

    /** New tensors for every gradient and every sum. */
    GradientMemory FRESH = new GradientMemory() {
        @Override public Tensor[] apply(Node node, Tensor grad) { return OpTrace.apply(node, grad); }
        @Override public Tensor sum(Tensor a, Tensor b) { return a.add(b); }
        @Override public void seenByHook(Tensor grad) {}
    };

    /** What one backward pass uses: buffer reuse unless it is switched off. */
    static GradientMemory forOnePass() { return BufferReuse.enabled() ? new GradOwnership() : FRESH; }
}
