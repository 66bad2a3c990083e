package dev.sluice.autograd;

import dev.sluice.Sluice;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The op trace: what each level prints for a tiny forward and backward, and that off means silent. */
class OpTraceTest {
    /** loss = sum(relu(x·w)) with x [4,3] and w [3,2]; returns the trace lines it printed at {@code level}. */
    private static List<String> traceTinyStep(int level) {
        Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f, 1, -1, 2, 2, 2, -3, 0, 1}, 4, 3);
        Tensor w = Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, 3, 2).requiresGrad(true);
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8); var trace = OpTrace.enable(level, out)) {
            x.matmul(w).relu().sum().backward();
        }
        assertNotNull(w.grad());
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : text.lines().toList();
    }

    /** The lines that start with {@code [trace] <kind>}, without that prefix, trimmed. */
    private static List<String> kind(List<String> lines, String kind) {
        return lines.stream().filter(l -> l.startsWith("[trace] " + kind)).map(l -> l.substring(8).strip()).toList();
    }

    @Test
    void levelOnePrintsEachForwardOpThenEachBackwardNodeInOrderWithShapes() {
        List<String> lines = traceTinyStep(1);
        List<String> fwd = kind(lines, "fwd");
        List<String> bwd = kind(lines, "bwd");
        // sum reshapes its [1,1] reduction to a scalar (a view, printed first) before it records itself
        assertEquals(List.of("matmul", "relu", "reshape", "sum"), fwd.stream().map(l -> l.split("\\s+")[1]).toList(),
                String.join("\n", lines));
        assertTrue(fwd.get(0).matches("fwd matmul\\s+f32\\[4,3], f32\\[3,2] -> f32\\[4,2] @cpu\\s+\\d+\\.\\d{3} ms"), fwd.get(0));
        assertTrue(fwd.get(1).matches("fwd relu\\s+f32\\[4,2] -> f32\\[4,2] @cpu .*"), fwd.get(1));
        assertTrue(fwd.get(2).matches("fwd reshape\\s+f32\\[1,1] -> f32\\[] @cpu\\s+view"), fwd.get(2));
        assertTrue(fwd.get(3).matches("fwd sum\\s+f32\\[4,2] -> f32\\[] @cpu .*"), fwd.get(3));
        // backward visits the nodes in reverse; x needs no gradient ("-"); w's first gradient is adopted by the leaf
        // without running its accumulator, so no accumulate_grad line
        assertEquals(List.of("sum", "relu", "matmul"), bwd.stream().map(l -> l.split("\\s+")[1]).toList());
        assertTrue(bwd.get(0).contains("grad f32[] -> f32[4,2]"), bwd.get(0));
        assertTrue(bwd.get(2).contains("grad f32[4,2] -> -, f32[3,2]"), bwd.get(2));
        // level 1 does not show the ops inside backward rules, nor kernels
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("[trace]     op") || l.contains("alloc")), String.join("\n", lines));
        // the forward lines come before the backward lines
        assertTrue(lines.indexOf("[trace] " + fwd.get(3)) < lines.indexOf("[trace] " + bwd.get(0)));
    }

    @Test
    void levelTwoAddsKernelsAndBytes() {
        List<String> fwd = kind(traceTinyStep(2), "fwd");
        String kernels = Sluice.kernels().name();
        // matmul's output is 4·2 float32 = 32 bytes
        assertTrue(fwd.get(0).contains(kernels + " matmul") && fwd.get(0).endsWith("alloc 32 B"), fwd.get(0));
        assertTrue(fwd.get(1).contains(kernels + " relu"), fwd.get(1));
        assertTrue(fwd.get(2).endsWith("view: no kernel, no memory"), fwd.get(2));
        assertTrue(fwd.get(3).contains(kernels + " reduce_sum") && fwd.get(3).endsWith("alloc 4 B"), fwd.get(3));
    }

    @Test
    void levelThreeShowsTheOpsInsideBackwardRulesAndWhatWasSaved() {
        List<String> lines = traceTinyStep(3);
        assertTrue(kind(lines, "fwd").get(0).contains("saves in0"), kind(lines, "fwd").get(0)); // matmul keeps x for dW
        assertTrue(kind(lines, "fwd").get(1).contains("saves in0, out"), kind(lines, "fwd").get(1));
        int matmulNode = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("[trace] bwd matmul")) matmulNode = i;
        assertTrue(matmulNode > 0);
        // dW = xᵀ·g: a transpose and a matmul, printed (indented) before the node's own line
        List<String> inner = lines.subList(0, matmulNode).stream().filter(l -> l.startsWith("[trace]     op")).toList();
        assertTrue(inner.stream().anyMatch(l -> l.contains("op  matmul")), String.join("\n", lines));
    }

    @Test
    void levelFourSummarisesValues() {
        List<String> fwd = kind(traceTinyStep(4), "fwd");
        // relu's output holds no negative value
        assertTrue(fwd.get(1).matches(".*\\{min 0\\.0+ max 1\\.600 mean 0\\.5563}$"), fwd.get(1));
    }

    @Test
    void offPrintsNothingAndClosingTheScopeTurnsItOff() {
        assertEquals(List.of(), traceTinyStep(0));
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (var on = OpTrace.enable(1, out)) {
            assertEquals(1, OpTrace.level());
        }
        assertEquals(0, OpTrace.level());
        Tensor.ones(2, 2).requiresGrad(true).mul(3).sum().backward();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void inPlaceOpsGetALine() {
        var bytes = new ByteArrayOutputStream();
        Tensor t = Tensor.zeros(2, 3);
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8); var trace = OpTrace.enable(1, out)) {
            t.add_(Tensor.ones(2, 3));
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("fwd add_"), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsLevelsOutsideZeroToFour() {
        var e = assertThrows(IllegalArgumentException.class, () -> OpTrace.enable(5));
        assertTrue(e.getMessage().contains("[0, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sluice.setTrace(-1));
        assertEquals(0, OpTrace.level());
    }
}
