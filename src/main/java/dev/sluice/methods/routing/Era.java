package dev.sluice.methods.routing;

import dev.sluice.models.CausalLM;
import dev.sluice.nn.Losses;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Expand-Route-Ablate on a Hugging Face language model ({@link CausalLM}: Llama, Qwen2, GPT-2), papers.md §1.1:
 * <ol>
 *   <li><b>Expand</b>: widen the MLP of chosen layers by k hidden units ({@link CausalLM#expandMlp}: new units drawn
 *       from N(0, initializerRange²), existing weights kept).</li>
 *   <li><b>Route</b>: train with next-token cross-entropy while the gradient at each target layer's MLP hidden
 *       activation ({@link CausalLM#mlpHiddenHook}) is masked per position by the <em>target</em> token: for a forget
 *       target, expanded units × 1 and original units × {@code forgetValue} (the paper: −0.75 on TinyStories,
 *       ≈ 0 for the virology tokens); for other targets all ones (retain data also trains the expanded units, gotcha
 *       5). Token weights w_t ∈ [0, 1] interpolate (0 = forget token, 1 = retain token): from a forget-token list
 *       ({@link #forgetTokenWeights}) or from frequencies ({@link TokenFrequencyWeights}). Sequences not flagged forget
 *       are never masked; pass all-true flags to route by tokens alone.</li>
 *   <li><b>Ablate</b>: slice the expanded units away ({@link #ablate}), leaving the original shapes, so the model
 *       saves with its original {@code intermediate_size} ({@link dev.sluice.models.HfModels#save}) and loads in
 *       transformers.</li>
 * </ol>
 * {@snippet :
 * CausalLM model = HfModels.load(Path.of("SmolLM-135M"));
 * Era era = Era.expand(model, new int[] {0, 1, 2, 3, 4}, 64, new Generator(0));
 * TokenRouter router = era.router(Era.forgetTokenWeights(model.config().vocabSize(), forgetIds), -0.75);
 * Optimizer opt = new AdamW(model.parameters(), 1e-4);          // after the expansion
 * for (Tensor batch : batches) {                                 // int64 [B, T]
 *     opt.zeroGrad();
 *     era.loss(router, batch, forgetFlags).backward();
 *     opt.step();
 * }
 * era.ablate();
 * HfModels.save(model, Path.of("era-out"));
 * }
 */
public final class Era {
    private final CausalLM model;
    private final int[] layers;
    private final int originalWidth, units;

    private Era(CausalLM model, int[] layers, int originalWidth, int units) {
        this.model = model;
        this.layers = layers;
        this.originalWidth = originalWidth;
        this.units = units;
    }

    /**
     * Expands the MLPs of the target layers in place (step 1). Build optimizers afterwards: the MLP parameters are new
     * tensors.
     *
     * @param model the model, changed in place
     * @param layers the target layers, distinct, each in [0, numLayers)
     * @param units the hidden units added per layer, at least 1
     * @param gen the source of the new units' weights
     * @return the run's state, for routing and ablation
     * @throws IllegalArgumentException if no layer is given, a layer repeats, units &lt; 1, or the target layers'
     * MLPs differ in width
     * @throws IndexOutOfBoundsException if a layer is out of range
     */
    public static Era expand(CausalLM model, int[] layers, int units, Generator gen) {
        if (layers.length == 0) throw new IllegalArgumentException("Era: name at least one target layer");
        if (units < 1) throw new IllegalArgumentException("Era: units must be >= 1, got " + units);
        if (Arrays.stream(layers).distinct().count() != layers.length) throw new IllegalArgumentException("Era: repeated layer in " + Arrays.toString(layers));
        int width = model.mlpWidth(layers[0]);
        for (int l : layers) {
            if (model.mlpWidth(l) != width) {
                throw new IllegalArgumentException("Era: layer " + l + "'s MLP has " + model.mlpWidth(l) + " units, layer "
                        + layers[0] + "'s " + width + "; target layers must share a width");
            }
        }
        for (int l : layers) model.expandMlp(l, units, gen);
        return new Era(model, layers.clone(), width, units);
    }

    /**
     * Token weights from a forget-token list: 0 for the listed tokens (fully routed), 1 for all others.
     *
     * @param vocabSize the vocabulary size
     * @param forgetTokens the token ids to route, each in [0, vocabSize)
     * @return w_t per token id
     * @throws IllegalArgumentException if a token is out of range
     */
    public static double[] forgetTokenWeights(int vocabSize, int[] forgetTokens) {
        double[] w = new double[vocabSize];
        Arrays.fill(w, 1.0);
        for (int t : forgetTokens) {
            if (t < 0 || t >= vocabSize) throw new IllegalArgumentException("Era: forget token " + t + " outside [0, " + vocabSize + ")");
            w[t] = 0;
        }
        return w;
    }

    /**
     * The router of step 2: at every target layer's MLP hidden hook point, forget targets get expanded units × 1 and
     * original units × forgetValue; retain targets all ones; weights in between interpolate.
     *
     * @param tokenWeights w_t per token id (0 = forget, 1 = retain), length = vocabulary size
     * @param forgetValue the mask on the original units for forget targets (e.g. −0.75, or 0 to block them)
     * @return the router
     * @throws IllegalArgumentException if a weight is outside [0, 1]
     */
    public TokenRouter router(double[] tokenWeights, double forgetValue) {
        int width = originalWidth + units;
        double[] forgetMask = Masks.range(width, originalWidth, width, 1.0, forgetValue);
        return new TokenRouter(hookPoints(), forgetMask, Masks.ones(width), tokenWeights);
    }

    /**
     * The routed next-token loss of one batch: the cross-entropy of the logits at columns 0 … T−2 against the tokens at
     * 1 … T−1, computed with the router's masks installed (the mask at column i is chosen by the target token i+1).
     * Call {@code backward()} on it; the forward value equals the unrouted loss.
     *
     * @param router the router from {@link #router}
     * @param tokens int64 token ids [B, T], T ≥ 2
     * @param forget one flag per sequence: true where the token masks apply (all true to route by tokens alone)
     * @return the scalar loss
     * @throws IllegalArgumentException if tokens is not [B, T] with T ≥ 2 or there is not one flag per sequence
     */
    public Tensor loss(TokenRouter router, Tensor tokens, boolean[] forget) {
        if (tokens.dim() != 2 || tokens.size(1) < 2) {
            throw new IllegalArgumentException("Era.loss: tokens must be [B, T] with T >= 2, got " + Arrays.toString(tokens.shape()));
        }
        int t = tokens.size(1);
        Tensor inputs = tokens.narrow(1, 0, t - 1).contiguous(), targets = tokens.narrow(1, 1, t - 1).contiguous();
        try (RouteScope ignored = GradientRouting.apply(model, router, new TokenRouter.Batch(targets, forget))) {
            Tensor logits = model.forward(inputs);
            return Losses.crossEntropy(logits.reshape(-1, logits.size(2)), targets.reshape(-1));
        }
    }

    /**
     * Step 3: slices the expanded units away in every target layer, back to the original width (idempotent).
     */
    public void ablate() {
        for (int l : layers) if (model.mlpWidth(l) != originalWidth) model.narrowMlp(l, originalWidth);
    }

    /**
     * The routed hook points.
     *
     * @return the MLP hidden hook point of each target layer, in the order given
     */
    public List<String> hookPoints() {
        List<String> out = new ArrayList<>();
        for (int l : layers) out.add(model.mlpHiddenHook(l));
        return out;
    }

    /**
     * The model being trained.
     *
     * @return the model given to {@link #expand}
     */
    public CausalLM model() { return model; }

    /**
     * The MLP width before expansion.
     *
     * @return the original number of hidden units per target layer
     */
    public int originalWidth() { return originalWidth; }

    /**
     * The units added per target layer.
     *
     * @return k
     */
    public int units() { return units; }

    /**
     * The target layers.
     *
     * @return a copy of the layer indices
     */
    public int[] layers() { return layers.clone(); }
}
