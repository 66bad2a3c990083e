package dev.sluice.readme;

import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.LabelRouter;
import dev.sluice.methods.routing.Masks;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/** README.md's gradient-routing example, verbatim between the markers (checked by {@link ReadmeExampleTest}). */
final class ReadmeRoutingExample {
    record Outcome(MLP model, Tensor firstLayerGrad) {}

    static Outcome run() {
        // ROUTING-BEGIN
        Generator gen = new Generator(7);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 64, 20);               // a batch of 64 inputs
        Tensor labels = Tensor.randint(gen, 0, 10, 64);                     // their classes 0..9
        MLP model = new MLP(new int[] {20, 32, 8, 20}, Activation.RELU, gen); // an autoencoder, code = hidden1
        // classes 0-4 may only shape code units 0..3, classes 5-9 only units 4..7
        LabelRouter router = LabelRouter.builder(10, 8)
                .route(new int[] {0, 1, 2, 3, 4}, Masks.only(8, 0, 4))
                .route(new int[] {5, 6, 7, 8, 9}, Masks.only(8, 4, 8))
                .at("hidden1").build();
        Adam opt = new Adam(model.parameters(), 1e-3);
        opt.zeroGrad();
        try (var routed = GradientRouting.apply(model, router, labels)) {  // masks live for this step
            Losses.l1(model.forward(x), x).backward();                       // forward unchanged, backward masked
        }
        opt.step();
        // ROUTING-END
        return new Outcome(model, model.layer(1).weight().grad());
    }
}
