#!/usr/bin/env python3
"""Reference fixtures for Sluice's Hugging Face model support (issue "Real language models").

Regenerate (from the repository root; torch is the only non-stdlib dependency besides numpy):

    python3 -m venv --system-site-packages .venv-torch
    .venv-torch/bin/pip install torch            # or a local wheel: --no-index --no-deps /path/torch-*.whl
    .venv-torch/bin/python src/test/python/hf_reference.py

It writes src/test/resources/hf/<variant>/{config.json, model*.safetensors, reference.safetensors}.
Running it twice gives byte-identical files (single thread, deterministic algorithms, fixed seeds).

The models are written in plain PyTorch from the conventions of Hugging Face transformers'
modeling_gpt2.py, modeling_llama.py, modeling_qwen2.py and modeling_rope_utils.py (transformers is
not needed): the same parameter names, shapes (GPT-2's Conv1D stores weights as [in, out]),
LayerNorm / RMSNorm placement, rotate-half RoPE, llama3 rope scaling, grouped-query attention by
repeating each kv head for n_rep consecutive query heads, SwiGLU MLP, tied lm_head not saved, and
the causal-LM loss (logits[:, :-1] against input_ids[:, 1:], mean cross-entropy).

reference.safetensors holds, per variant:
  input_ids        int64   [2, 12]     fixed tokens
  logits           float32 [2, 12, V]  forward without a cache
  loss             float32 []          mean shifted cross-entropy on input_ids (labels = input_ids)
  grad.<name>      float32             d loss / d parameter, for every parameter in the weights file(s)
  greedy_prompt    int64   [1, 5]
  greedy_ids       int64   [64]        greedy continuation without a KV cache (full recompute each
                                       step); the script asserts the KV-cache path gives the same ids
  greedy_min_margin float32 []         smallest top-1 minus top-2 logit gap over the 64 steps
  max_position_used int64  []          largest position id used (68), < max_position_embeddings
For the F16/BF16 storage variants every output is computed in float32 from the stored (rounded)
weights converted back to float32.
"""

import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "src", "test", "resources", "hf")

TRANSFORMERS_VERSION = "4.46.3"   # the config.json layout mirrored (field set of that release)
VOCAB = 96
HIDDEN = 32
LAYERS = 2
HEADS = 4
HEAD_DIM = HIDDEN // HEADS
MAX_POS = 128
LLAMA_INTERMEDIATE = 40
BATCH, SEQ = 2, 12
PROMPT_LEN, GEN_LEN = 5, 64
MIN_MARGIN = 4e-3                 # greedy argmax gaps below this are rejected (seed is bumped)
MIN_DISTINCT = 16                 # ... and so are greedy continuations that collapse into a short loop


# --------------------------------------------------------------------------------------------
# safetensors writer (format of the reference implementation)
# --------------------------------------------------------------------------------------------

_ST_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
# the reference implementation orders tensors by dtype (larger enum value first), then by name
_ST_RANK = {"BF16": 12, "F16": 11, "F32": 15, "I64": 17}


def _raw_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype("<f2").tobytes()
    if t.dtype == torch.float32:
        return t.numpy().astype("<f4").tobytes()
    if t.dtype == torch.int64:
        return t.numpy().astype("<i8").tobytes()
    raise ValueError(t.dtype)


def save_safetensors(path, tensors):
    names = sorted(tensors, key=lambda n: (-_ST_RANK[_ST_DTYPE[tensors[n].dtype]], n))
    header = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for n in names:
        b = _raw_bytes(tensors[n])
        header[n] = {"dtype": _ST_DTYPE[tensors[n].dtype], "shape": list(tensors[n].shape),
                     "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    """Reader used to check the writer round-trips."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    np_types = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "BF16": "<i2"}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[base + a: base + b], dtype=np_types[info["dtype"]]).reshape(info["shape"])
        t = torch.from_numpy(arr.copy())
        if info["dtype"] == "BF16":
            t = t.view(torch.bfloat16)
        out[name] = t
    return out


def write_json(path, obj):
    # transformers writes config.json / index.json with indent=2, sorted keys and a final newline
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, sort_keys=True) + "\n")


# --------------------------------------------------------------------------------------------
# GPT-2 (modeling_gpt2.py conventions)
# --------------------------------------------------------------------------------------------

def gelu_new(x):
    # "gelu_new": tanh approximation of GELU
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def conv1d(x, w, b):
    # transformers' Conv1D: weight is [in_features, out_features], y = x @ W + b
    return x @ w + b


def gpt2_init(cfg, g):
    d, L, V, P = cfg["n_embd"], cfg["n_layer"], cfg["vocab_size"], cfg["n_positions"]
    inner = cfg["n_inner"] or 4 * d

    def rn(*shape, std):
        return torch.randn(*shape, generator=g) * std

    p = {"transformer.wte.weight": rn(V, d, std=0.3), "transformer.wpe.weight": rn(P, d, std=0.2)}
    for i in range(L):
        h = f"transformer.h.{i}."
        p[h + "ln_1.weight"] = 1.0 + rn(d, std=0.1)
        p[h + "ln_1.bias"] = rn(d, std=0.1)
        p[h + "attn.c_attn.weight"] = rn(d, 3 * d, std=0.3)
        p[h + "attn.c_attn.bias"] = rn(3 * d, std=0.1)
        p[h + "attn.c_proj.weight"] = rn(d, d, std=0.2)
        p[h + "attn.c_proj.bias"] = rn(d, std=0.1)
        p[h + "ln_2.weight"] = 1.0 + rn(d, std=0.1)
        p[h + "ln_2.bias"] = rn(d, std=0.1)
        p[h + "mlp.c_fc.weight"] = rn(d, inner, std=0.3)
        p[h + "mlp.c_fc.bias"] = rn(inner, std=0.1)
        p[h + "mlp.c_proj.weight"] = rn(inner, d, std=0.15)
        p[h + "mlp.c_proj.bias"] = rn(d, std=0.1)
    p["transformer.ln_f.weight"] = 1.0 + rn(d, std=0.1)
    p["transformer.ln_f.bias"] = rn(d, std=0.1)
    return p


def gpt2_forward(cfg, p, ids, cache=None, past=0):
    """ids [B, T]; cache: list of per-layer (k, v) [B, H, S, hd] or None; past = tokens already cached."""
    d, H = cfg["n_embd"], cfg["n_head"]
    hd = d // H
    eps = cfg["layer_norm_epsilon"]
    B, T = ids.shape
    pos = torch.arange(past, past + T)
    assert int(pos[-1]) < cfg["n_positions"]
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][pos][None]
    for i in range(cfg["n_layer"]):
        h = f"transformer.h.{i}."
        a = F.layer_norm(x, (d,), p[h + "ln_1.weight"], p[h + "ln_1.bias"], eps)
        q, k, v = conv1d(a, p[h + "attn.c_attn.weight"], p[h + "attn.c_attn.bias"]).split(d, dim=2)
        q, k, v = (t.view(B, T, H, hd).permute(0, 2, 1, 3) for t in (q, k, v))
        if cache is not None:
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = (k, v)
        S = k.shape[2]
        w = (q @ k.transpose(-1, -2)) / math.sqrt(hd)   # scale_attn_weights: 1/sqrt(head_dim)
        causal = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
        w = w.masked_fill(~causal, torch.finfo(w.dtype).min)
        w = torch.softmax(w, dim=-1)
        o = (w @ v).permute(0, 2, 1, 3).reshape(B, T, d)
        x = x + conv1d(o, p[h + "attn.c_proj.weight"], p[h + "attn.c_proj.bias"])
        m = F.layer_norm(x, (d,), p[h + "ln_2.weight"], p[h + "ln_2.bias"], eps)
        m = gelu_new(conv1d(m, p[h + "mlp.c_fc.weight"], p[h + "mlp.c_fc.bias"]))
        x = x + conv1d(m, p[h + "mlp.c_proj.weight"], p[h + "mlp.c_proj.bias"])
    x = F.layer_norm(x, (d,), p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], eps)
    return x @ p["transformer.wte.weight"].t()                # lm_head tied to wte


def gpt2_config(dtype):
    # the fields GPT2Config.save_pretrained writes (tie_word_embeddings is written explicitly here;
    # transformers itself omits it for GPT-2 because true is the default)
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": VOCAB - 1,
        "embd_pdrop": 0.0,
        "eos_token_id": VOCAB - 1,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_embd": HIDDEN,
        "n_head": HEADS,
        "n_inner": None,
        "n_layer": LAYERS,
        "n_positions": MAX_POS,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "tie_word_embeddings": True,
        "torch_dtype": dtype,
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": VOCAB,
    }


# --------------------------------------------------------------------------------------------
# Llama / Qwen2 (modeling_llama.py, modeling_qwen2.py, modeling_rope_utils.py conventions)
# --------------------------------------------------------------------------------------------

def llama_head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def has_qkv_bias(cfg):
    return cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)


def has_o_bias(cfg):
    return cfg["model_type"] == "llama" and cfg.get("attention_bias", False)


def rope_inv_freq(cfg, dtype=torch.float32):
    dim = llama_head_dim(cfg)
    base = cfg["rope_theta"]
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(torch.float32) / dim))
    rs = cfg.get("rope_scaling")
    if rs is not None:
        assert rs["rope_type"] == "llama3"
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        lo_wavelen, hi_wavelen = old / lo, old / hi
        wavelen = 2 * math.pi / inv
        # long wavelengths (low frequencies) are divided by factor, short ones kept,
        # the band in between is interpolated with a smooth factor
        scaled = torch.where(wavelen > lo_wavelen, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < hi_wavelen) * ~(wavelen > lo_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    return inv.to(dtype)


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rms_norm(x, w, eps):
    xf = x.to(torch.float32) if x.dtype != torch.float64 else x
    xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return w * xf.to(x.dtype)


def llama_init(cfg, g):
    d, L, V = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"]
    H, KV, I = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"]
    hd = llama_head_dim(cfg)

    def rn(*shape, std):
        return torch.randn(*shape, generator=g) * std

    p = {"model.embed_tokens.weight": rn(V, d, std=0.3)}
    for i in range(L):
        h = f"model.layers.{i}."
        p[h + "input_layernorm.weight"] = 1.0 + rn(d, std=0.1)
        p[h + "self_attn.q_proj.weight"] = rn(H * hd, d, std=0.3)
        p[h + "self_attn.k_proj.weight"] = rn(KV * hd, d, std=0.3)
        p[h + "self_attn.v_proj.weight"] = rn(KV * hd, d, std=0.3)
        if has_qkv_bias(cfg):
            p[h + "self_attn.q_proj.bias"] = rn(H * hd, std=0.2)
            p[h + "self_attn.k_proj.bias"] = rn(KV * hd, std=0.2)
            p[h + "self_attn.v_proj.bias"] = rn(KV * hd, std=0.2)
        p[h + "self_attn.o_proj.weight"] = rn(d, H * hd, std=0.2)
        if has_o_bias(cfg):
            p[h + "self_attn.o_proj.bias"] = rn(d, std=0.1)
        p[h + "post_attention_layernorm.weight"] = 1.0 + rn(d, std=0.1)
        p[h + "mlp.gate_proj.weight"] = rn(I, d, std=0.3)
        p[h + "mlp.up_proj.weight"] = rn(I, d, std=0.3)
        p[h + "mlp.down_proj.weight"] = rn(d, I, std=0.2)
    p["model.norm.weight"] = 1.0 + rn(d, std=0.1)
    if not cfg["tie_word_embeddings"]:
        p["lm_head.weight"] = rn(V, d, std=0.2)
    return p


def llama_forward(cfg, p, ids, cache=None, past=0):
    d = cfg["hidden_size"]
    H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = llama_head_dim(cfg)
    n_rep = H // KV
    eps = cfg["rms_norm_eps"]
    B, T = ids.shape
    pos = torch.arange(past, past + T)
    assert int(pos[-1]) < cfg["max_position_embeddings"]
    x = p["model.embed_tokens.weight"][ids]
    # rotary tables are computed in float32 (HF disables autocast there), then cast to the activations' dtype
    freqs = pos.to(torch.float32)[:, None] * rope_inv_freq(cfg)[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(x.dtype)[None, None], emb.sin().to(x.dtype)[None, None]

    def lin(t, name):
        y = t @ p[name + ".weight"].t()
        if name + ".bias" in p:
            y = y + p[name + ".bias"]
        return y

    for i in range(cfg["num_hidden_layers"]):
        h = f"model.layers.{i}."
        a = rms_norm(x, p[h + "input_layernorm.weight"], eps)
        q = lin(a, h + "self_attn.q_proj").view(B, T, H, hd).transpose(1, 2)
        k = lin(a, h + "self_attn.k_proj").view(B, T, KV, hd).transpose(1, 2)
        v = lin(a, h + "self_attn.v_proj").view(B, T, KV, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = (k, v)
        S = k.shape[2]
        # repeat_kv: kv head j serves query heads j*n_rep .. j*n_rep + n_rep - 1
        kr = k[:, :, None].expand(B, KV, n_rep, S, hd).reshape(B, H, S, hd)
        vr = v[:, :, None].expand(B, KV, n_rep, S, hd).reshape(B, H, S, hd)
        w = (q @ kr.transpose(-1, -2)) * hd ** -0.5
        causal = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
        w = w.masked_fill(~causal, torch.finfo(w.dtype).min)
        w = torch.softmax(w, dim=-1, dtype=torch.float32 if w.dtype != torch.float64 else w.dtype).to(q.dtype)
        o = (w @ vr).transpose(1, 2).reshape(B, T, H * hd)
        x = x + lin(o, h + "self_attn.o_proj")
        m = rms_norm(x, p[h + "post_attention_layernorm.weight"], eps)
        x = x + lin(F.silu(lin(m, h + "mlp.gate_proj")) * lin(m, h + "mlp.up_proj"), h + "mlp.down_proj")
    x = rms_norm(x, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else p["lm_head.weight"]
    return x @ head.t()


def llama_config(kv_heads, tied, dtype, rope_scaling=None, attention_bias=False):
    # the fields LlamaConfig.save_pretrained writes
    return {
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": attention_bias,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "head_dim": HEAD_DIM,
        "hidden_act": "silu",
        "hidden_size": HIDDEN,
        "initializer_range": 0.02,
        "intermediate_size": LLAMA_INTERMEDIATE,
        "max_position_embeddings": MAX_POS,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "num_key_value_heads": kv_heads,
        "pretraining_tp": 1,
        "rms_norm_eps": 1e-05,
        "rope_scaling": rope_scaling,
        "rope_theta": 10000.0,
        "tie_word_embeddings": tied,
        "torch_dtype": dtype,
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": VOCAB,
    }


def qwen2_config(kv_heads, tied, dtype):
    # the fields Qwen2Config.save_pretrained writes (as in Qwen2.5-0.5B: q/k/v biases are implied by
    # the architecture, there is no attention_bias / head_dim field; sliding window off)
    return {
        "architectures": ["Qwen2ForCausalLM"],
        "attention_dropout": 0.0,
        "bos_token_id": VOCAB - 1,
        "eos_token_id": VOCAB - 1,
        "hidden_act": "silu",
        "hidden_size": HIDDEN,
        "initializer_range": 0.02,
        "intermediate_size": LLAMA_INTERMEDIATE,
        "max_position_embeddings": MAX_POS,
        "max_window_layers": LAYERS,
        "model_type": "qwen2",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "num_key_value_heads": kv_heads,
        "rms_norm_eps": 1e-06,
        "rope_scaling": None,
        "rope_theta": 1000000.0,
        "sliding_window": MAX_POS,
        "tie_word_embeddings": tied,
        "torch_dtype": dtype,
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "use_sliding_window": False,
        "vocab_size": VOCAB,
    }


LLAMA3_SCALING = {
    "factor": 8.0,
    "high_freq_factor": 4.0,
    "low_freq_factor": 1.0,
    "original_max_position_embeddings": 96,
    "rope_type": "llama3",
}


# --------------------------------------------------------------------------------------------
# variants
# --------------------------------------------------------------------------------------------

STORAGE = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}

# Groups of variants that share one set of random weights: (family, first seed, [(name, config, layout)]).
# The storage variants (F16 / BF16 / sharded) hold the same draw as their float32 sibling; a group's
# seed is the first one, counting up from its first seed, whose greedy argmax gaps are all >= MIN_MARGIN
# in every member (so the reference token ids are robust to float32 rounding differences) and whose
# continuations use >= MIN_DISTINCT distinct tokens (so a wrong cache position shows).
GROUPS = [
    ("gpt2", 1000, [("gpt2", gpt2_config("float32"), "single"),
                    ("gpt2-f16", gpt2_config("float16"), "single")]),
    ("llama", 2000, [("llama-mha-untied", llama_config(HEADS, False, "float32"), "single")]),
    ("llama", 3000, [("llama-gqa-tied", llama_config(2, True, "float32"), "single"),
                     ("llama-gqa-tied-sharded", llama_config(2, True, "float32"), "sharded"),
                     ("llama-gqa-bf16", llama_config(2, True, "bfloat16"), "single")]),
    ("llama", 4000, [("qwen2-gqa-bias", qwen2_config(2, True, "float32"), "single")]),
    ("llama", 5000, [("llama3-rope-scaling",
                      llama_config(2, False, "float32", rope_scaling=LLAMA3_SCALING), "single")]),
]


def forward(family, cfg, p, ids, cache=None, past=0):
    return (gpt2_forward if family == "gpt2" else llama_forward)(cfg, p, ids, cache, past)


def n_layers(cfg):
    return cfg.get("n_layer") or cfg["num_hidden_layers"]


def max_positions(cfg):
    return cfg.get("n_positions") or cfg["max_position_embeddings"]


def causal_lm_loss(logits, ids):
    # ForCausalLM: predict token t+1 from positions <= t, mean over all shifted positions
    V = logits.shape[-1]
    if logits.dtype != torch.float64:
        logits = logits.float()                                   # HF upcasts logits before the loss
    return F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))


def greedy(family, cfg, p, prompt, n, use_cache):
    seq = prompt.clone()
    margins = []
    cache = [None] * n_layers(cfg) if use_cache else None
    step_input, past = seq, 0
    with torch.no_grad():
        for _ in range(n):
            if use_cache:
                logits = forward(family, cfg, p, step_input, cache, past)
                past += step_input.shape[1]
            else:
                logits = forward(family, cfg, p, seq)
            last = logits[0, -1]
            top2 = torch.topk(last, 2).values
            margins.append(float(top2[0] - top2[1]))
            nxt = torch.argmax(last).view(1, 1)
            seq = torch.cat([seq, nxt], dim=1)
            step_input = nxt
    return seq[0, prompt.shape[1]:].clone(), min(margins)


def fixed_tokens(seed, shape):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, VOCAB, shape, generator=g, dtype=torch.int64)


def init_params(family, cfg, seed):
    g = torch.Generator().manual_seed(seed)
    return gpt2_init(cfg, g) if family == "gpt2" else llama_init(cfg, g)


def stored_and_effective(init, cfg):
    """The tensors written (in the config's torch_dtype) and the float32 values the model computes with."""
    storage = STORAGE[cfg["torch_dtype"]]
    stored = {k: v.to(storage).contiguous() for k, v in init.items()}
    return stored, {k: v.to(torch.float32) for k, v in stored.items()}


def build_group(family, first_seed, members):
    prompt = fixed_tokens(11, (1, PROMPT_LEN))
    for seed in range(first_seed, first_seed + 50):
        ok = True
        for _, cfg, _ in members:
            _, p = stored_and_effective(init_params(family, cfg, seed), cfg)
            gen, margin = greedy(family, cfg, p, prompt, GEN_LEN, use_cache=False)
            if margin < MIN_MARGIN or len(set(gen.tolist())) < MIN_DISTINCT:
                ok = False
                break
        if ok:
            for name, cfg, layout in members:
                build(name, family, cfg, seed, layout)
            return
    raise RuntimeError(f"no seed from {first_seed} with greedy margins >= {MIN_MARGIN} and "
                       f">= {MIN_DISTINCT} distinct tokens")


def build(name, family, cfg, seed, layout):
    ids = fixed_tokens(7, (BATCH, SEQ))
    prompt = fixed_tokens(11, (1, PROMPT_LEN))
    stored, p = stored_and_effective(init_params(family, cfg, seed), cfg)
    gen, margin = greedy(family, cfg, p, prompt, GEN_LEN, use_cache=False)
    assert margin >= MIN_MARGIN and len(set(gen.tolist())) >= MIN_DISTINCT

    # KV-cache generation must agree token for token
    gen_cached, _ = greedy(family, cfg, p, prompt, GEN_LEN, use_cache=True)
    assert torch.equal(gen, gen_cached), f"{name}: cached greedy differs"
    # ... and so must the same model in float64 (the ids are not an accident of float32 rounding)
    p64 = {k: v.double() for k, v in p.items()}
    gen64, _ = greedy(family, cfg, p64, prompt, GEN_LEN, use_cache=False)
    assert torch.equal(gen, gen64), f"{name}: float64 greedy differs"
    max_pos = PROMPT_LEN + GEN_LEN - 1
    assert max_pos < max_positions(cfg)

    # forward + loss + gradients
    leaves = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    logits = forward(family, cfg, leaves, ids)
    loss = causal_lm_loss(logits, ids)
    loss.backward()
    with torch.no_grad():
        l64 = forward(family, cfg, p64, ids)
        err64 = float((l64 - logits.double()).abs().max())
        assert err64 < 1e-5, f"{name}: float32 vs float64 logits differ by {err64}"
        # cached prefill + one-token steps give the same logits as the full forward
        cache = [None] * n_layers(cfg)
        parts = [forward(family, cfg, p, ids[:, :7], cache, 0)]
        for t in range(7, SEQ):
            parts.append(forward(family, cfg, p, ids[:, t:t + 1], cache, t))
        assert (torch.cat(parts, 1) - logits).abs().max() < 1e-5, f"{name}: cached logits differ"
    leaves64 = {k: v.clone().requires_grad_(True) for k, v in p64.items()}
    causal_lm_loss(forward(family, cfg, leaves64, ids), ids).backward()
    gerr64 = max(float((leaves64[k].grad - leaves[k].grad.double()).abs().max()) for k in leaves)
    assert gerr64 < 1e-5, f"{name}: float32 vs float64 gradients differ by {gerr64}"
    if cfg.get("rope_scaling"):
        plain = dict(cfg, rope_scaling=None)
        inv_s, inv_p = rope_inv_freq(cfg), rope_inv_freq(plain)
        assert inv_s[0] == inv_p[0], "highest frequency must be kept"
        assert (inv_s[-1] - inv_p[-1] / cfg["rope_scaling"]["factor"]).abs() < 1e-12, "lowest must be divided"
        assert ((inv_s != inv_p) & (inv_s != inv_p / cfg["rope_scaling"]["factor"])).any(), "no smoothed band"
        with torch.no_grad():
            diff = (forward(family, plain, p, ids) - logits).abs().max()
        assert diff > 1e-2, f"{name}: rope scaling does not change the logits ({diff})"

    ref = {
        "input_ids": ids,
        "logits": logits.detach().contiguous(),
        "loss": loss.detach().reshape(()),
        "greedy_prompt": prompt,
        "greedy_ids": gen,
        "greedy_min_margin": torch.tensor(margin, dtype=torch.float32),
        "max_position_used": torch.tensor(max_pos, dtype=torch.int64),
    }
    for k, v in leaves.items():
        ref["grad." + k] = v.grad.detach().contiguous()

    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    config = dict(cfg)
    write_json(os.path.join(d, "config.json"), config)
    if layout == "single":
        save_safetensors(os.path.join(d, "model.safetensors"), stored)
    else:
        names = sorted(stored)
        first = [n for n in names if n.startswith("model.embed_tokens") or n.startswith("model.layers.0.")]
        second = [n for n in names if n not in first]
        files = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        weight_map = {}
        for fname, part in zip(files, (first, second)):
            save_safetensors(os.path.join(d, fname), {n: stored[n] for n in part})
            weight_map.update({n: fname for n in part})
        total = sum(t.numel() * t.element_size() for t in stored.values())
        write_json(os.path.join(d, "model.safetensors.index.json"),
                   {"metadata": {"total_size": total}, "weight_map": weight_map})
    save_safetensors(os.path.join(d, "reference.safetensors"), ref)

    # the files read back to the same tensors
    back = {}
    for f in sorted(os.listdir(d)):
        if f.startswith("model") and f.endswith(".safetensors"):
            back.update(load_safetensors(os.path.join(d, f)))
    assert set(back) == set(stored)
    for k in stored:
        assert torch.equal(back[k], stored[k]), k
    rb = load_safetensors(os.path.join(d, "reference.safetensors"))
    assert set(rb) == set(ref) and all(torch.equal(rb[k], ref[k]) for k in ref)
    print(f"{name:24s} seed={seed} params={sum(v.numel() for v in p.values())} "
          f"loss={loss.detach().item():.4f} margin={margin:.4f} |logits|<={float(logits.detach().abs().max()):.1f} "
          f"f64err={err64:.1e}/{gerr64:.1e} distinct={len(set(gen.tolist()))} greedy={gen[:12].tolist()}...")


def main():
    for family, first_seed, members in GROUPS:
        build_group(family, first_seed, members)
    total = 0
    for dp, _, fs in os.walk(OUT):
        total += sum(os.path.getsize(os.path.join(dp, f)) for f in fs)
    print(f"total fixture bytes: {total}")
    assert total < 1_500_000, "fixtures too large"


if __name__ == "__main__":
    sys.exit(main())
