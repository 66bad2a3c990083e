package dev.sluice.cli;

import dev.sluice.experiments.routing.ExpandRouteAblate;
import dev.sluice.experiments.routing.ExpandRouteAblate.Method;
import dev.sluice.experiments.routing.EraFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code sluice routing era}: Expand-Route-Ablate vs control vs data filtering on a small GPT. */
@Command(name = "era", description = "Expand-Route-Ablate on a small GPT over two synthetic story topics: ERA vs unrouted "
        + "control vs data filtering, at full and partial labelling, before and after a relearning attack.")
final class RoutingEraCommand extends CliCommand {
    @Option(names = "--seed", description = "Seed for data, initialisation and sampling (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--steps", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
    int steps = ExpandRouteAblate.Config.defaults().steps();

    @Option(names = "--label-fractions", split = ",", paramLabel = "F",
            description = "Fractions of forget stories that are labelled (default: 1.0,0.5).")
    double[] labelFractions = ExpandRouteAblate.Config.defaults().labelFractions();

    @Mixin
    DeviceOption device;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Option(names = "--figure", paramLabel = "FILE", description = "Write the losses figure as PNG (default: next to --out, BASE-losses.png).")
    Path figure;

    private dev.sluice.tensor.Device on;

    @Override
    void validate() {
        Check.positive("--steps", steps);
        if (labelFractions.length == 0) throw new UserError("--label-fractions needs at least one fraction");
        for (double f : labelFractions) Check.fraction("--label-fractions", f, false);
        Check.writableOut("--out", out);
        if (figure == null) figure = Results.figureNextTo(out, "losses");
        Check.writableOut("--figure", figure);
        on = device.resolve();
    }

    @Override
    int execute() throws Exception {
        var cfg = ExpandRouteAblate.Config.defaults().withSeed(seed).withSteps(steps).withLabelFractions(labelFractions);
        var o = out();
        o.printf(Locale.ROOT, "ERA on a %d-layer GPT (d=%d), %d steps per run, label fractions %s, seed %d, on %s%n",
                cfg.nLayers(), cfg.dModel(), steps, Arrays.toString(labelFractions), seed, on);
        var r = ExpandRouteAblate.run(cfg, on, p -> {
            if (p.phase().equals("done")) o.printf(Locale.ROOT, "%-22s done: forget loss after method %.3f%n", p.run(), p.value());
            else if (p.step() % 500 == 0) o.printf(Locale.ROOT, "%-22s step %5d  loss %.4f%n", p.run(), p.step(), p.value());
        });
        var ref = r.reference();
        o.printf(Locale.ROOT, "%nreference (control before ablation): retain %.3f  forget %.3f%n", ref.retain(), ref.forget());
        o.println("label  method           retain  forget  forget rise  retain rise  forget after attack  rise kept");
        for (var run : r.runs()) {
            double rise = run.afterMethod().forget() - ref.forget(), kept = run.forgetAfterAttack() - ref.forget();
            o.printf(Locale.ROOT, "%4.0f%%  %-15s %7.3f %7.3f %12.3f %12.3f %20.3f %10.3f%n", 100 * run.labelFraction(),
                    run.method().name().toLowerCase(), run.afterMethod().retain(), run.afterMethod().forget(), rise,
                    run.afterMethod().retain() - ref.retain(), run.forgetAfterAttack(), kept);
        }
        if (Results.write(out, r.toJson(), false)) {
            err().println(name() + ": " + Results.divergedLine(out) + "; no figure");
            return 1;
        }
        EraFigure.write(r, figure);
        o.printf(Locale.ROOT, "wrote %s and %s (%.0f s)%n", out, figure, r.seconds());
        return 0;
    }
}
