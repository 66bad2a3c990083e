// Example 02: a multi-layer perceptron on Fashion-MNIST (real data: the Debian package dataset-fashion-mnist).
//   ./sluice example 02 [--epochs N] [--save model.safetensors] [--short]
// --short trains on 2,000 images for 2 epochs and tests on 1,000 (what the test suite runs); the full run uses all
// 60,000 training and 10,000 test images. --save writes the trained weights for example 08 to load.
import dev.sluice.autograd.GradMode;
import dev.sluice.data.Batch;
import dev.sluice.data.DataLoader;
import dev.sluice.data.TensorDataset;
import dev.sluice.io.FashionMnist;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Checkpoints;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

public class Main {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--short");
        int epochs = a.contains("--epochs") ? Integer.parseInt(a.get(a.indexOf("--epochs") + 1)) : quick ? 2 : 5;
        Path save = a.contains("--save") ? Path.of(a.get(a.indexOf("--save") + 1)) : null;

        // The images arrive as [N, 784] floats in [0, 1], the labels as [N] int64 class indices.
        TensorDataset train = dataset(FashionMnist.load(true)), test = dataset(FashionMnist.load(false));
        if (quick) {
            train = train.head(2000);
            test = test.head(1000);
        }
        System.out.printf("train %d images, test %d images, %d epochs%n", train.size(), test.size(), epochs);

        Generator gen = new Generator(0);                       // seeds the initial weights and the shuffling
        int[] sizes = {784, 256, 128, 10};
        MLP model = new MLP(sizes, Activation.RELU, gen);       // 784 → 256 → ReLU → 128 → ReLU → 10 logits
        Adam opt = new Adam(model.parameters(), 1e-3);
        DataLoader loader = new DataLoader(train, 64, true, false, gen);
        System.out.printf("before training: test accuracy %.4f%n", accuracy(model, test));

        long t0 = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double lossSum = 0;
            int batches = 0;
            for (Batch b : loader) {
                Tensor loss = Losses.crossEntropy(model.forward(b.inputs()), b.targets()); // softmax + NLL, fused
                opt.zeroGrad();
                loss.backward();
                opt.step();
                lossSum += loss.item();
                batches++;
            }
            System.out.printf("epoch %d  train loss %.4f  test accuracy %.4f  (%.1f s)%n",
                    epoch, lossSum / batches, accuracy(model, test), (System.nanoTime() - t0) / 1e9);
        }
        if (save != null) {
            // the layer sizes go into the file's metadata, so a reader can rebuild the architecture (example 08)
            Checkpoints.save(model, save, Map.of("sizes", "784,256,128,10"));
            System.out.println("saved " + save);
        }
    }

    static TensorDataset dataset(FashionMnist.Split split) {
        return new TensorDataset(split.imagesTensor(), split.labelsTensor());
    }

    /** The fraction of examples whose largest logit is the true class. No graph is needed to evaluate. */
    static double accuracy(MLP model, TensorDataset data) {
        try (var noGrad = GradMode.noGrad()) {
            Tensor predicted = model.forward(data.inputs()).argmax(1);
            return predicted.eq(data.targets()).to(DType.FLOAT64).mean().item();
        }
    }
}
