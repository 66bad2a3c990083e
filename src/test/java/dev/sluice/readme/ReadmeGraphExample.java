package dev.sluice.readme;

import dev.sluice.autograd.GraphDot;
import dev.sluice.autograd.OpTrace;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;

/** README.md's graph-and-trace example, verbatim between the markers (checked by {@link ReadmeGraphExampleTest}). */
final class ReadmeGraphExample {
    record Outcome(String dot, Path file, MLP model) {}

    static Outcome run() throws IOException {
        // GRAPH-BEGIN
        Generator gen = new Generator(0);
        MLP model = new MLP(new int[] {6, 8, 4}, Activation.RELU, gen);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 8, 6);
        Tensor labels = Tensor.of(new long[] {0, 0, 1, 1, 2, 2, 3, 3});
        Tensor loss = Losses.crossEntropy(model.forward(x), labels);

        GraphDot picture = GraphDot.of(loss).withNames(model.namedParameters());
        String dot = picture.toDot();                             // Graphviz text: always works
        Path file = picture.render(Path.of("target", "mlp-step.dot")); // .png/.svg/.pdf run Graphviz' dot

        try (var trace = OpTrace.enable(2)) {                     // every op, forward and backward, to stderr
            loss.backward();
        }
        // GRAPH-END
        return new Outcome(dot, file, model);
    }
}
