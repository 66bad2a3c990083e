package dev.sluice.methods.routing;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RouteOpTest {
    private static final double[] MASK_VALUES = {0, 1, -0.75, 0.3};

    @Test
    void forwardReturnsTheInputBitForBit() {
        Tensor x = Tensor.randn(new Generator(1), DType.FLOAT32, 4, 5).requiresGrad(true);
        Tensor y = x.route(Tensor.full(-0.75, 4, 1));
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        assertArrayEquals(x.shape(), y.shape());
        assertNotNull(y.gradFn(), "route must record a node so that backward sees the mask");
    }

    @Test
    void gradientIsMaskTimesUpstreamForEachMaskValueAndBroadcastShape() {
        int[][] maskShapes = {{4, 3, 5}, {4, 1, 1}, {4, 3, 1}, {5}, {1}, {}};
        for (double v : MASK_VALUES) {
            for (int[] ms : maskShapes) {
                Generator gen = new Generator(7);
                Tensor x = Tensor.randn(gen, DType.FLOAT32, 4, 3, 5).requiresGrad(true);
                // a mask mixing the value under test with other entries, so broadcasting errors would show
                Tensor mask = Tensor.rand(gen, DType.FLOAT32, ms).mul(v);
                Tensor g = Tensor.randn(gen, DType.FLOAT32, 4, 3, 5);
                x.route(mask).backward(g);
                float[] expected = g.mul(mask).toFloatArray();
                assertArrayEquals(expected, x.grad().toFloatArray(), "mask value " + v + ", mask shape " + java.util.Arrays.toString(ms));
            }
        }
    }

    @Test
    void equalsValueAndGradientOfTheDetachFormulation() {
        for (double v : MASK_VALUES) {
            Generator gen = new Generator(3);
            Tensor a = Tensor.randn(gen, DType.FLOAT64, 6, 4);
            Tensor mask = Tensor.full(v, DType.FLOAT64, 6, 1).mul(Tensor.rand(gen, DType.FLOAT64, 6, 1).add(0.5));
            Tensor w = Tensor.randn(gen, DType.FLOAT64, 6, 4);

            Tensor x1 = a.clone().requiresGrad(true);
            Tensor y1 = x1.tanh().route(mask);
            y1.mul(y1).mul(w).sum().backward();

            Tensor x2 = a.clone().requiresGrad(true);
            Tensor t = x2.tanh();
            Tensor y2 = t.mul(mask).add(t.detach().mul(mask.neg().add(1.0)));
            y2.mul(y2).mul(w).sum().backward();

            double[] v1 = y1.toDoubleArray(), v2 = y2.toDoubleArray();
            for (int i = 0; i < v1.length; i++) assertEquals(v2[i], v1[i], 1e-15, "value, mask " + v);
            double[] g1 = x1.grad().toDoubleArray(), g2 = x2.grad().toDoubleArray();
            for (int i = 0; i < g1.length; i++) assertEquals(g2[i], g1[i], 1e-12, "gradient, mask " + v);
        }
    }

    /**
     * Float64 gradient check of the routed rule: for L(x) = h(route(f(x), m)) the routed gradient must equal
     * J_fᵀ·(m ⊙ ∇h) where ∇h and J_f come from central finite differences (route itself is the identity to a finite
     * difference, so the check composes the numerical pieces explicitly).
     */
    @Test
    void float64GradcheckAgainstFiniteDifferences() {
        Generator gen = new Generator(11);
        int n = 6;
        double[] a = Tensor.randn(gen, DType.FLOAT64, n).toDoubleArray();
        double[] w = Tensor.randn(gen, DType.FLOAT64, n).toDoubleArray();
        double[] m = {0, 1, -0.75, 0.3, 0.3, -0.75};
        Tensor x = Tensor.of(a).requiresGrad(true);
        // f = sin-like smooth map (tanh), h = Σ w·y³
        Tensor y = x.tanh().route(Tensor.of(m));
        y.mul(y).mul(y).mul(Tensor.of(w)).sum().backward();
        double[] routed = x.grad().toDoubleArray();
        double eps = 1e-6;
        for (int i = 0; i < n; i++) {
            double fi = Math.tanh(a[i]);
            double dh = (w[i] * Math.pow(fi + eps, 3) - w[i] * Math.pow(fi - eps, 3)) / (2 * eps); // ∂h/∂y_i numerically
            double df = (Math.tanh(a[i] + eps) - Math.tanh(a[i] - eps)) / (2 * eps);          // ∂f_i/∂x_i numerically
            assertEquals(df * m[i] * dh, routed[i], 1e-6 + 1e-4 * Math.abs(routed[i]), "element " + i);
        }
    }

    @Test
    void maskOfOnesGivesABitIdenticalTrainingStep() {
        float[][] plain = trainThreeSteps(false), routed = trainThreeSteps(true);
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], routed[i], "parameter " + i);
    }

    private static float[][] trainThreeSteps(boolean routed) {
        Generator gen = new Generator(5);
        MLP mlp = new MLP(new int[] {8, 16, 16, 4}, Activation.RELU, gen);
        Adam opt = new Adam(mlp.parameters(), 1e-2);
        Tensor x = Tensor.randn(new Generator(9), DType.FLOAT32, 32, 8);
        Tensor y = Tensor.randn(new Generator(10), DType.FLOAT32, 32, 4);
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            Map<String, Tensor> masks = routed
                    ? Map.of("hidden0", Tensor.ones(32, 16), "hidden1", Tensor.ones(16), "out", Tensor.ones(32, 1))
                    : Map.of();
            try (var ignored = GradientRouting.apply(mlp, masks)) {
                Losses.mse(mlp.forward(x), y).backward();
            }
            opt.step();
        }
        List<Tensor> ps = mlp.parameters();
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) out[i] = ps.get(i).toFloatArray();
        return out;
    }

    @Test
    void routingOnlyChangesGradientsUpstreamOfTheHookPoint() {
        Generator gen = new Generator(2);
        MLP mlp = new MLP(new int[] {3, 4, 2}, Activation.TANH, gen);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 5, 3);
        Losses.mse(mlp.forward(x), Tensor.zeros(5, 2)).backward();
        float[] fc1Plain = mlp.layer(1).weight().grad().toFloatArray();
        mlp.zeroGrad();
        try (var ignored = GradientRouting.apply(mlp, Map.of("hidden0", Tensor.zeros(5, 4)))) {
            Losses.mse(mlp.forward(x), Tensor.zeros(5, 2)).backward();
        }
        // downstream layer unaffected, upstream layer blocked exactly
        assertArrayEquals(fc1Plain, mlp.layer(1).weight().grad().toFloatArray());
        for (float g : mlp.layer(0).weight().grad().toFloatArray()) assertEquals(0f, g, 0f); // ±0
        assertNull(mlp.hookPoints().get("hidden0").hook(), "closing the scope removes the hook");
    }

    @Test
    void badMasksAreClearErrors() {
        Tensor x = Tensor.randn(new Generator(1), DType.FLOAT32, 4, 5).requiresGrad(true);
        var e = assertThrows(IllegalArgumentException.class, () -> x.route(Tensor.ones(3, 4, 5)));
        assertTrue(e.getMessage().contains("route") && e.getMessage().contains("[3, 4, 5]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.route(Tensor.ones(4, 4)));
        var e2 = assertThrows(IllegalArgumentException.class, () -> x.route(Tensor.ones(DType.INT32, 5)));
        assertTrue(e2.getMessage().contains("INT32") || e2.getMessage().contains("int32"), e2.getMessage());
        MLP mlp = new MLP(new int[] {3, 4, 2}, Activation.TANH, new Generator(1));
        var e3 = assertThrows(IllegalArgumentException.class, () -> GradientRouting.apply(mlp, Map.of("hiden0", Tensor.ones(4))));
        assertTrue(e3.getMessage().contains("hidden0"), "lists the hook points: " + e3.getMessage());
    }

    @Test
    void routeUnderNoGradIsThePlainValue() {
        Tensor x = Tensor.randn(new Generator(1), DType.FLOAT32, 2, 2).requiresGrad(true);
        try (var ignored = GradMode.noGrad()) {
            Tensor y = x.route(Tensor.zeros(2, 2));
            assertNull(y.gradFn());
            assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        }
    }
}
