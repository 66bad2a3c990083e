package dev.sluice.cli;

import dev.sluice.experiments.routing.PartitionedAutoencoder;
import dev.sluice.io.FashionMnist;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code sluice routing autoencoder}: the partitioned-latent autoencoder, routed vs control. */
@Command(name = "autoencoder", description = "Split a Fashion-MNIST autoencoder's latent by class group with gradient routing; "
        + "compare with an unrouted control using certificate decoders (papers.md §1.5).")
final class RoutingAutoencoderCommand extends CliCommand {
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

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE",
            description = "Write the reconstructions figure as PNG (default: next to --out, BASE-reconstructions.png).")
    Path figure;

    @Override
    void validate() {
        if (groupA.length == 0 || groupA.length > 9) throw new UserError("--group-a must list between 1 and 9 of the classes 0..9, got " + groupA.length);
        boolean[] seen = new boolean[10];
        for (int c : groupA) {
            Check.inRange("--group-a class", c, 0, 9);
            if (seen[c]) throw new UserError("--group-a lists class " + c + " twice");
            seen[c] = true;
        }
        Check.positive("--epochs", epochs);
        Check.nonNegative("--train-limit", trainLimit);
        Check.writableOut("--out", out);
        if (figure == null) figure = Results.figureNextTo(out, "reconstructions");
        Check.writableOut("--figure", figure);
        Check.fashionMnist("--data", data);
    }

    @Override
    int execute() throws Exception {
        var d = PartitionedAutoencoder.Config.defaults();
        var cfg = new PartitionedAutoencoder.Config(data, groupA, epochs, d.batchSize(), d.lr(), d.l2(), d.latentL1(), seed, trainLimit, 0);
        var o = out();
        o.printf(Locale.ROOT, "partitioned autoencoder: group A = %s, %d epochs, seed %d; routed run, then control%n",
                Arrays.toString(groupA), epochs, seed);
        // the figure is drawn from the trained models inside run(), so it is written before the results
        PartitionedAutoencoder.Result r = PartitionedAutoencoder.run(cfg, figure, p -> o.printf(Locale.ROOT, "%-7s epoch %2d  loss %.4f  %.1f s%n",
                p.run(), p.epoch(), p.loss(), p.seconds()));
        o.println();
        o.println("                     rho z[0:16]  rho z[16:32]  decoder MAE A  decoder MAE B");
        for (var e : new Object[][] {{"routed", r.routed()}, {"control", r.control()}}) {
            var ev = (PartitionedAutoencoder.Evaluation) e[1];
            o.printf(Locale.ROOT, "%-20s %11.3f  %12.3f  %13.4f  %13.4f%n", e[0], ev.rho(0), ev.rho(1), ev.decoderMae()[0], ev.decoderMae()[1]);
        }
        o.printf(Locale.ROOT, "%-20s %11.3f  %12.3f  %13.4f  %13.4f%n", "note (routed)", 1.84, 1.50, 0.161, 0.180);
        o.printf(Locale.ROOT, "%-20s %11.3f  %12.3f  %13.4f  %13.4f%n", "note (control)", 1.14, 0.85, 0.156, 0.179);
        o.printf(Locale.ROOT, "criteria: rho >= 1.30 %s, rho gain >= 0.30 %s, decoder MAE <= 1.15x control %s -> %s (%.0f s)%n",
                r.rhoAtLeast130(), r.rhoGainAtLeast030(), r.decoderWithin115(), r.passed() ? "PASS" : "FAIL", r.seconds());
        if (Results.write(out, r.toJson(), false)) {
            err().println(name() + ": " + Results.divergedLine(out) + "; figure " + figure);
            return 1;
        }
        o.println("wrote " + out + " and " + figure);
        return r.passed() ? 0 : 3;
    }
}
