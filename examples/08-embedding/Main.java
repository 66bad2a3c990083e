// sluice-example: class-path
// Example 08: Sluice inside a plain Java application, on the class path, as a service that loads a saved model.
//   ./sluice example 08 [--model model.safetensors] [--threads N] [--short]
// which runs what an application would:
//   java --add-modules jdk.incubator.vector -cp target/sluice-0.1.0-SNAPSHOT.jar examples/08-embedding/Main.java
// On the class path the JDK does not load the Vector API module unless --add-modules names it; without it Sluice
// would fall back to its plain-Java kernels (~20x slower). Strict mode turns that silent slowness into an error.
// --model takes a file written by example 02 (--save); without it, this example trains a small model first.
import dev.sluice.KernelInfo;
import dev.sluice.Sluice;
import dev.sluice.autograd.GradMode;
import dev.sluice.data.Batch;
import dev.sluice.data.DataLoader;
import dev.sluice.data.TensorDataset;
import dev.sluice.io.FashionMnist;
import dev.sluice.io.SafeTensors;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Checkpoints;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

public class Main {
    /** What an application would write: load once, then answer requests. Holds no Sluice type in its API. */
    static final class ClothingClassifier {
        private final MLP model;

        private ClothingClassifier(MLP model) { this.model = model; }

        /** Reads the layer sizes from the checkpoint's metadata, builds that MLP and loads the weights into it. */
        static ClothingClassifier load(Path file) throws Exception {
            String sizes = SafeTensors.read(file).metadata().get("sizes");
            if (sizes == null) throw new IllegalArgumentException(file + " has no 'sizes' metadata (save it as example 02 does)");
            MLP model = new MLP(Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray(), Activation.RELU, new Generator(0));
            Checkpoints.load(model, file);          // checks every name and shape before copying anything
            model.eval();
            return new ClothingClassifier(model);
        }

        record Prediction(String label, double probability) {}

        /** Classifies one 28×28 image given as 784 pixels in [0, 1]. */
        Prediction predict(float[] pixels) {
            try (var noGrad = GradMode.noGrad()) {       // inference: record no graph
                float[] p = model.forward(Tensor.of(pixels, 1, 784)).softmax(1).toFloatArray();
                int best = 0;
                for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
                return new Prediction(FashionMnist.CLASS_NAMES.get(best), p[best]);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--short");
        Sluice.setThreads(a.contains("--threads") ? Integer.parseInt(a.get(a.indexOf("--threads") + 1)) : 2);
        Sluice.setStrictKernels(true);                  // refuse the scalar fallback
        KernelInfo k;
        try {
            k = Sluice.kernels();                       // in strict mode this throws when the Vector API is missing
        } catch (IllegalStateException e) {             // fail at start-up, not 20x slower in production
            System.err.println("cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf("Sluice kernels: %s (%s), %d threads, strict mode %s%n", k.name(), k.details(), Sluice.threads(), Sluice.strictKernels());

        Path file;
        if (a.contains("--model")) {
            file = Path.of(a.get(a.indexOf("--model") + 1));
        } else {
            file = Files.createTempFile("sluice-example-08-", ".safetensors");
            file.toFile().deleteOnExit();
            trainAndSave(file, quick ? 1000 : 10000);
        }

        ClothingClassifier service = ClothingClassifier.load(file);
        FashionMnist.Split test = FashionMnist.load(false);
        int n = quick ? 200 : test.count(), correct = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            float[] pixels = Arrays.copyOfRange(test.images(), i * 784, (i + 1) * 784);
            var p = service.predict(pixels);
            if (p.label().equals(FashionMnist.CLASS_NAMES.get(test.labels()[i]))) correct++;
            if (i < 5) System.out.printf("image %d: %-12s p=%.2f  (true: %s)%n", i, p.label(), p.probability(), FashionMnist.CLASS_NAMES.get(test.labels()[i]));
        }
        System.out.printf("%d test images one at a time: accuracy %.3f, %.3f ms per prediction%n",
                n, (double) correct / n, (System.nanoTime() - t0) / 1e6 / n);
    }

    /** A stand-in for the training job that would normally produce the file (see example 02). */
    static void trainAndSave(Path file, int images) throws Exception {
        FashionMnist.Split train = FashionMnist.load(true);
        var data = new TensorDataset(train.imagesTensor(), train.labelsTensor()).head(images);
        Generator gen = new Generator(0);
        MLP model = new MLP(new int[] {784, 128, 10}, Activation.RELU, gen);
        Adam opt = new Adam(model.parameters(), 1e-3);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (Batch b : new DataLoader(data, 64, true, false, gen)) {
                opt.zeroGrad();
                Losses.crossEntropy(model.forward(b.inputs()), b.targets()).backward();
                opt.step();
            }
        }
        Checkpoints.save(model, file, Map.of("sizes", "784,128,10"));
        System.out.printf("trained a 784-128-10 MLP on %d images for 2 epochs, saved to %s%n", images, file);
    }
}
