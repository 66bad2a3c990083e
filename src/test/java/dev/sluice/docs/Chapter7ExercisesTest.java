package dev.sluice.docs;

import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.LabelRouter;
import dev.sluice.methods.routing.Masks;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Solutions to the exercises of docs/07-masked-backprop.md. */
class Chapter7ExercisesTest {
    private static Map<String, Tensor> grads(MLP model) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> out.put(k, v.grad().clone()));
        return out;
    }

    @Test
    void aReversingMaskScalesTheGradientBeforeTheHookPointOnly() {
        Generator gen = new Generator(3);
        MLP plain = new MLP(new int[] {4, 8, 3}, Activation.TANH, gen);   // tanh: every unit gets a gradient
        MLP routed = plain.deepCopy();
        Tensor x = Tensor.randn(new Generator(4), DType.FLOAT32, 5, 4);
        Tensor y = Tensor.of(new long[] {0, 1, 2, 1, 0}, 5);

        Losses.crossEntropy(plain.forward(x), y).backward();
        try (var _ = GradientRouting.apply(routed, Map.of("hidden0", Tensor.full(-0.75, 8)))) {
            Losses.crossEntropy(routed.forward(x), y).backward();
        }
        Map<String, Tensor> g0 = grads(plain), g1 = grads(routed);
        for (String name : new String[] {"fc0.weight", "fc0.bias"}) {
            float[] a = g0.get(name).toFloatArray(), b = g1.get(name).toFloatArray();
            boolean someNonZero = false;
            for (int i = 0; i < a.length; i++) {
                assertEquals(-0.75 * a[i], b[i], 1e-6 * Math.max(1, Math.abs(a[i])), name + "[" + i + "]");
                someNonZero |= a[i] != 0;
            }
            assertTrue(someNonZero, name + " must have a gradient for the check to mean anything");
        }
        for (String name : new String[] {"fc1.weight", "fc1.bias"}) {
            assertArrayEquals(g0.get(name).toFloatArray(), g1.get(name).toFloatArray(), name + " is after the hook point");
        }
    }

    @Test
    void aMaskOfOnesChangesNothingBitForBit() {
        Generator init = new Generator(5);
        MLP a = new MLP(new int[] {6, 16, 4}, Activation.RELU, init);
        MLP b = a.deepCopy();
        LabelRouter ones = LabelRouter.builder(4, 16).route(new int[] {0, 1, 2, 3}, Masks.ones(16)).at("hidden0").build();
        Adam optA = new Adam(a.parameters(), 1e-2), optB = new Adam(b.parameters(), 1e-2);
        Generator data = new Generator(6);
        for (int step = 0; step < 5; step++) {
            Tensor x = Tensor.randn(data, DType.FLOAT32, 32, 6), y = Tensor.randint(data, 0, 4, 32);
            optA.zeroGrad();
            Losses.crossEntropy(a.forward(x), y).backward();
            optA.step();
            optB.zeroGrad();
            try (var _ = GradientRouting.apply(b, ones, y)) {
                Losses.crossEntropy(b.forward(x), y).backward();
            }
            optB.step();
        }
        var pa = a.namedParameters();
        b.namedParameters().forEach((name, p) -> assertArrayEquals(pa.get(name).toFloatArray(), p.toFloatArray(), name));
    }

    @Test
    void routingAsAHookEqualsRouteAndTheReferenceFormula() {
        Generator gen = new Generator(8);
        double[] values = Tensor.randn(gen, DType.FLOAT64, 3, 4).toDoubleArray();
        Tensor mask = Tensor.of(new double[] {1, 0, -0.75}, 3, 1);            // per example, broadcast over 4 units
        Tensor w = Tensor.randn(gen, DType.FLOAT64, 3, 4);                      // a loss sum(w · out²) with a varied gradient

        Tensor a1 = Tensor.of(values, 3, 4).requiresGrad(true);
        Tensor h = a1.mul(1.0);                                                 // an inner tensor to hook
        h.registerHook(g -> g.mul(mask));
        h.square().mul(w).sum().backward();

        Tensor a2 = Tensor.of(values, 3, 4).requiresGrad(true);
        a2.mul(1.0).route(mask).square().mul(w).sum().backward();

        Tensor a3 = Tensor.of(values, 3, 4).requiresGrad(true);
        Tensor act = a3.mul(1.0);
        Tensor out = mask.mul(act).add(mask.neg().add(1).mul(act.detach()));
        out.square().mul(w).sum().backward();

        double[] g1 = a1.grad().toDoubleArray(), g2 = a2.grad().toDoubleArray(), g3 = a3.grad().toDoubleArray();
        double[] m = {1, 0, -0.75}, ws = w.toDoubleArray();
        for (int i = 0; i < 12; i++) {
            double expected = m[i / 4] * 2 * values[i] * ws[i];
            assertEquals(expected, g1[i], 1e-12, "hook, element " + i);
            assertEquals(expected, g2[i], 1e-12, "route, element " + i);
            assertEquals(expected, g3[i], 1e-12, "reference formula, element " + i);
        }
    }
}
