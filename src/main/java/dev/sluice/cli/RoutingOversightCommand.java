package dev.sluice.cli;

import dev.sluice.experiments.routing.OversightRouting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code sluice routing oversight}: steering an RL policy by routing the rare overseen episodes. */
@Command(name = "oversight", description = "Scalable oversight in a gridworld: route the few overseen episodes into a "
        + "diamond expert and a ghost expert, ablate the ghost expert, compare with an unrouted control and with REINFORCE on "
        + "the overseen episodes only.")
final class RoutingOversightCommand extends CliCommand {
    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--oversight", description = "Fraction of training episodes that are overseen (default: ${DEFAULT-VALUE}).")
    double oversight = OversightRouting.Config.defaults().oversight();

    @Option(names = "--iterations", description = "Policy-gradient iterations per run (default: ${DEFAULT-VALUE}).")
    int iterations = OversightRouting.Config.defaults().iterations();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as JSON (default: ${DEFAULT-VALUE}, in the current directory).")
    Path out = Path.of("results.json");

    @Override
    void validate() {
        Check.fraction("--oversight", oversight, false);
        Check.positive("--iterations", iterations);
        Check.writableOut("--out", out);
    }

    @Override
    int execute() throws Exception {
        var cfg = OversightRouting.Config.defaults().withSeed(seed).withOversight(oversight).withIterations(iterations);
        var o = out();
        var r = OversightRouting.run(cfg, o::println);
        o.println();
        o.println("policy                                diamond  ghost");
        for (var row : new Object[][] {{"routed, ghost expert ablated", r.routedSteered()}, {"routed, not steered", r.routedUnsteered()},
                {"control (no routing)", r.control()}, {"control, same ablation", r.controlAblated()}, {"REINFORCE on overseen only", r.oversightOnly()}}) {
            var rates = (OversightRouting.Rates) row[1];
            o.printf(Locale.ROOT, "%-37s %7.3f %6.3f%n", row[0], rates.diamond(), rates.ghost());
        }
        if (Results.write(out, r.toJson(), false)) {
            err().println(name() + ": " + Results.divergedLine(out));
            return 1;
        }
        o.printf(Locale.ROOT, "wrote %s (%.0f s)%n", out, r.seconds());
        return 0;
    }
}
