package dev.sluice.cli;

import dev.sluice.experiments.FashionMnistTraining;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import dev.sluice.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sluice train fashion-mnist}: the main training demo. */
@Command(name = "train", description = "Train a model on a real data set and report test accuracy.")
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TASK", description = "The task to train; available: fashion-mnist.")
    String task;

    @Option(names = "--epochs", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = "--batch-size", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--lr", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 1e-3;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = 1e-4;

    @Option(names = "--seed", description = "Seed for initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory with the four Fashion-MNIST IDX files (default: the Debian package's, ${DEFAULT-VALUE}).")
    Path data = dev.sluice.io.FashionMnist.defaultDirectory();

    @Option(names = "--train-limit", description = "Use only the first N training images (0 = all 60000).")
    int trainLimit = 0;

    @Option(names = "--test-limit", description = "Evaluate on only the first N test images (0 = all 10000).")
    int testLimit = 0;

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON to FILE (atomically).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!task.equals("fashion-mnist")) {
            System.err.println("sluice train: unknown task '" + task + "'; available: fashion-mnist");
            return 2;
        }
        Device on = device.resolve("train");
        if (on == null) return 2;
        var cfg = new FashionMnistTraining.Config(data, epochs, batchSize, lr, weightDecay, seed, trainLimit, testLimit,
                new int[] {512, 256}, on);
        System.out.printf(Locale.ROOT, "training MLP 784-512-256-10 on Fashion-MNIST (%s): %d epochs, batch %d, AdamW lr %s, on %s%n",
                data, epochs, batchSize, lr, on);
        FashionMnistTraining.Result result;
        try {
            result = FashionMnistTraining.run(cfg, e -> System.out.printf(Locale.ROOT,
                    "epoch %2d  loss %.4f  train acc %.4f  test acc %.4f  %.1f s  %,.0f examples/s%n",
                    e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testAccuracy(), e.seconds(), e.examplesPerSecond()));
        } catch (NoSuchFileException missing) {
            System.err.println("sluice train: " + missing.getMessage());
            return 1;
        }
        System.out.printf(Locale.ROOT, "test accuracy %.4f after %d epochs, %.1f s, %,.0f examples/s (kernels %s, %d threads)%n",
                result.testAccuracy(), result.epochs().size(), result.seconds(), result.examplesPerSecond(),
                result.kernels(), result.threads());
        if (out != null) {
            AtomicFiles.writeString(out, Json.write(result.toJson()) + "\n");
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
