// Example 07: print the backward graph, the way PyTorch users walk grad_fn.next_functions, then draw it.
//   ./sluice example 07 [--dot FILE.png|FILE.svg|FILE.dot]
// Every tensor an op produced knows the node that made it (gradFn()); each node knows, per input, the node its
// gradient goes to next (nextFunctions(); null for an input that needs no gradient). Leaves end in an
// "accumulate_grad" node, which adds the gradient into leaf.grad(). backward() runs these nodes from the top down.
import dev.sluice.autograd.GraphDot;
import dev.sluice.autograd.Node;
import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

public class Main {
    public static void main(String[] args) throws Exception {
        // 1. A micrograd-sized expression: e = (a·b + c)·a, so a's gradient arrives by two paths
        Tensor a = Tensor.scalar(2.0).requiresGrad(true), b = Tensor.scalar(-3.0).requiresGrad(true);
        Tensor c = Tensor.scalar(10.0).requiresGrad(true);
        Tensor e = a.mul(b).add(c).mul(a);
        Map<Node, String> leaves = new IdentityHashMap<>();
        leaves.put(accumulator(a), "a");
        leaves.put(accumulator(b), "b");
        leaves.put(accumulator(c), "c");
        System.out.println("e = (a*b + c)*a = " + e.item());
        print(e.gradFn(), leaves);
        e.backward();
        System.out.printf("de/da = 2ab + c = %.1f, de/db = a^2 = %.1f, de/dc = a = %.1f%n", a.grad().item(), b.grad().item(), c.grad().item());

        // 2. One training step's loss of a small MLP, with its hidden layer routed: the "route" node is where a mask
        // multiplies the gradient on its way back (forward values are unchanged)
        Generator gen = new Generator(0);
        MLP model = new MLP(new int[] {4, 8, 3}, Activation.RELU, gen);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 2, 4), labels = Tensor.of(new long[] {0, 2}, 2);
        Map<Node, String> params = new IdentityHashMap<>();
        model.namedParameters().forEach((name, p) -> params.put(accumulator(p), name));
        Tensor mask = Tensor.of(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, 1, 8);   // units 4..7 get no gradient
        Tensor loss;
        try (var routed = GradientRouting.apply(model, Map.of("hidden0", mask))) {
            loss = Losses.crossEntropy(model.forward(x), labels);
        }
        System.out.println();
        System.out.println("MLP 4-8-3 loss with hidden0 routed:");
        print(loss.gradFn(), params);

        // 3. The same graph as a picture: GraphDot adds shapes, saved tensors and the route node's mask, and marks the
        // edge where the mask cuts the gradient (dashed red). .dot is plain text; .png/.svg need Graphviz's dot.
        GraphDot dot = GraphDot.of(loss).withNames(model.namedParameters()).withTitle("MLP 4-8-3, hidden0 routed");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--dot")) System.out.println("\nwrote " + dot.render(Path.of(args[i + 1])));
        }
        long routeNodes = dot.toDot().lines().filter(l -> l.contains("route")).count();
        System.out.println("\nGraphviz DOT: " + dot.toDot().lines().count() + " lines, " + routeNodes + " mention the route");
    }

    /** Prints the graph below a node as an indented tree; a node reached again (a shared input) is not expanded twice. */
    static void print(Node root, Map<Node, String> names) {
        walk(root, "", "", names, new IdentityHashMap<>());
    }

    static void walk(Node node, String lead, String childLead, Map<Node, String> names, Map<Node, Integer> seen) {
        if (node == null) {
            System.out.println(lead + "(no gradient needed)");
            return;
        }
        String label = node.name() + (names.containsKey(node) ? "  -> " + names.get(node) + ".grad" : "");
        if (seen.containsKey(node)) {
            System.out.println(lead + label + "  (#" + seen.get(node) + ", shown above)");
            return;
        }
        seen.put(node, seen.size() + 1);
        System.out.println(lead + label + "  #" + seen.get(node));
        var next = node.nextFunctions();
        for (int i = 0; i < next.size(); i++) {
            boolean last = i == next.size() - 1;
            walk(next.get(i), childLead + (last ? "└── " : "├── "), childLead + (last ? "    " : "│   "), names, seen);
        }
    }

    /**
     * A leaf's gradient accumulator. A leaf has no gradFn, but any op on it records an edge to its one accumulator
     * node, so a throwaway op finds it; we use it only to label the graph's leaves with parameter names.
     */
    static Node accumulator(Tensor leaf) {
        return leaf.mul(1.0).gradFn().nextFunctions().get(0);
    }
}
