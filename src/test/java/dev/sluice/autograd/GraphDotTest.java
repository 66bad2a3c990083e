package dev.sluice.autograd;

import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The DOT picture of backward graphs: exact text for a small graph, and what routing, hooks and backward change. */
class GraphDotTest {
    private static final String HEADER = """
            digraph backward {
              graph [rankdir=TB, fontname="Helvetica", fontsize=12, labelloc=t, nodesep=0.3, ranksep=0.4, label=<<FONT POINT-SIZE="10">arrows: gradients, from the loss down to the leaves · blue: leaves that require grad · dashed grey: no gradient · red: gradient routing</FONT>>];
              node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", color="#616161", fontname="Helvetica", fontsize=10];
              edge [fontname="Helvetica", fontsize=9, color="#424242", fontcolor="#424242"];
            """;

    @Test
    void smallGraphGivesExactlyThisText() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2);
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor loss = x.matmul(w).sum();
        String expected = HEADER + """
                  root [shape=ellipse, style=filled, fillcolor="#fff3c4", label=<loss float32 []>];
                  root -> n0 [label=" []"];
                  n0 [label=<<B>sum</B><BR/>→ float32 []>];
                  n0 -> n1 [label=" [1, 2]"];
                  n1 [label=<<B>matmul</B><BR/>→ float32 [1, 2]<BR/><FONT POINT-SIZE="9" COLOR="#616161">saved: in0 [1, 2]</FONT>>];
                  n1_in0 [shape=plaintext, style="", fontcolor="#9e9e9e", fontsize=9, label="input 0 [1, 2]\\nno grad"];
                  n1 -> n1_in0 [style=dashed, color="#bdbdbd", arrowhead=none];
                  n1 -> n2 [label=" [2, 2]"];
                  n2 [shape=box, style=filled, fillcolor="#cfe2ff", color="#1e4e8c", label=<<B>w</B><BR/>float32 [2, 2] requires_grad>];
                }
                """;
        String dot = GraphDot.of(loss).withNames(Map.of("w", w, "loss", loss)).toDot();
        assertEquals(expected, dot);
        assertEquals(dot, GraphDot.of(loss).withNames(Map.of("w", w, "loss", loss)).toDot(), "same graph, same text");
    }

    @Test
    void routeNodeShowsItsMaskAndTheCutEdge() {
        Tensor w = Tensor.of(new float[] {1, -1, 2, 0.5f}, 2, 2).requiresGrad(true);
        Tensor mask = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);   // example 0 trains unit 0, example 1 unit 1
        Tensor loss = w.mul(2).route(mask).sum();
        String dot = GraphDot.of(loss).withTitle("routed").toDot();
        assertTrue(dot.contains("<B>routed</B>"), dot);
        assertTrue(dot.contains("n1 [shape=box, style=\"filled,bold\", fillcolor=\"#ffebee\", color=\"#c62828\""), dot);
        assertTrue(dot.contains("mask float32 [2, 2]: 2 pass (1), 2 cut (0)"), dot);
        // the heat map: row 0 = green, red; row 1 = red, green
        String green = MaskPicture.color(1), red = MaskPicture.color(0);
        int g0 = dot.indexOf(green), r0 = dot.indexOf(red);
        assertTrue(g0 > 0 && r0 > g0, dot);
        assertEquals("#43a047", green);
        assertEquals("#e53935", red);
        // two edges from route to mul: the gradient times the mask, and the dashed cut
        assertTrue(dot.contains("n1 -> n2 [color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2.5, label=\" x·m: grad × mask [2, 2]\"];"), dot);
        assertTrue(dot.contains("n1 -> n2 [color=\"#c62828\", fontcolor=\"#c62828\", style=dashed, arrowhead=tee, label=\" detach(x)·(1−m): cut, no gradient\"];"), dot);
    }

    @Test
    void weightedAndReversedMaskEntriesAreCounted() {
        Tensor mask = Tensor.of(new float[] {1, 0, 0.3f, -0.75f});
        assertEquals("mask float32 [4]: 1 pass (1), 1 cut (0), 1 weighted, 1 reversed",
                MaskPicture.summary(mask, mask.toDoubleArray()));
        assertEquals("#7b1fa2", MaskPicture.color(-0.75));
    }

    @Test
    void hooksAreMarkedAndBackwardFreesWhatWasSaved() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor y = w.exp();
        y.registerHook(g -> null);
        Tensor loss = y.sum();
        assertTrue(GraphDot.of(loss).toDot().contains("<B>exp</B><BR/>→ float32 [3]<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#616161\">saved: in0 [3], out [3]</FONT><BR/><FONT COLOR=\"#ef6c00\">1 gradient hook</FONT>"));
        loss.backward();
        String after = GraphDot.of(loss).toDot();
        assertTrue(after.contains("exp</B><BR/>→ float32 [3]<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#757575\">saved: freed by backward</FONT>"), after);
    }

    @Test
    void aTensorWithoutGradHasNoGraph() {
        var e = assertThrows(IllegalArgumentException.class, () -> GraphDot.of(Tensor.ones(2, 3)));
        assertTrue(e.getMessage().contains("shape [2, 3]") && e.getMessage().contains("requiresGrad(true)"), e.getMessage());
    }

    @Test
    void rendersDotTextAndNamesGraphvizWhenItIsMissing(@TempDir Path dir) throws IOException {
        Tensor loss = Tensor.ones(2).requiresGrad(true).mul(3).sum();
        Path dot = GraphDot.of(loss).render(dir.resolve("sub/g.dot"));
        assertEquals(GraphDot.of(loss).toDot(), Files.readString(dot));
        var missing = assertThrows(IOException.class,
                () -> DotRenderer.render("digraph {}", dir.resolve("g.png"), dir.resolve("no-such-dot").toString()));
        assertTrue(missing.getMessage().contains("sudo apt install graphviz"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve("g.png")));
        var format = assertThrows(IOException.class, () -> GraphDot.of(loss).render(dir.resolve("g.jpeg")));
        assertTrue(format.getMessage().contains("unknown picture format 'jpeg'"), format.getMessage());
    }
}
