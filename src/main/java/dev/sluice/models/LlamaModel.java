package dev.sluice.models;

import dev.sluice.nn.Dropout;
import dev.sluice.nn.Embedding;
import dev.sluice.nn.HookPoint;
import dev.sluice.nn.KVCache;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Module;
import dev.sluice.nn.RmsNorm;
import dev.sluice.nn.Sequential;
import dev.sluice.nn.functional.F;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * A Llama-family causal LM as transformers' {@code LlamaForCausalLM} / {@code Qwen2ForCausalLM} computes it:
 * token embedding, then per layer {@code h = x + o_proj(attn(rope(q), rope(k), v))} on {@code input_layernorm(x)} and
 * {@code h + down_proj(silu(gate_proj(y)) · up_proj(y))} on {@code y = post_attention_layernorm(h)}, a final RMSNorm,
 * and a head ({@code lm_head}, or the embedding's weight when tied). Attention is causal, grouped-query (key/value head
 * j serves query heads j·r .. j·r + r − 1), scaled by 1/√headDim. Parameters are named as in the checkpoint:
 * {@code model.embed_tokens.weight}, {@code model.layers.i.input_layernorm.weight},
 * {@code model.layers.i.self_attn.{q,k,v,o}_proj.weight} (+ {@code .bias}), {@code model.layers.i.post_attention_layernorm.weight},
 * {@code model.layers.i.mlp.{gate,up,down}_proj.weight}, {@code model.norm.weight}, {@code lm_head.weight} (untied only).
 */
public final class LlamaModel extends CausalLM {
    private final LlamaConfig cfg;
    private final Backbone model;
    private final Linear lmHead;
    private final RotaryEmbedding rope;

    /**
     * A freshly initialised model: matrices N(0, initializerRange²), norms 1, biases 0.
     *
     * @param cfg the configuration
     * @param gen the source of the initial weights and of dropout masks
     */
    public LlamaModel(LlamaConfig cfg, Generator gen) { this(cfg, Weights.random(gen, cfg.initializerRange()), gen); }

    LlamaModel(LlamaConfig cfg, Weights w, Generator gen) {
        this.cfg = cfg;
        this.model = register("model", new Backbone(cfg, w, gen));
        this.lmHead = cfg.tieWordEmbeddings() ? null
                : register("lm_head", new Linear(w.get("lm_head.weight", new int[] {cfg.vocabSize(), cfg.hiddenSize()}, Weights.Kind.MATRIX), null));
        this.rope = new RotaryEmbedding(cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());
    }

    @Override
    public LlamaConfig config() { return cfg; }

    /**
     * The rotary embedding the attention layers use.
     *
     * @return the rotary embedding (shared by all layers)
     */
    public RotaryEmbedding rotary() { return rope; }

    @Override
    public Tensor forward(Tensor tokens, int[] leftPad, KVCache cache) {
        int start = checkTokens(tokens, cache);
        int b = tokens.size(0), t = tokens.size(1);
        boolean padded = Attention.checkPadding("LlamaModel", leftPad, b, start, t, cache);
        Tensor[] cosSin = padded ? rope.cosSin(Attention.positions(leftPad, b, start, t), b, t) : rope.cosSin(start, t);
        Tensor mask = padded ? Attention.paddedMask(leftPad, start, t, cfg.numHeads() / cfg.numKvHeads()).to(tokens.device()) : null;
        Tensor x = model.embedTokens.forward(tokens);
        for (int i = 0; i < model.layers.size(); i++) x = layer(i).forward(x, cosSin, cache, i, mask);
        x = model.norm.forward(x);
        return lmHead != null ? lmHead.forward(x) : F.linear(x, model.embedTokens.weight(), null);
    }

    private DecoderLayer layer(int i) { return (DecoderLayer) model.layers.get(i); }

    @Override
    String layerPrefix() { return "model.layers."; }

    @Override
    public int mlpWidth(int layer) {
        checkLayer("mlpWidth", layer);
        return layer(layer).mlp.gateProj.outFeatures();
    }

    /**
     * {@inheritDoc} Here gate_proj and up_proj gain rows and down_proj gains columns.
     */
    @Override
    public void expandMlp(int layer, int units, Generator gen) {
        checkLayer("expandMlp", layer);
        Mlp m = layer(layer).mlp;
        double std = cfg.initializerRange();
        m.gateProj = m.swap("gate_proj", new Linear(grow(m.gateProj.weight(), 0, units, std, gen), growBias(m.gateProj.bias(), units)));
        m.upProj = m.swap("up_proj", new Linear(grow(m.upProj.weight(), 0, units, std, gen), growBias(m.upProj.bias(), units)));
        m.downProj = m.swap("down_proj", new Linear(grow(m.downProj.weight(), 1, units, std, gen), copy(m.downProj.bias())));
    }

    @Override
    public void narrowMlp(int layer, int units) {
        checkLayer("narrowMlp", layer);
        Mlp m = layer(layer).mlp;
        String op = "LlamaModel.narrowMlp";
        m.gateProj = m.swap("gate_proj", new Linear(keep(m.gateProj.weight(), 0, units, op), m.gateProj.bias() == null ? null : keep(m.gateProj.bias(), 0, units, op)));
        m.upProj = m.swap("up_proj", new Linear(keep(m.upProj.weight(), 0, units, op), m.upProj.bias() == null ? null : keep(m.upProj.bias(), 0, units, op)));
        m.downProj = m.swap("down_proj", new Linear(keep(m.downProj.weight(), 1, units, op), copy(m.downProj.bias())));
    }

    /** A bias with {@code units} zeros appended, or null. */
    static Tensor growBias(Tensor bias, int units) {
        if (bias == null) return null;
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            return Tensor.cat(0, bias.detach(), Tensor.zeros(units).to(bias.device())).contiguous().detach();
        }
    }

    static Tensor copy(Tensor t) {
        if (t == null) return null;
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            return t.detach().clone().detach();
        }
    }

    /** {@code model.*}: embed_tokens, layers, norm. */
    static final class Backbone extends Module {
        final Embedding embedTokens;
        final Sequential layers;
        final RmsNorm norm;

        Backbone(LlamaConfig c, Weights w, Generator gen) {
            embedTokens = register("embed_tokens", new Embedding(w.get("model.embed_tokens.weight",
                    new int[] {c.vocabSize(), c.hiddenSize()}, Weights.Kind.MATRIX)));
            DecoderLayer[] ls = new DecoderLayer[c.numLayers()];
            for (int i = 0; i < ls.length; i++) ls[i] = new DecoderLayer(c, w, "model.layers." + i + ".", gen);
            layers = register("layers", new Sequential(ls));
            norm = register("norm", new RmsNorm(w.get("model.norm.weight", new int[] {c.hiddenSize()}, Weights.Kind.NORM_WEIGHT), c.rmsNormEps()));
        }
    }

    /** {@code model.layers.i.*}. */
    static final class DecoderLayer extends Module {
        final RmsNorm inputLayernorm, postAttentionLayernorm;
        final SelfAttention selfAttn;
        final Mlp mlp;
        final HookPoint resid;

        DecoderLayer(LlamaConfig c, Weights w, String p, Generator gen) {
            inputLayernorm = register("input_layernorm", new RmsNorm(w.get(p + "input_layernorm.weight", new int[] {c.hiddenSize()}, Weights.Kind.NORM_WEIGHT), c.rmsNormEps()));
            selfAttn = register("self_attn", new SelfAttention(c, w, p + "self_attn.", gen));
            postAttentionLayernorm = register("post_attention_layernorm", new RmsNorm(w.get(p + "post_attention_layernorm.weight", new int[] {c.hiddenSize()}, Weights.Kind.NORM_WEIGHT), c.rmsNormEps()));
            mlp = register("mlp", new Mlp(c, w, p + "mlp."));
            resid = register("resid", new HookPoint());
        }

        Tensor forward(Tensor x, Tensor[] cosSin, KVCache cache, int layer, Tensor mask) {
            Tensor h = x.add(selfAttn.forward(inputLayernorm.forward(x), cosSin, cache, layer, mask));
            return resid.forward(h.add(mlp.forward(postAttentionLayernorm.forward(h))));
        }
    }

    static Linear linear(Weights w, String name, int out, int in, boolean bias) {
        return new Linear(w.get(name + ".weight", new int[] {out, in}, Weights.Kind.MATRIX),
                bias ? w.get(name + ".bias", new int[] {out}, Weights.Kind.BIAS) : null);
    }

    /** {@code self_attn.*}: q_proj, k_proj, v_proj, o_proj. */
    static final class SelfAttention extends Module {
        final Linear qProj, kProj, vProj, oProj;
        final Dropout dropout;
        final int heads, kvHeads, headDim;
        final RotaryEmbedding rope;

        SelfAttention(LlamaConfig c, Weights w, String p, Generator gen) {
            heads = c.numHeads();
            kvHeads = c.numKvHeads();
            headDim = c.headDim();
            qProj = register("q_proj", linear(w, p + "q_proj", heads * headDim, c.hiddenSize(), c.qkvBias()));
            kProj = register("k_proj", linear(w, p + "k_proj", kvHeads * headDim, c.hiddenSize(), c.qkvBias()));
            vProj = register("v_proj", linear(w, p + "v_proj", kvHeads * headDim, c.hiddenSize(), c.qkvBias()));
            oProj = register("o_proj", linear(w, p + "o_proj", c.hiddenSize(), heads * headDim, c.attentionBias()));
            dropout = register("attention_dropout", new Dropout(c.attentionDropout(), gen));
            rope = new RotaryEmbedding(headDim, c.ropeTheta(), c.ropeScaling());
        }

        Tensor forward(Tensor x, Tensor[] cosSin, KVCache cache, int layer, Tensor mask) {
            Tensor q = rope.apply(Attention.heads(qProj.forward(x), heads, headDim), cosSin);
            Tensor k = rope.apply(Attention.heads(kProj.forward(x), kvHeads, headDim), cosSin);
            Tensor v = Attention.heads(vProj.forward(x), kvHeads, headDim);
            if (cache != null) {
                Tensor[] kv = cache.append(layer, k, v);
                k = kv[0];
                v = kv[1];
            }
            Tensor y = Attention.attend(q, k, v, 1 / Math.sqrt(headDim), dropout, mask);
            return oProj.forward(Attention.merge(y));
        }
    }

    /** {@code mlp.*}: gate_proj, up_proj, down_proj (SwiGLU); hook point {@code hidden} on silu(gate) · up. */
    static final class Mlp extends Module {
        Linear gateProj, upProj, downProj;
        final HookPoint hidden;

        Mlp(LlamaConfig c, Weights w, String p) {
            gateProj = register("gate_proj", linear(w, p + "gate_proj", c.intermediateSize(), c.hiddenSize(), c.mlpBias()));
            upProj = register("up_proj", linear(w, p + "up_proj", c.intermediateSize(), c.hiddenSize(), c.mlpBias()));
            downProj = register("down_proj", linear(w, p + "down_proj", c.hiddenSize(), c.intermediateSize(), c.mlpBias()));
            hidden = register("hidden", new HookPoint());
        }

        Linear swap(String name, Linear l) { return replace(name, l.to(downProj.weight().device())); }

        @Override
        public Tensor forward(Tensor x) {
            return downProj.forward(hidden.forward(gateProj.forward(x).silu().mul(upProj.forward(x))));
        }
    }
}
