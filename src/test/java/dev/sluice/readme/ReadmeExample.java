package dev.sluice.readme;

import dev.sluice.nn.Linear;
import dev.sluice.nn.Losses;
import dev.sluice.optim.SGD;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * The code example of README.md, verbatim between the markers: {@link ReadmeExampleTest} checks that the README shows
 * exactly this code and that it does what the README says.
 */
final class ReadmeExample {
    record Outcome(float[] learnedWeight, Tensor weight, Tensor bias, float biasBeforeFreeze) {}

    static Outcome run() {
        // README-BEGIN
        Generator gen = new Generator(42);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 256, 3);                      // inputs [256, 3]
        Tensor y = x.matmul(Tensor.of(new float[] {2, -1, 0.5f}, 3, 1)).add(0.1); // targets [256, 1]
        Linear model = new Linear(3, 1, true, gen);
        SGD opt = new SGD(model.parameters(), 0.1);
        for (int step = 0; step < 200; step++) {
            Tensor loss = Losses.mse(model.forward(x), y);
            opt.zeroGrad();
            loss.backward();                      // gradients accumulate into model.weight().grad()
            opt.step();
        }
        System.out.println(model.weight());       // ≈ [[2, -1, 0.5]]
        // README-PAUSE
        float[] learned = model.weight().toFloatArray();
        // README-RESUME

        // Decide where gradients flow: a hook replaces the bias gradient with zeros, so further
        // SGD steps leave the bias where it is. The handle removes the hook again.
        float biasBefore = (float) model.bias().item();
        var handle = model.bias().registerHook(g -> g.mul(0));
        for (int step = 0; step < 10; step++) {
            Tensor loss = Losses.mse(model.forward(x), y.add(1));   // a shifted target pulls on the bias...
            opt.zeroGrad();
            loss.backward();
            opt.step();                                              // ...but it does not move
        }
        handle.remove();
        // README-END
        return new Outcome(learned, model.weight(), model.bias(), biasBefore);
    }
}
