package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Draws the backward graph of one training step's loss of a small named model. */
@Command(name = "graph", description = {
        "Draw the backward graph of one training step of a small model: ops with their output shapes and saved tensors,",
        "parameters by name, and for routed-mlp where the routing mask cuts the gradient.",
        "A .dot file always works; .png, .svg and .pdf need Graphviz (sudo apt install graphviz)."})
final class GraphCommand extends CliCommand {
    @Option(names = "--model", paramLabel = "NAME", required = true,
            description = "mlp, routed-mlp or llama (a tiny one-layer Llama).")
    String model;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "Where to write the picture: FILE.dot (Graphviz text), FILE.png, FILE.svg or FILE.pdf.")
    Path out;

    @Override
    void validate() {
        model = Check.oneOf("--model", model, StepGraphs.MODELS);
        String ext = extension(out);
        if (!List.of("dot", "gv", "png", "svg", "pdf").contains(ext)) {
            throw new UserError("--out " + out + " must end in .dot, .gv, .png, .svg or .pdf");
        }
        Check.writableOut("--out", out);
    }

    @Override
    int execute() throws Exception {
        StepGraphs.of(model).render(out);
        out().println("wrote " + out);
        return 0;
    }

    private static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
