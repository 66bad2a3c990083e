package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reverse-mode differentiation over the recorded graph. The walk is iterative (an explicit stack), so graphs of any
 * depth work. A node runs once all nodes that send it gradient have run; incoming gradients are summed first.
 * Gradients that only the engine can reach are tracked by {@link GradOwnership}: their memory is reused as soon as they
 * are consumed, sums are formed in place, and a leaf's first gradient is adopted without a copy.
 */
public final class Engine {
    private Engine() {}

    /**
     * Back-propagates {@code gradient} (the gradient of some scalar with respect to {@code root}) into the leaves,
     * adding to their {@link Tensor#grad()}. With {@code retainGraph} false the graph's saved tensors are freed as it
     * goes, so a second backward through it fails with a clear error. {@link Tensor#backward()} calls this.
     *
     * @param root the tensor to differentiate, usually a scalar loss
     * @param gradient d L / d root, of root's shape and device; null means ones and needs a one-element root
     * @param retainGraph keep saved tensors so that the graph can be walked again
     * @throws IllegalStateException if root does not require grad, the graph was freed, or a rule or hook returns a
     * gradient of the wrong shape
     * @throws IllegalArgumentException if {@code gradient} is null for a root of several elements, or its shape or
     * device does not match
     */
    public static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor (shape " + Arrays.toString(root.shape())
                    + ") does not require grad and has no grad_fn; call requiresGrad(true) on the leaves you want gradients for");
        }
        if (gradient == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: a gradient can be created implicitly only for scalar outputs, "
                        + "but the tensor has shape " + Arrays.toString(root.shape()) + "; pass backward(gradient) with a "
                        + "gradient of that shape");
            }
            gradient = Tensor.onesLike(root);
        } else if (!Arrays.equals(gradient.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: gradient has shape " + Arrays.toString(gradient.shape())
                    + " but the tensor has shape " + Arrays.toString(root.shape()));
        } else if (!gradient.device().equals(root.device())) {
            throw new IllegalArgumentException("backward: gradient is on " + gradient.device() + " but the tensor is on " + root.device());
        }
        Node start = root.gradFn() != null ? root.gradFn() : Graph.accumulatorFor(root);
        try (var ignored = GradMode.noGrad()) {
            run(start, gradient, retainGraph);
        }
    }

    private static void run(Node start, Tensor gradient, boolean retainGraph) {
        Map<Node, Integer> dependencies = countDependencies(start);
        Map<Node, Tensor> pending = new IdentityHashMap<>();
        pending.put(start, gradient);
        ArrayDeque<Node> ready = new ArrayDeque<>();
        ready.push(start);
        boolean anomaly = AnomalyMode.isEnabled();
        GradientMemory memory = GradientMemory.forOnePass();   // reuses gradient buffers unless SLUICE_POOL=0
        while (!ready.isEmpty()) {
            Node node = ready.pop();
            Tensor grad = pending.remove(node);
            Tensor[] inputGrads = null;
            if (grad != null) {
                if (node.hasPreHooks()) memory.seenByHook(grad);
                grad = node.runPreHooks(grad);
                RegionGradient region = node.next.length == 1 && node.next[0] != null ? node.regionGradient() : null;
                Tensor summed = region == null ? null : memory.addRegion(node, region, pending.get(node.next[0]), grad);
                if (summed != null) {
                    pending.put(node.next[0], summed);   // a region view's gradient went straight into its input's sum
                } else {
                    inputGrads = memory.apply(node, grad);   // the node's rule, printed when the op trace is on
                    check(node, inputGrads, anomaly);
                }
                if (!retainGraph) node.release();
            }
            for (int i = 0; i < node.next.length; i++) {
                Node target = node.next[i];
                if (target == null) continue;
                Tensor g = inputGrads == null || i >= inputGrads.length ? null : inputGrads[i];
                if (g != null) pending.merge(target, g, memory::sum);
                // a node whose senders all sent nothing still runs (with no gradient) so that its own targets are released
                if (dependencies.merge(target, -1, Integer::sum) == 0) ready.push(target);
            }
        }
    }

    /** Number of incoming edges of every node reachable from start (iterative DFS). */
    private static Map<Node, Integer> countDependencies(Node start) {
        Map<Node, Integer> deps = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        deps.put(start, 0);
        stack.push(start);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            for (Node next : n.next) {
                if (next == null) continue;
                Integer old = deps.put(next, deps.getOrDefault(next, 0) + 1);
                if (old == null) stack.push(next);
            }
        }
        return deps;
    }

    private static void check(Node node, Tensor[] grads, boolean anomaly) {
        for (int i = 0; i < node.next.length && i < grads.length; i++) {
            Tensor g = grads[i];
            if (g == null || node.next[i] == null) continue;
            if (!Arrays.equals(g.shape(), node.inputShapes[i])) {
                throw new IllegalStateException("backward of '" + node.name() + "' returned a gradient of shape "
                        + Arrays.toString(g.shape()) + " for input " + i + " of shape " + Arrays.toString(node.inputShapes[i]));
            }
            if (anomaly) {
                Graph.checkFinite(g, "backward of op '" + node.name() + "' produced NaN or Inf in the gradient of input "
                        + i + node.creationDescription());
            }
        }
    }
}
