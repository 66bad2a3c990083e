package dev.sluice.docs;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.nn.Activation;
import dev.sluice.nn.LayerNorm;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Sequential;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Solutions to the exercises of docs/08-undo.md. */
class Chapter8ExercisesTest {
    @Test
    void theEndsOfTheKnob() {
        MLP m = new MLP(new int[] {5, 7, 3}, Activation.RELU, new Generator(1));
        Map<String, float[]> before = new java.util.HashMap<>();
        m.namedParameters().forEach((k, v) -> before.put(k, v.toFloatArray()));
        ShrinkPerturb.builder(0, 0.7, 9).build().apply(m);
        m.namedParameters().forEach((k, v) -> assertArrayEquals(before.get(k), v.toFloatArray(), "alpha = 0 changed " + k));

        MLP a = new MLP(new int[] {5, 7, 3}, Activation.RELU, new Generator(2));
        MLP b = new MLP(new int[] {5, 7, 3}, Activation.RELU, new Generator(3));
        assertFalse(java.util.Arrays.equals(a.layer(0).weight().toFloatArray(), b.layer(0).weight().toFloatArray()));
        ShrinkPerturb.builder(1, 1, 42).build().apply(a);
        ShrinkPerturb.builder(1, 1, 42).build().apply(b);
        var pb = b.namedParameters();
        // weights bit for bit; biases are 0·θ, which is +0 or −0 by θ's sign, so they are compared as values below
        a.namedParameters().forEach((k, v) -> {
            if (k.endsWith("weight")) assertArrayEquals(pb.get(k).toFloatArray(), v.toFloatArray(), "fresh init differs at " + k);
        });
        for (int i = 0; i < 2; i++) {
            for (float x : a.layer(i).bias().toFloatArray()) assertTrue(x == 0f, "bias of fc" + i + " is " + x);
            double bound = Math.sqrt(6.0 / (a.layer(i).weight().size(0) + a.layer(i).weight().size(1)));
            for (float x : a.layer(i).weight().toFloatArray()) assertTrue(Math.abs(x) <= bound, "Xavier bound");
        }
    }

    private static Sequential withGain3() {
        Sequential s = new Sequential(new Linear(4, 4, new Generator(5)), new LayerNorm(4));
        LayerNorm ln = (LayerNorm) s.namedModules().values().stream().filter(x -> x instanceof LayerNorm).findFirst().orElseThrow();
        try (var _ = GradMode.noGrad()) {
            ln.weight().copy_(Tensor.full(3.0, 4));
        }
        return s;
    }

    private static float[] gain(Sequential s) {
        return s.namedModules().values().stream().filter(x -> x instanceof LayerNorm).map(x -> ((LayerNorm) x).weight())
                .findFirst().orElseThrow().toFloatArray();
    }

    @Test
    void gainsShrinkTowardOne() {
        Sequential byDefault = withGain3(), paper = withGain3();
        Map<String, ShrinkPerturb.Kind> kinds = ShrinkPerturb.builder(0.25, 0, 1).build().apply(byDefault);
        assertTrue(kinds.containsValue(ShrinkPerturb.Kind.GAIN));
        ShrinkPerturb.builder(0.25, 0, 1).gainsTowardZero().build().apply(paper);
        for (float g : gain(byDefault)) assertEquals(2.5f, g, 1e-6f);
        for (float g : gain(paper)) assertEquals(2.25f, g, 1e-6f);
    }

    @Test
    void maxEntsGradientIsSoftmaxMinusUniform() {
        double[] z = {1.5, -0.5, 0.25, 2.0, -1.0};
        Tensor logits = Tensor.of(z, 1, 5).requiresGrad(true);
        Losses.klToUniform(logits, null).backward();
        double max = java.util.Arrays.stream(z).max().orElseThrow(), sum = 0;
        for (double v : z) sum += Math.exp(v - max);
        double[] g = logits.grad().toDoubleArray();
        for (int i = 0; i < 5; i++) assertEquals(Math.exp(z[i] - max) / sum - 0.2, g[i], 1e-14, "element " + i);

        Tensor uniform = Tensor.full(0.7, DType.FLOAT64, 1, 5).requiresGrad(true);
        Tensor loss = Losses.klToUniform(uniform, null);
        loss.backward();
        assertEquals(0, loss.item(), 1e-15);
        for (double v : uniform.grad().toDoubleArray()) assertEquals(0, v, 1e-15);
    }
}
