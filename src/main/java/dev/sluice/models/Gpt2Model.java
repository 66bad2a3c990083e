package dev.sluice.models;

import dev.sluice.nn.Dropout;
import dev.sluice.nn.Embedding;
import dev.sluice.nn.HookPoint;
import dev.sluice.nn.KVCache;
import dev.sluice.nn.LayerNorm;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Module;
import dev.sluice.nn.Sequential;
import dev.sluice.nn.functional.F;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * GPT-2 as transformers' {@code GPT2LMHeadModel} computes it: {@code wte(tokens) + wpe(positions)}, then per block
 * {@code h = x + c_proj(attn(c_attn(ln_1(x))))} and {@code h + mlp.c_proj(act(mlp.c_fc(ln_2(h))))}, a final
 * {@code ln_f}, and the head (tied to {@code wte} by default). The projections are Hugging Face's {@code Conv1D}:
 * weights stored [in, out] and applied as {@code x · W + b}; parameters keep that layout and the checkpoint names
 * ({@code transformer.h.i.attn.c_attn.weight} [nEmbd, 3·nEmbd], ...), so gradients have the checkpoint's shapes.
 * Dropouts ({@code embd_pdrop}, {@code attn_pdrop}, {@code resid_pdrop}) act in training mode only.
 */
public final class Gpt2Model extends CausalLM {
    private final Gpt2Config cfg;
    private final Transformer transformer;
    private final Linear lmHead;

    /**
     * A freshly initialised model: matrices N(0, initializerRange²), LayerNorms (1, 0), biases 0.
     *
     * @param cfg the configuration
     * @param gen the source of the initial weights and of dropout masks
     */
    public Gpt2Model(Gpt2Config cfg, Generator gen) { this(cfg, Weights.random(gen, cfg.initializerRange()), gen); }

    Gpt2Model(Gpt2Config cfg, Weights w, Generator gen) {
        this.cfg = cfg;
        this.transformer = register("transformer", new Transformer(cfg, w, gen));
        this.lmHead = cfg.tieWordEmbeddings() ? null
                : register("lm_head", new Linear(w.get("lm_head.weight", new int[] {cfg.vocabSize(), cfg.nEmbd()}, Weights.Kind.MATRIX), null));
    }

    @Override
    public Gpt2Config config() { return cfg; }

    @Override
    public Tensor forward(Tensor tokens, int[] leftPad, KVCache cache) {
        int start = checkTokens(tokens, cache);
        int b = tokens.size(0), t = tokens.size(1);
        boolean padded = Attention.checkPadding("Gpt2Model", leftPad, b, start, t, cache);
        int minPad = 0;
        if (padded) {
            minPad = Integer.MAX_VALUE;
            for (int p : leftPad) minPad = Math.min(minPad, p);
        }
        if (start + t - minPad > cfg.nPositions()) {
            throw new IllegalArgumentException("Gpt2Model: " + (start + t - minPad) + " positions exceed n_positions " + cfg.nPositions());
        }
        Tensor pos = padded ? Tensor.of(Attention.positions(leftPad, b, start, t), b, t).to(tokens.device())
                : Tensor.arange(start, start + t, 1, DType.INT64).to(tokens.device());
        Tensor mask = padded ? Attention.paddedMask(leftPad, start, t, 1).to(tokens.device()) : null;
        Tensor x = transformer.drop.forward(transformer.wte.forward(tokens).add(transformer.wpe.forward(pos)));
        for (int i = 0; i < transformer.h.size(); i++) x = block(i).forward(x, cache, i, mask);
        x = transformer.lnF.forward(x);
        return lmHead != null ? lmHead.forward(x) : F.linear(x, transformer.wte.weight(), null);
    }

    private Block block(int i) { return (Block) transformer.h.get(i); }

    @Override
    String layerPrefix() { return "transformer.h."; }

    @Override
    public int mlpWidth(int layer) {
        checkLayer("mlpWidth", layer);
        return block(layer).mlp.cFc.weight.size(1);
    }

    /**
     * {@inheritDoc} Here {@code mlp.c_fc} (Conv1D, weight [in, out]) gains weight columns and bias entries and
     * {@code mlp.c_proj} gains weight rows.
     */
    @Override
    public void expandMlp(int layer, int units, Generator gen) {
        checkLayer("expandMlp", layer);
        Mlp m = block(layer).mlp;
        double std = cfg.initializerRange();
        m.cFc = m.swap("c_fc", new Conv1D(grow(m.cFc.weight, 1, units, std, gen), LlamaModel.growBias(m.cFc.bias, units)));
        m.cProj = m.swap("c_proj", new Conv1D(grow(m.cProj.weight, 0, units, std, gen), LlamaModel.copy(m.cProj.bias)));
    }

    @Override
    public void narrowMlp(int layer, int units) {
        checkLayer("narrowMlp", layer);
        Mlp m = block(layer).mlp;
        String op = "Gpt2Model.narrowMlp";
        m.cFc = m.swap("c_fc", new Conv1D(keep(m.cFc.weight, 1, units, op), keep(m.cFc.bias, 0, units, op)));
        m.cProj = m.swap("c_proj", new Conv1D(keep(m.cProj.weight, 0, units, op), LlamaModel.copy(m.cProj.bias)));
    }

    /** {@code transformer.*}: wte, wpe, h, ln_f. */
    static final class Transformer extends Module {
        final Embedding wte, wpe;
        final Dropout drop;
        final Sequential h;
        final LayerNorm lnF;

        Transformer(Gpt2Config c, Weights w, Generator gen) {
            wte = register("wte", new Embedding(w.get("transformer.wte.weight", new int[] {c.vocabSize(), c.nEmbd()}, Weights.Kind.MATRIX)));
            wpe = register("wpe", new Embedding(w.get("transformer.wpe.weight", new int[] {c.nPositions(), c.nEmbd()}, Weights.Kind.MATRIX)));
            drop = register("drop", new Dropout(c.embdPdrop(), gen));
            Block[] bs = new Block[c.nLayer()];
            for (int i = 0; i < bs.length; i++) bs[i] = new Block(c, w, "transformer.h." + i + ".", i, gen);
            h = register("h", new Sequential(bs));
            lnF = register("ln_f", layerNorm(c, w, "transformer.ln_f"));
        }
    }

    static LayerNorm layerNorm(Gpt2Config c, Weights w, String name) {
        LayerNorm ln = new LayerNorm(c.nEmbd(), c.layerNormEps());
        Tensor weight = w.get(name + ".weight", new int[] {c.nEmbd()}, Weights.Kind.NORM_WEIGHT);
        Tensor bias = w.get(name + ".bias", new int[] {c.nEmbd()}, Weights.Kind.NORM_BIAS);
        try (var ignored = dev.sluice.autograd.GradMode.noGrad()) {
            ln.weight().copy_(weight);
            ln.bias().copy_(bias);
        }
        return ln;
    }

    /** Hugging Face's Conv1D: weight [in, out], {@code y = x · W + b}. */
    static final class Conv1D extends Module {
        final Tensor weight, bias;

        Conv1D(Weights w, String name, int in, int out) {
            this(w.get(name + ".weight", new int[] {in, out}, Weights.Kind.MATRIX), w.get(name + ".bias", new int[] {out}, Weights.Kind.BIAS));
        }

        Conv1D(Tensor weight, Tensor bias) {
            this.weight = registerParameter("weight", weight);
            this.bias = registerParameter("bias", bias);
        }

        @Override
        public Tensor forward(Tensor x) { return F.linear(x, weight.t(), bias); }
    }

    /** {@code transformer.h.i.*}: ln_1, attn, ln_2, mlp. */
    static final class Block extends Module {
        final LayerNorm ln1, ln2;
        final Attn attn;
        final Mlp mlp;
        final HookPoint resid;

        Block(Gpt2Config c, Weights w, String p, int index, Generator gen) {
            ln1 = register("ln_1", layerNorm(c, w, p + "ln_1"));
            attn = register("attn", new Attn(c, w, p + "attn.", index, gen));
            ln2 = register("ln_2", layerNorm(c, w, p + "ln_2"));
            mlp = register("mlp", new Mlp(c, w, p + "mlp.", gen));
            resid = register("resid", new HookPoint());
        }

        Tensor forward(Tensor x, KVCache cache, int layer, Tensor mask) {
            Tensor h = x.add(attn.forward(ln1.forward(x), cache, layer, mask));
            return resid.forward(h.add(mlp.forward(ln2.forward(h))));
        }
    }

    /** {@code attn.*}: c_attn, c_proj. */
    static final class Attn extends Module {
        final Conv1D cAttn, cProj;
        final Dropout attnDropout, residDropout;
        final int heads, headDim;
        final double scale;

        Attn(Gpt2Config c, Weights w, String p, int index, Generator gen) {
            heads = c.nHead();
            headDim = c.nEmbd() / c.nHead();
            cAttn = register("c_attn", new Conv1D(w, p + "c_attn", c.nEmbd(), 3 * c.nEmbd()));
            cProj = register("c_proj", new Conv1D(w, p + "c_proj", c.nEmbd(), c.nEmbd()));
            attnDropout = register("attn_dropout", new Dropout(c.attnPdrop(), gen));
            residDropout = register("resid_dropout", new Dropout(c.residPdrop(), gen));
            scale = 1 / Math.sqrt(headDim) / (c.scaleAttnByInverseLayerIdx() ? index + 1 : 1);
        }

        Tensor forward(Tensor x, KVCache cache, int layer, Tensor mask) {
            Tensor[] qkv = cAttn.forward(x).chunk(3, -1);
            Tensor q = Attention.heads(qkv[0], heads, headDim);
            Tensor k = Attention.heads(qkv[1], heads, headDim);
            Tensor v = Attention.heads(qkv[2], heads, headDim);
            if (cache != null) {
                Tensor[] kv = cache.append(layer, k, v);
                k = kv[0];
                v = kv[1];
            }
            Tensor y = Attention.attend(q, k, v, scale, attnDropout, mask);
            return residDropout.forward(cProj.forward(Attention.merge(y)));
        }
    }

    /** {@code mlp.*}: c_fc, c_proj; hook point {@code hidden} on the activation's output. */
    static final class Mlp extends Module {
        Conv1D cFc, cProj;
        final Dropout dropout;
        final String activation;
        final HookPoint hidden;

        Mlp(Gpt2Config c, Weights w, String p, Generator gen) {
            cFc = register("c_fc", new Conv1D(w, p + "c_fc", c.nEmbd(), c.nInner()));
            cProj = register("c_proj", new Conv1D(w, p + "c_proj", c.nInner(), c.nEmbd()));
            dropout = register("dropout", new Dropout(c.residPdrop(), gen));
            activation = c.activation();
            hidden = register("hidden", new HookPoint());
        }

        Conv1D swap(String name, Conv1D c) { return replace(name, c.to(cProj.weight.device())); }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = cFc.forward(x);
            h = switch (activation) {
                case "gelu_new", "gelu_pytorch_tanh" -> h.geluTanh();
                case "gelu" -> h.gelu();
                case "relu" -> h.relu();
                case "silu", "swish" -> h.silu();
                case "tanh" -> h.tanh();
                default -> throw new IllegalStateException(activation);
            };
            return dropout.forward(cProj.forward(hidden.forward(h)));
        }
    }
}
