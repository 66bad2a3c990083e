package dev.sluice.experiments.undo;

import dev.sluice.nn.Activation;
import dev.sluice.nn.Embedding;
import dev.sluice.nn.GPT;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;


/** The two models of the UNDO reproduction; each maps inputs [n, 3] (a, op, b) to logits [n, p]. */
public final class ArithmeticModels {
    private ArithmeticModels() {}

    /** The calibrated model: embeddings d = 32 of the three tokens, concatenated (96) → 256 → ReLU → 256 → ReLU → p. */
    public static final class Mlp extends Module {
        private final Embedding embed;
        private final MLP mlp;

        public Mlp(int vocab, int classes, Generator gen) {
            embed = register("embed", new Embedding(vocab, 32, gen));
            mlp = register("mlp", new MLP(new int[] {96, 256, 256, classes}, Activation.RELU, gen));
        }

        @Override
        public Tensor forward(Tensor x) { return mlp.forward(embed.forward(x).reshape(x.size(0), 96)); }
    }

    /**
     * A 2-layer transformer (d = 64, 4 heads) reading the sequence {@code a op b =}; the answer is read from the
     * logits at "=", restricted to the p number tokens. (Uncalibrated: reported without a bound.)
     */
    public static final class Transformer extends Module {
        private final GPT gpt;
        private final int classes, equals;

        public Transformer(int vocab, int classes, Generator gen) {
            this.classes = classes;
            this.equals = vocab;
            gpt = register("gpt", new GPT(new GPT.Config(vocab + 1, 4, 64, 4, 2, 0.0), gen));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor eq = Tensor.full(equals, DType.INT64, x.size(0), 1).to(x.device());
            Tensor logits = gpt.forward(Tensor.cat(1, x, eq)); // [n, 4, vocab + 1]
            return logits.select(1, 3).narrow(1, 0, classes);
        }
    }
}
