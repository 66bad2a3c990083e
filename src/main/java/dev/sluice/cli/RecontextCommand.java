package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice recontext ...}: the recontextualization reproductions. */
@Command(name = "recontext", description = "Recontextualization reproductions (Azarbal, Gillioz et al., 2025): generate under "
        + "one prompt, train under another.", subcommands = {RecontextToyCommand.class, RecontextLmCommand.class, RecontextModelCommand.class})
final class RecontextCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
