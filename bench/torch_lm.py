#!/usr/bin/env python3
"""PyTorch peer for Sluice's language-model benchmarks: a SmolLM-135M-shaped Llama with random weights.

The model is the plain-PyTorch Llama of src/test/python/hf_reference.py (written from Hugging Face's modeling
conventions; the same code that makes the parity fixtures), at SmolLM-135M's shape: hidden 576, 30 layers, 9 heads,
3 key/value heads, MLP 1536, vocab 49152, tied embeddings. Weights are float32, as in Sluice.
  generate: greedy decoding of --new tokens after a --prompt-token prompt, batch 1, with a KV cache (torch.cat per
            step, as transformers' DynamicCache does); reports prefill ms and decode tokens/s.
  step:     one AdamW fine-tuning step (causal-LM loss, batch --batch, --seq tokens): median ms and peak RSS.
Prints one JSON object. Usage: torch_lm.py --threads 2 [--only generate,step] [--new 32] [--prompt-tokens 32]
       [--batch 1] [--seq 128] [--steps 3]
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "python"))
import hf_reference as ref  # noqa: E402

SMOLLM_135M = {
    "model_type": "llama", "hidden_size": 576, "intermediate_size": 1536, "num_hidden_layers": 30,
    "num_attention_heads": 9, "num_key_value_heads": 3, "vocab_size": 49152, "max_position_embeddings": 2048,
    "rope_theta": 10000.0, "rope_scaling": None, "rms_norm_eps": 1e-5, "tie_word_embeddings": True,
    "attention_bias": False, "head_dim": 64,
}


def init(seed):
    g = torch.Generator().manual_seed(seed)
    return {k: v.contiguous() for k, v in ref.llama_init(SMOLLM_135M, g).items()}


def bench_generate(p, prompt_tokens, new):
    cfg = SMOLLM_135M
    prompt = torch.randint(0, cfg["vocab_size"], (1, prompt_tokens), generator=torch.Generator().manual_seed(1))
    cache = [None] * cfg["num_hidden_layers"]
    with torch.no_grad():
        t0 = time.perf_counter()
        logits = ref.llama_forward(cfg, p, prompt, cache, 0)
        t1 = time.perf_counter()
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        past = prompt_tokens
        for _ in range(new - 1):
            logits = ref.llama_forward(cfg, p, nxt, cache, past)
            past += 1
            nxt = logits[:, -1].argmax(-1, keepdim=True)
        t2 = time.perf_counter()
    return {"prefill_ms": (t1 - t0) * 1e3, "decode_tokens_per_second": (new - 1) / (t2 - t1)}


def bench_step(p, batch, seq, steps):
    cfg = SMOLLM_135M
    params = [t.requires_grad_(True) for t in p.values()]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    ids = torch.randint(0, cfg["vocab_size"], (batch, seq), generator=torch.Generator().manual_seed(2))
    times = []
    for _ in range(steps + 1):
        t0 = time.perf_counter()
        loss = ref.causal_lm_loss(ref.llama_forward(cfg, p, ids), ids)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"step_ms": statistics.median(times[1:]), "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="generate,step")
    ap.add_argument("--prompt-tokens", type=int, default=32)
    ap.add_argument("--new", type=int, default=32)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--steps", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    p = init(0)
    out = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(), "threads": a.threads,
           "parameters": sum(t.numel() for t in p.values())}
    only = a.only.split(",")
    if "generate" in only:
        out["generate"] = bench_generate(p, a.prompt_tokens, a.new)
    if "step" in only:
        out["step"] = bench_step(p, a.batch, a.seq, a.steps)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
