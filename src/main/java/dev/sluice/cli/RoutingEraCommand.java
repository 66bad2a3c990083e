package dev.sluice.cli;

import dev.sluice.experiments.routing.ExpandRouteAblate;
import dev.sluice.experiments.routing.ExpandRouteAblate.Method;
import dev.sluice.experiments.routing.EraFigure;
import dev.sluice.io.AtomicFiles;
import dev.sluice.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sluice routing era}: Expand-Route-Ablate vs control vs data filtering on a small GPT. */
@Command(name = "era", description = "Expand-Route-Ablate on a small GPT over two synthetic story topics: ERA vs unrouted "
        + "control vs data filtering, at full and partial labelling, before and after a relearning attack.")
final class RoutingEraCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed for data, initialisation and sampling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--steps", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
    int steps = ExpandRouteAblate.Config.defaults().steps();

    @Option(names = "--label-fractions", split = ",", paramLabel = "F",
            description = "Fractions of forget stories that are labelled (default: 1.0,0.5).")
    double[] labelFractions = ExpandRouteAblate.Config.defaults().labelFractions();

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the losses figure as PNG (default: ${DEFAULT-VALUE}).")
    Path figure = Path.of("routing-era.png");

    @Override
    public Integer call() throws Exception {
        var cfg = ExpandRouteAblate.Config.defaults().withSeed(seed).withSteps(steps).withLabelFractions(labelFractions);
        dev.sluice.tensor.Device on = device.resolve("routing era");
        if (on == null) return 2;
        System.out.printf(Locale.ROOT, "ERA on a %d-layer GPT (d=%d), %d steps per run, label fractions %s, seed %d, on %s%n",
                cfg.nLayers(), cfg.dModel(), steps, Arrays.toString(labelFractions), seed, on);
        var r = ExpandRouteAblate.run(cfg, on, p -> {
            if (p.phase().equals("done")) System.out.printf(Locale.ROOT, "%-22s done: forget loss after method %.3f%n", p.run(), p.value());
            else if (p.step() % 500 == 0) System.out.printf(Locale.ROOT, "%-22s step %5d  loss %.4f%n", p.run(), p.step(), p.value());
        });
        var ref = r.reference();
        System.out.printf(Locale.ROOT, "%nreference (control before ablation): retain %.3f  forget %.3f%n", ref.retain(), ref.forget());
        System.out.println("label  method           retain  forget  forget rise  retain rise  forget after attack  rise kept");
        for (var run : r.runs()) {
            double rise = run.afterMethod().forget() - ref.forget(), kept = run.forgetAfterAttack() - ref.forget();
            System.out.printf(Locale.ROOT, "%4.0f%%  %-15s %7.3f %7.3f %12.3f %12.3f %20.3f %10.3f%n", 100 * run.labelFraction(),
                    run.method().name().toLowerCase(), run.afterMethod().retain(), run.afterMethod().forget(), rise,
                    run.afterMethod().retain() - ref.retain(), run.forgetAfterAttack(), kept);
        }
        AtomicFiles.writeString(out, Json.write(r.toJson()) + "\n");
        if (figure != null) EraFigure.write(r, figure);
        System.out.printf(Locale.ROOT, "wrote %s%s (%.0f s)%n", out, figure != null ? " and " + figure : "", r.seconds());
        return 0;
    }
}
