// Example 06: a custom differentiable op with its own gradient rule, checked against finite differences.
//   ./sluice example 06
// The op is log(cosh(x)), a smooth |x|. Written from existing ops it already has a gradient (autograd chains the
// rules of abs, exp, log...), but as one op it records a single graph node whose rule is the closed form tanh(x).
// Graph.record is the public hook for that: compute the output, then attach the inputs, the tensors the rule needs
// and the rule itself. GradCheck then compares the rule with central differences in float64.
import dev.sluice.autograd.GradCheck;
import dev.sluice.autograd.GradMode;
import dev.sluice.autograd.Graph;
import dev.sluice.autograd.Node;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

public class Main {
    /** log(cosh(x)) = |x| + log(1 + e^(−2|x|)) − log 2: the form that cannot overflow, as exp(−2|x|) ≤ 1. */
    static Tensor composed(Tensor x) {
        Tensor ax = x.abs();
        return ax.add(ax.mul(-2).exp().add(1).log()).sub(Math.log(2));
    }

    /** The same values as one op: the forward runs without recording, then one node with the rule d/dx = tanh(x). */
    static Tensor logCosh(Tensor x) {
        Tensor out;
        try (var noGrad = GradMode.noGrad()) {
            out = composed(x);
        }
        // saved = {x}: the rule reads x through `saved`, so changing x in place before backward is caught as an error
        return Graph.record("log_cosh", out, new Tensor[] {x}, new Tensor[] {x},
                (gradOut, saved) -> new Tensor[] {gradOut.mul(saved[0].tanh())});
    }

    /** A wrong rule (it forgets the chain rule's gradOut factor), to show that the check catches mistakes. */
    static Tensor logCoshWrong(Tensor x) {
        Tensor out;
        try (var noGrad = GradMode.noGrad()) {
            out = composed(x);
        }
        return Graph.record("log_cosh_wrong", out, new Tensor[] {x}, new Tensor[] {x},
                (gradOut, saved) -> new Tensor[] {saved[0].tanh()});
    }

    /** The op names below a node, depth first; a node reached by two paths (abs here) is listed twice. */
    static List<String> ops(Node node, List<String> names) {
        if (node == null) return names;
        names.add(node.name());
        for (Node next : node.nextFunctions()) ops(next, names);
        return names;
    }

    public static void main(String[] args) {
        Tensor x = Tensor.randn(new Generator(0), DType.FLOAT64, 4, 5).mul(3).requiresGrad(true);

        // The graph: one node for the custom op, several for the composition
        System.out.println("custom op's graph: " + ops(logCosh(x).gradFn(), new ArrayList<>()));
        System.out.println("composed graph:    " + ops(composed(x).gradFn(), new ArrayList<>()));

        // Same values, same gradients
        Tensor y1 = logCosh(x), y2 = composed(x);
        y1.sum().backward();
        Tensor g1 = x.grad();
        x.setGrad(null);
        y2.sum().backward();
        Tensor g2 = x.grad();
        System.out.printf("max |value difference| %.2e, max |gradient difference| %.2e%n",
                y1.sub(y2).abs().max().item(), g1.sub(g2).abs().max().item());

        // Finite differences in float64 (eps 1e-6, atol 1e-5, rtol 1e-3, as torch.autograd.gradcheck)
        GradCheck.check("log_cosh", in -> logCosh(in[0]), x);
        System.out.println("gradcheck log_cosh: passed");
        // The rule must be right for any upstream gradient, not only for a sum: check a weighted loss too
        Tensor w = Tensor.randn(new Generator(1), DType.FLOAT64, 4, 5);
        GradCheck.check("weighted log_cosh", in -> logCosh(in[0]).mul(w).sum(), x);
        System.out.println("gradcheck weighted log_cosh: passed");
        try {
            GradCheck.check("weighted log_cosh_wrong", in -> logCoshWrong(in[0]).mul(w).sum(), x);
            System.out.println("gradcheck log_cosh_wrong: passed (it should not have!)");
        } catch (GradCheck.Failure e) {
            System.out.println("gradcheck log_cosh_wrong: failed as it should: " + e.getMessage());
        }
    }
}
