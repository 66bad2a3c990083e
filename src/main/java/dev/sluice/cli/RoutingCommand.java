package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice routing ...}: the gradient-routing reproductions. */
@Command(name = "routing", description = "Gradient routing reproductions (Cloud et al., 2024).",
        subcommands = {RoutingAutoencoderCommand.class, RoutingEraCommand.class, RoutingOversightCommand.class, RoutingModelCommand.class})
final class RoutingCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
