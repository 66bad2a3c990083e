package dev.sluice.methods.routing;

import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ParameterRoutingTest {
    private final Tensor x = Tensor.randn(new Generator(3), DType.FLOAT32, 16, 6);
    private final Tensor y = Tensor.randn(new Generator(4), DType.FLOAT32, 16, 3);

    private static MLP model() { return new MLP(new int[] {6, 8, 3}, Activation.GELU, new Generator(1)); }

    @Test
    void parametersOutsideTheRegionGetExactlyZeroFromRoutedAwayData() {
        MLP mlp = model();
        ParameterRouting routing = ParameterRouting.of(mlp).set("forget", name -> name.startsWith("fc0."), 0.0);
        routing.backward("forget", Losses.mse(mlp.forward(x), y));
        for (float g : mlp.layer(0).weight().grad().toFloatArray()) assertEquals(0f, g, 0f); // ±0
        for (float g : mlp.layer(0).bias().grad().toFloatArray()) assertEquals(0f, g, 0f);
        assertTrue(maxAbs(mlp.layer(1).weight().grad()) > 1e-4, "the region itself still learns");
    }

    @Test
    void rowRegionsAndRetainPartitionsBehaveExactly() {
        MLP plain = model();
        Losses.mse(plain.forward(x), y).backward();
        float[] plainW0 = plain.layer(0).weight().grad().toFloatArray();

        MLP mlp = model();
        // forget data may only change hidden units 6 and 7 (rows 6..7 of fc0.weight); retain data is unrestricted
        float[] rows = new float[8];
        rows[6] = 1;
        rows[7] = 1;
        ParameterRouting routing = ParameterRouting.of(mlp).set("forget", "fc0.weight", Tensor.of(rows, 8, 1));
        routing.backward("forget", Losses.mse(mlp.forward(x), y));
        float[] g = mlp.layer(0).weight().grad().toFloatArray();
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 6; c++) {
                assertEquals(r >= 6 ? plainW0[r * 6 + c] : 0f, g[r * 6 + c], 0f, "row " + r + " col " + c);
            }
        }
        mlp.zeroGrad();
        routing.backward("retain", Losses.mse(mlp.forward(x), y));
        assertArrayEquals(plainW0, mlp.layer(0).weight().grad().toFloatArray(), "a partition without multipliers is ordinary backprop");
        // the scope was closed: later plain backward passes are unrouted
        mlp.zeroGrad();
        Losses.mse(mlp.forward(x), y).backward();
        assertArrayEquals(plainW0, mlp.layer(0).weight().grad().toFloatArray());
    }

    @Test
    void negativeMultipliersReverseTheGradient() {
        MLP plain = model();
        Losses.mse(plain.forward(x), y).backward();
        MLP mlp = model();
        ParameterRouting.of(mlp).set("forget", n -> n.equals("fc1.bias"), -0.75).backward("forget", Losses.mse(mlp.forward(x), y));
        float[] a = plain.layer(1).bias().grad().toFloatArray(), b = mlp.layer(1).bias().grad().toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(-0.75f * a[i], b[i], 1e-7f);
    }

    @Test
    void badRegionsAreClearErrors() {
        MLP mlp = model();
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterRouting.of(mlp).set("f", "fc9.weight", Tensor.ones(1)));
        assertTrue(e.getMessage().contains("fc0.weight"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> ParameterRouting.of(mlp).set("f", "fc0.weight", Tensor.ones(6, 1)));
        assertTrue(e2.getMessage().contains("[6, 1]") && e2.getMessage().contains("[8, 6]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParameterRouting.of(mlp).set("f", n -> n.startsWith("nope"), 0));
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toFloatArray()) m = Math.max(m, Math.abs(v));
        return m;
    }
}
