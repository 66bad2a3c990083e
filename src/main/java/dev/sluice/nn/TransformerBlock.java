package dev.sluice.nn;

import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * A pre-LayerNorm transformer block: x + attn(ln1(x)), then x + mlp(ln2(x)) with a 4× GELU MLP. Submodules:
 * {@code ln1}, {@code attn}, {@code ln2}, {@code mlp} (an {@link MLP}, whose hidden activation is the hook point
 * {@code mlp.hidden0}), {@code mlpDrop}; hook point {@code resid} sees the residual stream after the block.
 */
public final class TransformerBlock extends Module {
    private final LayerNorm ln1, ln2;
    private final CausalSelfAttention attn;
    private final MLP mlp;
    private final Dropout mlpDrop;
    private final HookPoint resid;

    /**
     * A block without dropout.
     *
     * @param dModel the width of the residual stream
     * @param nHeads the number of attention heads; must divide dModel
     * @param gen the source of the initial weights
     * @throws IllegalArgumentException if nHeads does not divide dModel
     */
    public TransformerBlock(int dModel, int nHeads, Generator gen) { this(dModel, nHeads, 0.0, gen); }

    /**
     * A block with dropout after attention (weights and output) and after the MLP.
     *
     * @param dModel the width of the residual stream
     * @param nHeads the number of attention heads; must divide dModel
     * @param dropout the dropout probability, in [0, 1]
     * @param gen the source of the initial weights and of dropout masks
     * @throws IllegalArgumentException if nHeads does not divide dModel or dropout is out of range
     */
    public TransformerBlock(int dModel, int nHeads, double dropout, Generator gen) {
        ln1 = register("ln1", new LayerNorm(dModel));
        attn = register("attn", new CausalSelfAttention(dModel, nHeads, dropout, gen));
        ln2 = register("ln2", new LayerNorm(dModel));
        mlp = register("mlp", new MLP(new int[] {dModel, 4 * dModel, dModel}, Activation.GELU, gen));
        mlpDrop = register("mlpDrop", new Dropout(dropout, gen));
        resid = register("resid", new HookPoint());
    }

    /**
     * Applies the block to a whole sequence.
     *
     * @param x the residual stream [B, T, dModel]
     * @return the updated residual stream [B, T, dModel]
     */
    @Override
    public Tensor forward(Tensor x) { return forward(x, null, 0); }

    /**
     * As {@link #forward(Tensor)}, for the new positions only, using and extending the cache (see {@link KVCache}).
     *
     * @param x the residual stream at the new positions [B, Tnew, dModel]
     * @param cache the cache of earlier positions, or null
     * @param layer this block's index in the cache
     * @return the updated residual stream [B, Tnew, dModel]
     */
    public Tensor forward(Tensor x, KVCache cache, int layer) { return forward(x, cache, layer, null); }

    /**
     * As {@link #forward(Tensor, KVCache, int)} with an attention mask (see
     * {@link CausalSelfAttention#forward(Tensor, KVCache, int, Tensor)}).
     *
     * @param x the residual stream at the new positions [B, Tnew, dModel]
     * @param cache the cache of earlier positions, or null
     * @param layer this block's index in the cache
     * @param mask bool [B or 1, 1 or heads, Tnew, Tkeys], true where a query must not see a key; null for the causal
     * mask
     * @return the updated residual stream [B, Tnew, dModel]
     */
    public Tensor forward(Tensor x, KVCache cache, int layer, Tensor mask) {
        x = x.add(attn.forward(ln1.forward(x), cache, layer, mask));
        x = x.add(mlpDrop.forward(mlp.forward(ln2.forward(x))));
        return resid.forward(x);
    }

    /**
     * The attention sublayer.
     *
     * @return the {@code attn} submodule
     */
    public CausalSelfAttention attention() { return attn; }

    /**
     * The MLP sublayer.
     *
     * @return the {@code mlp} submodule
     */
    public MLP mlp() { return mlp; }
}
