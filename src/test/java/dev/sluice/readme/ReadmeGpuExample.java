package dev.sluice.readme;

import dev.sluice.nn.GPT;
import dev.sluice.nn.Losses;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/** README.md's GPU example, verbatim between the markers (checked by {@link ReadmeExampleTest}, run by {@link GpuReadmeExampleTest}). */
final class ReadmeGpuExample {
    record Outcome(double loss, Device gradientDevice, float[] firstGradient) {}

    /** The example on {@code on} (the README shows it with Device.cuda(0)). */
    static Outcome run(Device on) {
        Device gpu = on;
        // GPU-BEGIN
        GPT model = new GPT(new GPT.Config(16, 16, 32, 2, 2, 0.0), new Generator(7)).to(gpu);   // parameters move in place
        Tensor tokens = Tensor.of(new long[] {1, 2, 3, 4}, 1, 4).to(gpu);                     // inputs must be there too
        Tensor loss = Losses.crossEntropy(model.forward(tokens), Tensor.of(new long[] {2, 3, 4, 5}, 1, 4).to(gpu));
        loss.backward();                                                                       // gradients on cuda:0
        // GPU-END
        Tensor g = model.parameters().getFirst().grad();
        return new Outcome(loss.item(), g.device(), g.toFloatArray());
    }
}
