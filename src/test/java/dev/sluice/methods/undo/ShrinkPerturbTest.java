package dev.sluice.methods.undo;

import dev.sluice.nn.GPT;
import dev.sluice.nn.Init;
import dev.sluice.nn.Module;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ShrinkPerturbTest {
    private static GPT model() { return new GPT(new GPT.Config(12, 6, 8, 2, 1, 0.0), new Generator(3)); }

    @Test
    void alphaZeroLeavesEveryParameterBitForBit() {
        GPT m = model();
        Map<String, Tensor> before = m.stateDictCopy();
        ShrinkPerturb.builder(0, 0.7, 5).build().apply(m);
        for (var e : m.stateDict().entrySet()) assertArrayEquals(before.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), e.getKey());
    }

    @Test
    void alphaOneBetaOneIsAFreshXavierDrawForTheSeed() {
        GPT m = model();
        Map<String, ShrinkPerturb.Kind> kinds = ShrinkPerturb.builder(1, 1, 42).build().apply(m);
        Generator gen = new Generator(42);
        for (var e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            switch (kinds.get(e.getKey())) {
                case MATRIX -> assertArrayEquals(Init.xavierUniform(Tensor.zeros(p.shape()), 1.0, gen).toFloatArray(), p.toFloatArray(), e.getKey());
                case VECTOR -> { for (float v : p.toFloatArray()) assertEquals(0f, v, 0f, e.getKey()); }
                case GAIN -> { for (float v : p.toFloatArray()) assertEquals(1f, v, 0f, e.getKey()); }
            }
        }
        assertEquals(ShrinkPerturb.Kind.GAIN, kinds.get("lnF.weight"));
        assertEquals(ShrinkPerturb.Kind.VECTOR, kinds.get("lnF.bias"));
        assertEquals(ShrinkPerturb.Kind.MATRIX, kinds.get("wte.weight"));
        assertEquals(ShrinkPerturb.Kind.VECTOR, kinds.get("blocks.0.mlp.fc0.bias"));
    }

    @Test
    void midwayFollowsTheFormulaPerKind() {
        GPT m = model();
        Map<String, Tensor> before = m.stateDictCopy();
        double a = 0.3, b = 0.1;
        ShrinkPerturb.builder(a, b, 9).gainsTowardZero().build().apply(m);
        Generator gen = new Generator(9);
        for (var e : m.namedParameters().entrySet()) {
            float[] old = before.get(e.getKey()).toFloatArray(), now = e.getValue().toFloatArray();
            float[] n = e.getValue().dim() >= 2 ? Init.xavierUniform(Tensor.zeros(e.getValue().shape()), 1.0, gen).toFloatArray() : new float[old.length];
            for (int i = 0; i < old.length; i++) assertEquals((1 - a) * old[i] + a * b * n[i], now[i], 1e-6, e.getKey() + "[" + i + "]");
        }
    }

    @Test
    void gaussianNoiseHasTheRequestedScaleAndBadArgumentsAreErrors() {
        Module m = new dev.sluice.nn.Linear(200, 100, new Generator(1));
        ShrinkPerturb.builder(1, 1, 4).gaussian(0.5).build().apply(m);
        float[] w = m.namedParameters().get("weight").toFloatArray();
        double ss = 0;
        for (float v : w) ss += v * v;
        assertEquals(0.5, Math.sqrt(ss / w.length), 0.01);
        assertThrows(IllegalArgumentException.class, () -> ShrinkPerturb.builder(1.5, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> ShrinkPerturb.builder(0.5, -1, 0));
    }
}
