#!/usr/bin/env python3
"""PyTorch's softplus and its gradient on fixed float64 inputs, for the book's chapter 4 (docs/04-new-op.md).

Regenerate from the repository root (torch is the only dependency; see the README's Benchmarks section for the
venv line that installs the machine image's wheel):

    .venv-torch/bin/python src/test/python/softplus_reference.py

It writes src/test/resources/dev/sluice/docs/softplus-torch.json: x, softplus(x) and d sum(w * softplus(x)) / dx,
all float64, printed with repr (shortest round-trip form, so Java parses the same doubles). Running it twice gives
identical bytes.
"""

import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "src", "test", "resources", "dev", "sluice", "docs", "softplus-torch.json")

gen = torch.Generator().manual_seed(4)
# ordinary values, the kink region, and both tails (PyTorch switches to x itself above threshold 20)
x = torch.cat([torch.randn(12, generator=gen, dtype=torch.float64) * 3,
               torch.tensor([0.0, 1e-8, -1e-8, 19.5, 20.5, 35.0, -35.0, -700.0, 700.0], dtype=torch.float64)])
w = torch.linspace(-1, 1, x.numel(), dtype=torch.float64)
x.requires_grad_(True)
y = F.softplus(x)
(w * y).sum().backward()

fixture = {
    "torch": torch.__version__,
    "x": [float(v) for v in x.detach()],
    "w": [float(v) for v in w],
    "softplus": [float(v) for v in y.detach()],
    "grad": [float(v) for v in x.grad],
}
with open(OUT, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print("wrote", OUT)
