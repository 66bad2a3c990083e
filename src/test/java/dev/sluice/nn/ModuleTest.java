package dev.sluice.nn;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTest {
    /** A module with a buffer, to check buffers travel in the state dict. */
    static final class WithBuffer extends Module {
        final MLP mlp;
        final Tensor count;

        WithBuffer(Generator gen) {
            mlp = register("mlp", new MLP(new int[] {3, 4, 2}, Activation.RELU, gen));
            count = registerBuffer("count", Tensor.zeros(DType.INT64, 1));
        }

        @Override
        public Tensor forward(Tensor x) { return mlp.forward(x); }
    }

    @Test
    void namesAreDottedAndStable() {
        WithBuffer m = new WithBuffer(new Generator(1));
        assertEquals(List.of("mlp.fc0.weight", "mlp.fc0.bias", "mlp.fc1.weight", "mlp.fc1.bias"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("mlp.fc0.weight", "mlp.fc0.bias", "mlp.fc1.weight", "mlp.fc1.bias", "count"),
                List.copyOf(m.stateDict().keySet()));
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, m.parameterCount());
        assertEquals(List.of("mlp.hidden0", "mlp.out"), List.copyOf(m.hookPoints().keySet()));
        assertTrue(m.parameters().stream().allMatch(Tensor::requiresGrad));
        Sequential s = new Sequential(new Linear(2, 2, false, new Generator(0)), new ActivationLayer(Activation.TANH));
        assertEquals(List.of("0.weight"), List.copyOf(s.stateDict().keySet()));
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }

    private static void assertSameState(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), k);
    }

    @Test
    void stateDictRoundTrip() {
        WithBuffer a = new WithBuffer(new Generator(1));
        a.count.fill_(7);
        WithBuffer b = new WithBuffer(new Generator(2));
        assertNotEquals(a.mlp.layer(0).weight().toDoubleArray()[0], b.mlp.layer(0).weight().toDoubleArray()[0]);
        b.loadStateDict(a.stateDict());
        assertSameState(a.stateDict(), b.stateDict());
        Tensor x = Tensor.randn(new Generator(3), DType.FLOAT32, 5, 3);
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
        // loaded values are copies: changing the source does not change the target
        a.count.fill_(1);
        assertEquals(7, b.count.item());
        // parameters stay trainable leaves after loading
        assertTrue(b.mlp.layer(0).weight().requiresGrad());
    }

    private static void assertRejected(Map<String, Tensor> bad, String... fragments) {
        WithBuffer target = new WithBuffer(new Generator(5));
        Map<String, Tensor> before = copyOf(target.stateDict());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(bad));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), () -> "'" + f + "' not in: " + e.getMessage());
        assertSameState(before, target.stateDict()); // nothing copied
    }

    @Test
    void loadStateDictValidatesEverythingBeforeCopying() {
        Map<String, Tensor> good = copyOf(new WithBuffer(new Generator(9)).stateDict());

        Map<String, Tensor> missing = new HashMap<>(good);
        missing.remove("mlp.fc1.bias");
        assertRejected(missing, "missing key 'mlp.fc1.bias'", "[2]");

        Map<String, Tensor> unexpected = new HashMap<>(good);
        unexpected.put("mlp.fc2.weight", Tensor.zeros(2, 2));
        assertRejected(unexpected, "unexpected key 'mlp.fc2.weight'");

        Map<String, Tensor> shape = new LinkedHashMap<>(good);
        shape.put("mlp.fc0.weight", Tensor.zeros(3, 4));
        assertRejected(shape, "shape mismatch for 'mlp.fc0.weight'", "expected [4, 3]", "got [3, 4]");

        Map<String, Tensor> dtype = new LinkedHashMap<>(good);
        dtype.put("count", Tensor.zeros(DType.FLOAT32, 1));
        assertRejected(dtype, "dtype mismatch for 'count'", "expected int64", "got float32");
    }

    @Test
    void trainEvalAndFreeze() {
        WithBuffer m = new WithBuffer(new Generator(1));
        assertTrue(m.isTraining() && m.mlp.isTraining());
        m.eval();
        assertFalse(m.isTraining() || m.mlp.isTraining() || m.mlp.layer(0).isTraining());
        m.train();
        assertTrue(m.mlp.layer(1).isTraining());

        m.mlp.layer(0).freeze();
        Tensor loss = m.forward(Tensor.ones(2, 3)).sum();
        loss.backward();
        assertNull(m.mlp.layer(0).weight().grad());
        assertNotNull(m.mlp.layer(1).weight().grad());
        m.zeroGrad();
        assertNull(m.mlp.layer(1).weight().grad());
        m.unfreeze();
        assertTrue(m.mlp.layer(0).weight().requiresGrad());
    }

    @Test
    void hookPointReplacesActivation() {
        MLP mlp = new MLP(new int[] {2, 3, 1}, Activation.RELU, new Generator(4));
        Tensor x = Tensor.ones(1, 2);
        mlp.hookPoints().get("hidden0").setHook(h -> h.mul(0.0));
        // with zeroed hidden activations the output is the last bias
        assertArrayEquals(mlp.layer(1).bias().toFloatArray(), mlp.forward(x).reshape(-1).toFloatArray(), 1e-7f);
        mlp.clearHooks();
        assertNotEquals(mlp.layer(1).bias().item(), mlp.forward(x).item());
    }

    @Test
    void dropoutFollowsTrainingMode() {
        Dropout d = new Dropout(0.5, new Generator(11));
        Tensor x = Tensor.ones(1000);
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(2f, v);
        }
        assertTrue(zeros > 400 && zeros < 600, "zeros: " + zeros);
        d.eval();
        assertArrayEquals(x.toFloatArray(), d.forward(x).toFloatArray());
    }
}
