package dev.sluice.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The README's example is real code: shown verbatim, compiled here, and doing what its comments claim. */
class ReadmeExampleTest {
    @Test
    void readmeShowsExactlyTheTestedCode() throws Exception {
        assertReadmeShows("Generator gen = new Generator(42);", "ReadmeExample", "README");
    }

    @Test
    void readmeShowsExactlyTheTestedRoutingCode() throws Exception {
        assertReadmeShows("GradientRouting.apply(model, router, labels)", "ReadmeRoutingExample", "ROUTING");
    }

    @Test
    void readmeShowsExactlyTheTestedUndoCode() throws Exception {
        assertReadmeShows("ShrinkPerturb.builder(0.8, 0.1, 42)", "ReadmeUndoExample", "UNDO");
    }

    /** The UNDO example: the noise really moved the student, and distillation brought its outputs back to the teacher's. */
    @Test
    void undoExampleDistilsTheTeacherIntoTheNoisedCopy() {
        var out = ReadmeUndoExample.run();
        var x = dev.sluice.tensor.Tensor.randn(new dev.sluice.tensor.Generator(99), dev.sluice.tensor.DType.FLOAT32, 256, 8);
        float[] teacherW = out.teacher().layer(0).weight().toFloatArray();
        double moved = 0;
        for (int i = 0; i < teacherW.length; i++) moved += Math.abs(teacherW[i] - out.noisedWeight()[i]);
        assertTrue(moved / teacherW.length > 0.05, "the noise changed the copy's weights: " + moved / teacherW.length);
        double before = dev.sluice.nn.Losses.forwardKl(x.matmul(dev.sluice.tensor.Tensor.zeros(8, 4)), out.teacher().forward(x), 1, null).item();
        double after = dev.sluice.nn.Losses.forwardKl(out.student().forward(x), out.teacher().forward(x), 1, null).item();
        assertTrue(after < 0.02 && after < before / 5, "student matches the teacher on fresh inputs: KL " + after + " (uniform guess " + before + ")");
    }

    @Test
    void readmeShowsExactlyTheTestedDistributedCode() throws Exception {
        assertReadmeShows("List<LocalAllReduce> comms = LocalAllReduce.create(ranks);", "ReadmeDistributedExample", "DISTRIBUTED");
    }

    /** The data-parallel example: the two replicas learned the weights and hold the same bits. */
    @Test
    void distributedExampleTrainsIdenticalReplicas() throws Exception {
        var models = ReadmeDistributedExample.run();
        assertArrayEquals(new float[] {2, -1, 0.5f, 1}, models.get(0).weight().toFloatArray(), 0.02f, "learned weights");
        assertArrayEquals(models.get(0).weight().toFloatArray(), models.get(1).weight().toFloatArray(), "rank 1's weights, bit for bit");
        assertArrayEquals(models.get(0).bias().toFloatArray(), models.get(1).bias().toFloatArray(), "rank 1's bias, bit for bit");
    }

    @Test
    void readmeShowsExactlyTheTestedGpuCode() throws Exception {
        assertReadmeShows("GPT model = new GPT(new GPT.Config(16, 16, 32, 2, 2, 0.0), new Generator(7)).to(gpu);", "ReadmeGpuExample", "GPU");
    }

    @Test
    void readmeShowsExactlyTheCompiledRecontextCode() throws Exception {
        assertReadmeShows("GptPolicy policy = LmReproduction.prior", "ReadmeRecontextExample", "RECONTEXT");
    }

    /**
     * The routed gradient of the code layer's units 0..3 equals the ordinary gradient of the loss restricted to the
     * classes 0-4 examples (and units 4..7 to classes 5-9): each group shaped only its own units.
     */
    @Test
    void routingExampleLetsEachGroupShapeOnlyItsOwnUnits() {
        float[] routed = ReadmeRoutingExample.run().firstLayerGrad().toFloatArray(); // fc1.weight grad [8, 32]
        for (int group = 0; group < 2; group++) {
            dev.sluice.tensor.Generator gen = new dev.sluice.tensor.Generator(7);
            var x = dev.sluice.tensor.Tensor.randn(gen, dev.sluice.tensor.DType.FLOAT32, 64, 20);
            long[] labels = dev.sluice.tensor.Tensor.randint(gen, 0, 10, 64).toLongArray();
            var model = new dev.sluice.nn.MLP(new int[] {20, 32, 8, 20}, dev.sluice.nn.Activation.RELU, gen);
            float[] keep = new float[64];
            for (int i = 0; i < 64; i++) keep[i] = (labels[i] < 5) == (group == 0) ? 1 : 0;
            var perExample = model.forward(x).sub(x).abs().mean(1);          // [64]
            perExample.mul(dev.sluice.tensor.Tensor.of(keep, 64)).sum().div(64.0).backward();
            float[] expected = model.layer(1).weight().grad().toFloatArray();
            for (int unit = group * 4; unit < group * 4 + 4; unit++) {
                for (int c = 0; c < 32; c++) {
                    assertEquals(expected[unit * 32 + c], routed[unit * 32 + c], 1e-6f, "unit " + unit + " input " + c);
                }
            }
        }
    }

    /**
     * The README's ```java block containing {@code anchor} shows exactly the code of {@code example}.java between its
     * {@code // MARKER-BEGIN} and {@code // MARKER-END} lines (leaving out a {@code -PAUSE} … {@code -RESUME} part),
     * ignoring indentation and blank lines; the block may start with imports before that code.
     */
    static void assertReadmeShows(String anchor, String example, String marker) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf(anchor);
        assertTrue(at >= 0, "README has the example containing '" + anchor + "'");
        int start = readme.lastIndexOf("```java\n", at);
        String block = readme.substring(start + 8, readme.indexOf("```", start + 8));
        String source = Files.readString(Path.of("src/test/java/dev/sluice/readme/" + example + ".java"));
        String begin = "// " + marker + "-BEGIN\n", pause = "// " + marker + "-PAUSE", end = "// " + marker + "-END";
        String marked = source.contains(pause)
                ? between(source, begin, pause) + between(source, "// " + marker + "-RESUME\n", end)
                : between(source, begin, end);
        String expected = normalise(marked);
        int from = block.indexOf(expected.lines().findFirst().orElseThrow());
        assertTrue(from >= 0, "README's block around '" + anchor + "' lacks the first line of " + example + ".java's code");
        assertEquals(expected, normalise(block.substring(from)),
                "README.md's example must match " + example + ".java between the " + marker + " markers");
    }

    private static String between(String s, String from, String to) {
        int a = s.indexOf(from) + from.length();
        return s.substring(a, s.indexOf(to, a));
    }

    private static String normalise(String code) {
        List<String> lines = code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.stream().collect(Collectors.joining("\n"));
    }

    @Test
    void exampleLearnsTheWeightsAndTheHookFreezesTheBias() {
        var out = ReadmeExample.run();
        assertArrayEquals(new float[] {2, -1, 0.5f}, out.learnedWeight(), 0.02f, "learned weights");
        assertFalse(java.util.Arrays.equals(out.learnedWeight(), out.weight().toFloatArray()),
                "the unhooked weights kept training on the shifted target");
        assertEquals(out.biasBeforeFreeze(), (float) out.bias().item(), 0f, "the hooked bias did not move");
        assertEquals(0.1f, out.biasBeforeFreeze(), 0.02f, "learned bias");
    }
}
