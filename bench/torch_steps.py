#!/usr/bin/env python3
"""PyTorch peer for `sluice bench steps`: times one training step of the three reference models.

The shapes, losses and optimizers match Sluice's side exactly (see dev.sluice.bench.TrainingSteps):
  gpt  vocab 64, context 64, d_model 128, 4 heads, 4 layers, MLP 4x GELU, pre-LN, batch 32, AdamW(lr 3e-4, wd 0.01)
  mlp  784-512-512-10 ReLU, batch 128, cross-entropy, Adam(lr 1e-3)
  ae   784-512-256-32-256-512-784 ReLU, batch 256, MSE, Adam(lr 1e-3)
Prints one JSON object: {"torch": version, "capability": CPU capability, "threads": n, "steps": {name: median ms}}.
Usage: torch_steps.py --threads 2 [--steps 20] [--warmup 5] [--only gpt,mlp,ae]
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self, vocab=64, context=64, d=128, heads=4, layers=4):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x))


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def make(name, gen):
    if name == "gpt":
        model = GPT()
        x = torch.randint(0, 64, (32, 64), generator=gen)
        y = torch.randint(0, 64, (32, 64), generator=gen)
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
        loss = lambda: F.cross_entropy(model(x).view(-1, 64), y.view(-1))
    elif name == "mlp":
        model = mlp([784, 512, 512, 10])
        x = torch.randn(128, 784, generator=gen)
        y = torch.randint(0, 10, (128,), generator=gen)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss = lambda: F.cross_entropy(model(x), y)
    elif name == "ae":
        model = mlp([784, 512, 256, 32, 256, 512, 784])
        x = torch.rand(256, 784, generator=gen)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss = lambda: F.mse_loss(model(x), x)
    else:
        raise SystemExit(f"unknown model {name}")

    def step():
        opt.zero_grad(set_to_none=True)
        loss().backward()
        opt.step()

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--only", default="gpt,mlp,ae")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    result = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
              "threads": torch.get_num_threads(), "steps": {}}
    for name in args.only.split(","):
        step = make(name, torch.Generator().manual_seed(0))
        for _ in range(args.warmup):
            step()
        times = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            step()
            times.append((time.perf_counter() - t0) * 1e3)
        result["steps"][name] = statistics.median(times)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
