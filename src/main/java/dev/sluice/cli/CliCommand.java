package dev.sluice.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A runnable {@code sluice} command: {@link #validate()} checks every option (and the paths and devices they name)
 * before {@link #execute()} does any work, so a mistake costs no training time. Output goes to the writers
 * {@link Main#run} was given.
 */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Checks all options; throws {@link UserError} for the first bad one. Must not start any work. */
    abstract void validate();

    /** The command's work; the exit status (0 success, 1 a diverged run, 3 failed pass criteria). */
    abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        validate();
        return execute();
    }

    PrintWriter out() { return spec.commandLine().getOut(); }

    PrintWriter err() { return spec.commandLine().getErr(); }

    /** "sluice routing era": how the command names itself in messages. */
    String name() { return spec.qualifiedName(); }
}
