package dev.sluice.nn;

import dev.sluice.optim.Adam;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MLPTrainingTest {
    @Test
    void learnsXor() {
        MLP mlp = new MLP(new int[] {2, 8, 1}, Activation.TANH, new Generator(42));
        Tensor x = Tensor.matrix(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.matrix(new float[][] {{0}, {1}, {1}, {0}});
        Adam opt = new Adam(mlp.parameters(), 0.05);
        double loss = Double.NaN;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            Tensor l = Losses.binaryCrossEntropyWithLogits(mlp.forward(x), y);
            l.backward();
            opt.step();
            loss = l.item();
        }
        assertTrue(loss < 0.02, "final loss " + loss);
        float[] p = mlp.forward(x).sigmoid().toFloatArray();
        assertTrue(p[0] < 0.1 && p[1] > 0.9 && p[2] > 0.9 && p[3] < 0.1);
    }
}
