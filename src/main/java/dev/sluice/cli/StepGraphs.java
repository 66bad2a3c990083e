package dev.sluice.cli;

import dev.sluice.autograd.GraphDot;
import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.LabelRouter;
import dev.sluice.methods.routing.Masks;
import dev.sluice.models.CausalLM;
import dev.sluice.models.HfModels;
import dev.sluice.models.LlamaConfig;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss of one training step of a small named model, as a picture of its backward graph: the models are tiny so
 * that every node stays readable. Seeded: the same name always gives the same picture.
 */
final class StepGraphs {
    static final List<String> MODELS = List.of("mlp", "routed-mlp", "llama");

    private StepGraphs() {}

    /** The picture of one step of {@code model} (one of {@link #MODELS}). */
    static GraphDot of(String model) {
        Generator gen = new Generator(0);
        return switch (model) {
            case "mlp" -> mlp(gen);
            case "routed-mlp" -> routedMlp(gen);
            case "llama" -> llama(gen);
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
    }

    /** 8 examples of 6 features → 8 hidden units (ReLU) → 4 classes, cross entropy. */
    private static GraphDot mlp(Generator gen) {
        MLP net = new MLP(new int[] {6, 8, 4}, Activation.RELU, gen);
        Tensor x = Tensor.randn(gen, dev.sluice.tensor.DType.FLOAT32, 8, 6);
        Tensor loss = Losses.crossEntropy(net.forward(x), labels());
        return GraphDot.of(loss).withNames(names(net, loss)).withTitle("MLP 6-8-4, cross entropy: one training step");
    }

    /**
     * The same MLP with its hidden layer gradient-routed by label: classes 0-1 train only hidden units 0-3, classes 2-3
     * only units 4-7 (the mask is chosen per example from its label: data-dependent).
     */
    private static GraphDot routedMlp(Generator gen) {
        MLP net = new MLP(new int[] {6, 8, 4}, Activation.RELU, gen);
        LabelRouter router = LabelRouter.builder(4, 8)
                .route(new int[] {0, 1}, Masks.only(8, 0, 4))
                .route(new int[] {2, 3}, Masks.only(8, 4, 8))
                .at("hidden0")
                .build();
        Tensor x = Tensor.randn(gen, dev.sluice.tensor.DType.FLOAT32, 8, 6);
        Tensor labels = labels();
        Tensor loss;
        try (var routed = GradientRouting.apply(net, router, labels)) {
            loss = Losses.crossEntropy(net.forward(x), labels);
        }
        return GraphDot.of(loss).withNames(names(net, loss))
                .withTitle("routed MLP 6-8-4: labels 0-1 train hidden units 0-3, labels 2-3 units 4-7");
    }

    /** A one-layer Llama (vocabulary 16, width 8, 2 heads, 1 KV head), next-token loss on 2 sequences of 5 tokens. */
    private static GraphDot llama(Generator gen) {
        CausalLM lm = HfModels.create(LlamaConfig.llama(16, 8, 16, 1, 2, 1, 8, false), gen);
        Tensor tokens = Tensor.randint(gen, 0, 16, 2, 5);
        Tensor loss = lm.nextTokenLoss(tokens);
        return GraphDot.of(loss).withNames(names(lm, loss)).withTitle("Llama, 1 layer, width 8: next-token loss");
    }

    /** The model's parameters by name, and the loss as "loss". */
    private static Map<String, Tensor> names(Module model, Tensor loss) {
        Map<String, Tensor> names = new LinkedHashMap<>(model.namedParameters());
        names.put("loss", loss);
        return names;
    }

    /** Sorted, so that the routed MLP's mask shows as two blocks: examples of labels 0-1 above, 2-3 below. */
    private static Tensor labels() { return Tensor.of(new long[] {0, 0, 1, 1, 2, 2, 3, 3}); }
}
