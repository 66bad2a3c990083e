package dev.sluice.cli;

import dev.sluice.experiments.FashionMnistTraining;
import dev.sluice.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code sluice train fashion-mnist}: the main training demo. */
@Command(name = "train", description = "Train a model on a real data set and report test accuracy.")
final class TrainCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "TASK", description = "The task to train; available: fashion-mnist.")
    String task;

    @Option(names = "--epochs", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs = 5;

    @Option(names = "--batch-size", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize = 128;

    @Option(names = "--lr", description = "AdamW learning rate, > 0 (default: ${DEFAULT-VALUE}).")
    double lr = 1e-3;

    @Option(names = "--weight-decay", description = "AdamW decoupled weight decay, >= 0 (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the results as JSON to FILE (atomically; relative to the current directory).")
    Path out;

    private Device on;

    @Override
    void validate() {
        if (!task.equals("fashion-mnist")) throw new UserError("unknown task '" + task + "'; available: fashion-mnist");
        Check.positive("--epochs", epochs);
        Check.positive("--batch-size", batchSize);
        Check.finitePositive("--lr", lr);
        Check.finiteNonNegative("--weight-decay", weightDecay);
        Check.nonNegative("--train-limit", trainLimit);
        Check.nonNegative("--test-limit", testLimit);
        Check.writableOut("--out", out);
        on = device.resolve();
        Check.fashionMnist("--data", data);
    }

    @Override
    int execute() throws IOException {
        var cfg = new FashionMnistTraining.Config(data, epochs, batchSize, lr, weightDecay, seed, trainLimit, testLimit,
                new int[] {512, 256}, on);
        out().printf(Locale.ROOT, "training MLP 784-512-256-10 on Fashion-MNIST (%s): %d epochs, batch %d, AdamW lr %s, on %s%n",
                data, epochs, batchSize, Check.show(lr), on);
        FashionMnistTraining.Result result = FashionMnistTraining.run(cfg, e -> out().printf(Locale.ROOT,
                "epoch %2d  loss %.4f  train acc %.4f  test acc %.4f  %.1f s  %,.0f examples/s%n",
                e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testAccuracy(), e.seconds(), e.examplesPerSecond()));
        var diverged = result.diverged();
        if (diverged == null) {
            out().printf(Locale.ROOT, "test accuracy %.4f after %d epochs, %.1f s, %,.0f examples/s (kernels %s, %d threads)%n",
                    result.testAccuracy(), result.epochs().size(), result.seconds(), result.examplesPerSecond(),
                    result.kernels(), result.threads());
        }
        if (out != null) {
            Results.write(out, result.toJson(), false);
            if (diverged == null) out().println("wrote " + out);
        }
        if (diverged != null) {
            err().printf(Locale.ROOT, "%s: loss went non-finite (%s) at epoch %d step %d (lr %s); %s%n", name(),
                    diverged.loss(), diverged.epoch(), diverged.step(), Check.show(lr),
                    out != null ? "results written to " + out : "no results written (no --out)");
            return 1;
        }
        return 0;
    }
}
