package dev.sluice.methods.undo;

import dev.sluice.nn.Activation;
import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Flops;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class UndoPiecesTest {
    @Test
    void gradDiffAndMaxEntCombineTheirTerms() {
        Tensor f = Tensor.randn(new Generator(1), DType.FLOAT64, 4, 6), r = Tensor.randn(new Generator(2), DType.FLOAT64, 4, 6);
        Tensor ft = Tensor.of(new long[] {0, 1, 2, 3}, 4), rt = Tensor.of(new long[] {5, 4, 3, 2}, 4);
        double ceF = Losses.crossEntropy(f, ft).item(), ceR = Losses.crossEntropy(r, rt).item();
        assertEquals(-ceF + 15 * ceR, UnlearningLosses.gradDiff(f, ft, r, rt, 15).item(), 1e-12);
        assertEquals(Losses.klToUniform(f, null).item() + ceR, UnlearningLosses.maxEnt(f, null, r, rt, 1).item(), 1e-12);
    }

    @Test
    void stopRuleChecksOnlyEveryKSteps() {
        int[] calls = {0};
        StopRule rule = new StopRule(20, () -> ++calls[0] >= 3);
        int stoppedAt = -1;
        for (int step = 1; step <= 100 && stoppedAt < 0; step++) if (rule.shouldStop(step)) stoppedAt = step;
        assertEquals(60, stoppedAt);
        assertEquals(3, rule.checks());
    }

    @Test
    void freezeExceptTrainsOnlyTheMatchingParameters() {
        MLP m = new MLP(new int[] {3, 4, 2}, Activation.RELU, new Generator(1));
        List<Tensor> trainable = m.freezeExcept(n -> n.startsWith("fc1."));
        assertEquals(2, trainable.size());
        assertFalse(m.layer(0).weight().requiresGrad());
        Losses.mse(m.forward(Tensor.ones(2, 3)), Tensor.zeros(2, 2)).backward();
        assertNull(m.layer(0).weight().grad());
        assertNotNull(m.layer(1).weight().grad());
        assertThrows(IllegalArgumentException.class, () -> m.freezeExcept(n -> false));
        assertTrue(m.layer(1).weight().requiresGrad(), "a failed call changes nothing");
    }

    @Test
    void matmulFlopsAreCounted() {
        long before = Flops.matmul();
        Tensor a = Tensor.ones(3, 4).requiresGrad(true);
        a.matmul(Tensor.ones(4, 5)).sum().backward(); // forward 2·3·5·4, backward dA = g·Bᵀ: 2·3·4·5
        assertEquals(2 * 2 * 3 * 4 * 5, Flops.matmul() - before);
    }

    @Test
    void relearningAttackReportsTheBestLearningRatePerStepAndLeavesTheModelAlone() {
        MLP m = new MLP(new int[] {2, 8, 2}, Activation.TANH, new Generator(4));
        Map<String, Tensor> before = m.stateDictCopy();
        Tensor x = Tensor.randn(new Generator(5), DType.FLOAT32, 32, 2);
        Tensor y = x.narrow(1, 0, 1).gt(0).to(DType.INT64).reshape(32);
        var cfg = new RelearningAttack.Config(new double[] {1e-4, 3e-2}, 30, new int[] {0, 10, 30}, 0.9, 0.999, 1.0);
        var r = RelearningAttack.run(m, cfg, (model, step) -> Losses.crossEntropy(model.forward(x), y),
                model -> -Losses.crossEntropy(model.forward(x), y).item());
        double[] slow = r.curves().get(1e-4), fast = r.curves().get(3e-2);
        assertEquals(slow[0], fast[0], 1e-6, "step 0 is the untouched model for every learning rate");
        assertTrue(fast[2] > slow[2], "the larger rate relearns faster here");
        for (int i = 0; i < 3; i++) assertEquals(Math.max(slow[i], fast[i]), r.best()[i], 0);
        for (var e : m.stateDict().entrySet()) assertArrayEquals(before.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray());
    }

    @Test
    void rmuSteersForgetActivationsAndAnchorsRetainOnes() {
        GPT model = new GPT(new GPT.Config(10, 4, 8, 2, 2, 0.0), new Generator(1));
        Module frozen = model.deepCopy();
        Rmu rmu = new Rmu(model, frozen, "blocks.0.resid", 6.0, 100, 3);
        Tensor forget = Tensor.of(new long[] {1, 2, 3, 4}, 1, 4), retain = Tensor.of(new long[] {5, 6, 7, 8}, 1, 4);
        List<Tensor> params = model.freezeExcept(n -> n.startsWith("blocks.0.mlp."));
        Adam opt = new Adam(params, 1e-2);
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 60; step++) {
            opt.zeroGrad();
            Tensor loss = rmu.loss(forget, retain);
            if (step == 0) first = loss.item();
            last = loss.item();
            loss.backward();
            opt.step();
        }
        assertEquals(6.0, Math.sqrt(rmu.target().square().sum().item()), 1e-5, "target is c·u with |u| = 1");
        assertTrue(last < 0.8 * first, "RMU loss falls: " + first + " -> " + last);
        assertNull(model.block(1).mlp().layer(0).weight().grad(), "only chosen parameters train");
        assertThrows(IllegalArgumentException.class, () -> new Rmu(model, frozen, "nope", 6, 1, 0));
    }
}
