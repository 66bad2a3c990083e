package dev.sluice.autograd;

import dev.sluice.internal.SavedRole;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tensor's backward graph as a Graphviz picture (micrograd's {@code draw_dot}, PyTorch's torchviz). Each op node
 * shows its name, the shape and dtype it produced and what it saved for backward; leaves that require grad are blue
 * boxes named after their parameter when a module's named parameters are given; gradient hooks are marked; inputs that
 * need no gradient hang off dashed grey edges. A {@code route} node (gradient routing) is drawn red with its mask as a
 * small heat map, a solid red edge for the part of the gradient the mask lets through ({@code x·m}) and a dashed red
 * edge for the part it cuts ({@code detach(x)·(1−m)}).
 *
 * <p>Arrows point the way gradients flow: from the loss at the top down to the parameters. Node ids follow a
 * breadth-first walk from the root in input order, so the same graph always gives the same text.
 * {@snippet :
 * Tensor loss = F.crossEntropy(model.forward(x), labels);
 * GraphDot.of(loss).withNames(model.namedParameters()).render(Path.of("step.png"));   // needs Graphviz' dot
 * String dot = GraphDot.of(loss).toDot();                                            // always works
 * }
 * Draw the graph before {@code backward()} (or backward with {@code retainGraph}): backward frees what nodes saved,
 * and the picture then says so.
 */
public final class GraphDot {
    private final Tensor root;
    private final Map<Tensor, String> names;
    private final String title;

    private GraphDot(Tensor root, Map<Tensor, String> names, String title) {
        this.root = root;
        this.names = names;
        this.title = title;
    }

    /**
     * The backward graph of {@code root}.
     *
     * @param root a tensor that requires grad (usually a loss)
     * @return a picture of the graph that produced it
     * @throws IllegalArgumentException if {@code root} does not require grad (it has no graph)
     */
    public static GraphDot of(Tensor root) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException("GraphDot.of: the tensor (shape " + Arrays.toString(root.shape())
                    + ") does not require grad, so it has no backward graph; draw a tensor computed from leaves with requiresGrad(true)");
        }
        return new GraphDot(root, new IdentityHashMap<>(), null);
    }

    /**
     * The same picture with leaves named, e.g. by {@code model.namedParameters()} ("fc0.weight").
     *
     * @param named tensors by name; leaves of the graph found here are labelled with their name
     * @return a new picture; this one is unchanged
     */
    public GraphDot withNames(Map<String, Tensor> named) {
        Map<Tensor, String> all = new IdentityHashMap<>(names);
        named.forEach((name, t) -> all.putIfAbsent(t, name));
        return new GraphDot(root, all, title);
    }

    /**
     * The same picture with a title above it.
     *
     * @param title one line, e.g. "routed MLP: one training step"
     * @return a new picture; this one is unchanged
     */
    public GraphDot withTitle(String title) { return new GraphDot(root, names, title); }

    /**
     * The graph in Graphviz' DOT language.
     *
     * @return the DOT text, the same for the same graph
     */
    public String toDot() {
        List<Node> order = walk();
        Map<Node, Integer> id = new IdentityHashMap<>();
        for (int i = 0; i < order.size(); i++) id.put(order.get(i), i);
        StringBuilder sb = new StringBuilder("digraph backward {\n");
        String legend = "arrows: gradients, from the loss down to the leaves · blue: leaves that require grad"
                + " · dashed grey: no gradient · red: gradient routing";
        sb.append("  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.3, ranksep=0.4, label=<")
                .append(title == null ? "" : "<B>" + html(title) + "</B><BR/>")
                .append("<FONT POINT-SIZE=\"10\">").append(html(legend)).append("</FONT>>];\n");
        sb.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f5f5\", color=\"#616161\", fontname=\"Helvetica\", fontsize=10];\n");
        sb.append("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#424242\", fontcolor=\"#424242\"];\n");
        sb.append("  root [shape=ellipse, style=filled, fillcolor=\"#fff3c4\", label=<").append(html(rootLabel())).append(">];\n");
        sb.append("  root -> n0 [label=\" ").append(shape(root.shape())).append("\"];\n");
        for (int i = 0; i < order.size(); i++) node(sb, i, order.get(i), id);
        return sb.append("}\n").toString();
    }

    /**
     * Writes the picture: DOT text for a {@code .dot} or {@code .gv} file name, otherwise the format the extension
     * names ({@code .png}, {@code .svg}, {@code .pdf}), rendered by Graphviz' {@code dot}. The file is replaced
     * atomically.
     *
     * @param file where to write; missing directories are created
     * @return {@code file}
     * @throws IOException if writing fails, the extension is not one of those above, or {@code dot} is missing (the
     * message says how to install Graphviz) or fails
     */
    public Path render(Path file) throws IOException { return DotRenderer.render(toDot(), file, "dot"); }

    /** Nodes reachable from the root, breadth first, each input in order: the ids of the picture. */
    private List<Node> walk() {
        Node start = root.gradFn() != null ? root.gradFn() : Graph.accumulatorFor(root);
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(start);
        seen.put(start, true);
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            order.add(n);
            for (Node next : n.next) {
                if (next != null && seen.put(next, true) == null) queue.add(next);
            }
        }
        return order;
    }

    private String rootLabel() {
        String name = names.get(root);
        return (name != null ? name : "output") + " " + tensor(root);
    }

    private void node(StringBuilder sb, int i, Node n, Map<Node, Integer> id) {
        String me = "n" + i;
        if (n instanceof AccumulateGrad acc) {
            Tensor leaf = acc.leaf();
            String name = names.get(leaf);
            sb.append("  ").append(me).append(" [shape=box, style=filled, fillcolor=\"#cfe2ff\", color=\"#1e4e8c\"")
                    .append(hookStyle(n)).append(", label=<<B>").append(html(name != null ? name : "leaf")).append("</B><BR/>")
                    .append(tensor(leaf)).append(" requires_grad").append(hookLine(n)).append(">];\n");
            return;
        }
        FunctionNode f = (FunctionNode) n;
        boolean route = f.name().equals("route");
        sb.append("  ").append(me).append(" [");
        if (route) sb.append("shape=box, style=\"filled,bold\", fillcolor=\"#ffebee\", color=\"#c62828\", penwidth=2.5, ");
        sb.append(hookStyle(n).isEmpty() ? "" : hookStyle(n).substring(2) + ", ");
        sb.append("label=<").append(route ? routeLabel(f) : opLabel(f)).append(">];\n");
        for (int j = 0; j < f.next.length; j++) {
            Node target = f.next[j];
            int[] inShape = f.inputShapes[j];
            if (target != null) {
                String to = "n" + id.get(target);
                if (route) {
                    sb.append("  ").append(me).append(" -> ").append(to).append(" [color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2.5,")
                            .append(" label=\" x·m: grad × mask ").append(shape(inShape)).append("\"];\n");
                    sb.append("  ").append(me).append(" -> ").append(to).append(" [color=\"#c62828\", fontcolor=\"#c62828\", style=dashed,")
                            .append(" arrowhead=tee, label=\" detach(x)·(1−m): cut, no gradient\"];\n");
                } else {
                    sb.append("  ").append(me).append(" -> ").append(to).append(" [label=\" ").append(shape(inShape)).append("\"];\n");
                }
            } else if (inShape != null) {
                String c = me + "_in" + j;
                sb.append("  ").append(c).append(" [shape=plaintext, style=\"\", fontcolor=\"#9e9e9e\", fontsize=9, label=\"input ")
                        .append(j).append(" ").append(shape(inShape)).append("\\nno grad\"];\n");
                sb.append("  ").append(me).append(" -> ").append(c).append(" [style=dashed, color=\"#bdbdbd\", arrowhead=none];\n");
            }
        }
    }

    private static String opLabel(FunctionNode f) {
        return "<B>" + html(f.name()) + "</B><BR/>→ " + tensor(f.outDtype, f.outShape) + savedLine(f) + hookLine(f);
    }

    private static String savedLine(FunctionNode f) {
        if (f.released()) return "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#757575\">saved: freed by backward</FONT>";
        Tensor[] saved = f.savedTensors();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < saved.length; i++) {
            if (saved[i] == null) continue;
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(SavedRole.label(f.savedRoles[i])).append(' ').append(shape(saved[i].shape()));
        }
        return sb.isEmpty() ? "" : "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#616161\">saved: " + html(sb.toString()) + "</FONT>";
    }

    /** The route node: what it does, its mask in numbers and as a heat map. */
    private static String routeLabel(FunctionNode f) {
        StringBuilder sb = new StringBuilder("<TABLE BORDER=\"0\" CELLSPACING=\"2\">");
        sb.append("<TR><TD><B>route</B> (gradient routing) → ").append(tensor(f.outDtype, f.outShape)).append("</TD></TR>");
        sb.append("<TR><TD><FONT POINT-SIZE=\"9\">forward: x unchanged · backward: grad × mask</FONT></TD></TR>");
        Tensor[] saved = f.released() ? new Tensor[0] : f.savedTensors();
        if (saved.length == 1 && saved[0] != null) {
            Tensor mask = saved[0];
            double[] v;
            try (var off = GradMode.noGrad()) {
                v = mask.toDoubleArray();
            }
            sb.append("<TR><TD><FONT POINT-SIZE=\"9\" COLOR=\"#c62828\">").append(html(MaskPicture.summary(mask, v)))
                    .append("</FONT></TD></TR>");
            if (v.length > 0) {
                sb.append("<TR><TD>").append(MaskPicture.heatMap(mask, v)).append("</TD></TR>");
                sb.append("<TR><TD><FONT POINT-SIZE=\"8\">rows: ")
                        .append(mask.dim() > 1 ? "examples" : "-").append(" · columns: units · green passes, red cuts")
                        .append(MaskPicture.complete(mask, v.length) ? "" : " (sampled)").append("</FONT></TD></TR>");
            }
        } else {
            sb.append("<TR><TD><FONT POINT-SIZE=\"9\" COLOR=\"#757575\">mask: freed by backward</FONT></TD></TR>");
        }
        return sb.append("</TABLE>").toString();
    }

    private static String hookStyle(Node n) { return n.hookCount() > 0 ? ", color=\"#ef6c00\", penwidth=2.5" : ""; }

    private static String hookLine(Node n) {
        int k = n.hookCount();
        return k == 0 ? "" : "<BR/><FONT COLOR=\"#ef6c00\">" + k + (k == 1 ? " gradient hook" : " gradient hooks") + "</FONT>";
    }

    static String tensor(Tensor t) { return tensor(t.dtype(), t.shape()); }

    private static String tensor(dev.sluice.tensor.DType dtype, int[] shape) { return dtype + " " + shape(shape); }

    private static String shape(int[] shape) { return shape == null ? "" : Arrays.toString(shape); }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
