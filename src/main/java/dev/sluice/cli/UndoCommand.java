package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice undo ...}: the UNDO reproductions. */
@Command(name = "undo", description = "UNDO (Unlearn, Noise, Distill on Outputs) reproductions.",
        subcommands = {UndoArithmeticCommand.class, UndoLanguageCommand.class, UndoModelCommand.class})
final class UndoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
