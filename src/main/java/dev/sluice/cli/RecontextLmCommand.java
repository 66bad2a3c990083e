package dev.sluice.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code sluice recontext lm}: placeholder until the LM demo lands. */
@Command(name = "lm", description = "Recontextualization with a small GPT (not yet implemented).")
final class RecontextLmCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("recontext lm: not implemented yet");
        return 1;
    }
}
