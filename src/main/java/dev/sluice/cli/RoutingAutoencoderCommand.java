package dev.sluice.cli;

import dev.sluice.experiments.routing.PartitionedAutoencoder;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.FashionMnist;
import dev.sluice.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sluice routing autoencoder}: the partitioned-latent autoencoder, routed vs control. */
@Command(name = "autoencoder", description = "Split a Fashion-MNIST autoencoder's latent by class group with gradient routing; "
        + "compare with an unrouted control using certificate decoders (papers.md §1.5).")
final class RoutingAutoencoderCommand implements Callable<Integer> {
    @Option(names = "--group-a", split = ",", paramLabel = "CLASSES",
            description = "Classes routed to the first latent half; the rest go to the second (default: 0,1,2,3,4).")
    int[] groupA = {0, 1, 2, 3, 4};

    @Option(names = "--epochs", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--seed", description = "Seed for initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--train-limit", description = "Use only the first N training images (0 = all 60000).")
    int trainLimit = 0;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.defaultDirectory();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the reconstructions figure as PNG (default: ${DEFAULT-VALUE}).")
    Path figure = Path.of("routing-autoencoder.png");

    @Override
    public Integer call() throws Exception {
        var d = PartitionedAutoencoder.Config.defaults();
        var cfg = new PartitionedAutoencoder.Config(data, groupA, epochs, d.batchSize(), d.lr(), d.l2(), d.latentL1(), seed, trainLimit, 0);
        System.out.printf(Locale.ROOT, "partitioned autoencoder: group A = %s, %d epochs, seed %d; routed run, then control%n",
                Arrays.toString(groupA), epochs, seed);
        PartitionedAutoencoder.Result r;
        try {
            r = PartitionedAutoencoder.run(cfg, figure, p -> System.out.printf(Locale.ROOT, "%-7s epoch %2d  loss %.4f  %.1f s%n",
                    p.run(), p.epoch(), p.loss(), p.seconds()));
        } catch (NoSuchFileException missing) {
            System.err.println("sluice routing autoencoder: " + missing.getMessage() + " (install the Debian package dataset-fashion-mnist)");
            return 1;
        }
        System.out.println();
        System.out.println("                     rho z[0:16]  rho z[16:32]  decoder MAE A  decoder MAE B");
        for (var e : new Object[][] {{"routed", r.routed()}, {"control", r.control()}}) {
            var ev = (PartitionedAutoencoder.Evaluation) e[1];
            System.out.printf(Locale.ROOT, "%-20s %11.3f  %12.3f  %13.4f  %13.4f%n", e[0], ev.rho(0), ev.rho(1), ev.decoderMae()[0], ev.decoderMae()[1]);
        }
        System.out.printf(Locale.ROOT, "%-20s %11.3f  %12.3f  %13.4f  %13.4f%n", "note (routed)", 1.84, 1.50, 0.161, 0.180);
        System.out.printf(Locale.ROOT, "%-20s %11.3f  %12.3f  %13.4f  %13.4f%n", "note (control)", 1.14, 0.85, 0.156, 0.179);
        System.out.printf(Locale.ROOT, "criteria: rho >= 1.30 %s, rho gain >= 0.30 %s, decoder MAE <= 1.15x control %s -> %s (%.0f s)%n",
                r.rhoAtLeast130(), r.rhoGainAtLeast030(), r.decoderWithin115(), r.passed() ? "PASS" : "FAIL", r.seconds());
        AtomicFiles.writeString(out, Json.write(r.toJson()) + "\n");
        System.out.println("wrote " + out + (figure != null ? " and " + figure : ""));
        return r.passed() ? 0 : 3;
    }
}
