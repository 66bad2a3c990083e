package consumer;

import dev.sluice.Sluice;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.AdamW;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * Trains an MLP the way a consumer would: two interleaved spirals, 2 → 32 → 32 → 2, AdamW, full batch. Returns the
 * training accuracy, which a working engine brings above 0.95 in 300 steps.
 */
public final class TrainMlp {
    private TrainMlp() {}

    public static double run() {
        Sluice.setThreads(2);
        Generator gen = new Generator(1);
        int n = 400;
        float[] xy = new float[2 * n];
        long[] label = new long[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            double r = 0.2 + 0.8 * (i / 2) / (double) (n / 2), a = 3.5 * r + Math.PI * c;
            xy[2 * i] = (float) (r * Math.cos(a) + 0.02 * rnd.nextGaussian());
            xy[2 * i + 1] = (float) (r * Math.sin(a) + 0.02 * rnd.nextGaussian());
            label[i] = c;
        }
        Tensor x = Tensor.of(xy, n, 2), y = Tensor.of(label, n);
        MLP model = new MLP(new int[] {2, 32, 32, 2}, Activation.TANH, gen);
        AdamW opt = new AdamW(model.parameters(), 0.03, 0.9, 0.999, 1e-8, 0.0);
        for (int step = 0; step < 300; step++) {
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        long[] predicted = model.forward(x).argmax(1).toLongArray();
        int correct = 0;
        for (int i = 0; i < n; i++) if (predicted[i] == label[i]) correct++;
        return correct / (double) n;
    }
}
