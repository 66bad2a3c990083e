#!/usr/bin/env python3
"""PyTorch peer for `sluice bench memory`: the same memory-bound kernels on the same sizes, timed the same way.

Each kernel writes into preallocated outputs (`out=` variants of the ATen ops), as Sluice's kernels write into reused
buffers, so neither side pays for fresh 64 MiB allocations. Bytes are counted as Sluice counts them (each compulsory
read and write once), so GB/s compare directly:
  copy (roof)            x -> out                                    8 B/element
  add a+b                x + y -> out                                12
  mul by row vector      x * v[cols] -> out                          8
  gelu                   exact (erf) GELU, x -> out                  8
  softmax rows           softmax over rows of `cols`, x -> out       8
  softmax backward       y, g -> dx                                  12
  cross entropy fwd+bwd  loss per row and d(logits) in one call      8   (log_softmax + nll_loss forward and backward)
  layer norm fwd         x -> y (with mean, rstd)                    8
  layer norm bwd         g, x -> dx (and dgamma, dbeta)              12
  adamw update           p, g, m, v -> p, m, v (fused AdamW)         28
Prints one JSON object: {"torch": version, "capability": cpu capability, "threads": n, "gbps": {kernel: GB/s}}.
Usage: torch_memory.py --n 16777216 --cols 1024 --threads 1 [--min-seconds 0.5]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def timed(fn, min_seconds, warmup=2, min_reps=5):
    """Median seconds per call, after warm-up, over at least min_reps calls and min_seconds."""
    for _ in range(warmup):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1 << 24)
    ap.add_argument("--cols", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--min-seconds", type=float, default=0.5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    n, cols = args.n, args.cols
    rows = n // cols
    gen = torch.Generator().manual_seed(7)
    x = torch.rand(rows, cols, generator=gen) * 2 - 1
    y = torch.rand(rows, cols, generator=gen) * 2 - 1
    g = torch.rand(rows, cols, generator=gen) * 2 - 1
    out = torch.empty(rows, cols)
    row_vec = torch.rand(cols, generator=gen) * 2 - 1
    gamma = torch.rand(cols, generator=gen) * 2 - 1
    beta = torch.rand(cols, generator=gen) * 2 - 1
    mean, rstd = torch.empty(rows, 1), torch.empty(rows, 1)
    dgamma, dbeta = torch.empty(cols), torch.empty(cols)
    targets = torch.randint(0, cols, (rows,), generator=gen)
    probs = torch.softmax(x, dim=-1)
    aten = torch.ops.aten
    ms = args.min_seconds

    kernels = {}
    kernels["copy (roof)"] = (8, lambda: out.copy_(x))
    kernels["add a+b"] = (12, lambda: torch.add(x, y, out=out))
    kernels["mul by row vector"] = (8, lambda: torch.mul(x, row_vec, out=out))
    kernels["gelu"] = (8, lambda: aten.gelu.out(x, out=out))
    kernels["softmax rows"] = (8, lambda: aten._softmax.out(x, -1, False, out=out))
    kernels["softmax backward"] = (12, lambda: aten._softmax_backward_data.out(g, probs, -1, torch.float32, grad_input=out))
    # the loss and the logits' gradient, as Sluice's fused kernel produces them (mean reduction: coefficient 1/rows)
    logits = x.clone().requires_grad_(True)

    def cross_entropy():
        logits.grad = None
        F.cross_entropy(logits, targets).backward()

    kernels["cross entropy fwd+bwd"] = (8, cross_entropy)
    kernels["layer norm fwd"] = (8, lambda: aten.native_layer_norm.out(x, [cols], gamma, beta, 1e-5,
                                                                       out0=out, out1=mean, out2=rstd))
    aten.native_layer_norm.out(x, [cols], gamma, beta, 1e-5, out0=out, out1=mean, out2=rstd)
    kernels["layer norm bwd"] = (12, lambda: aten.native_layer_norm_backward.out(
        g, x, [cols], mean, rstd, gamma, beta, [True, True, True], out0=out, out1=dgamma, out2=dbeta))
    p, m, v = (x.clone().view(-1), torch.zeros(n), torch.zeros(n))
    grad, step = g.view(-1), torch.tensor(10.0)

    def adamw():
        torch._fused_adamw_([p], [grad], [m], [v], [], [step], lr=1e-3, beta1=0.9, beta2=0.999,
                            weight_decay=0.01, eps=1e-8, amsgrad=False, maximize=False)

    kernels["adamw update"] = (28, adamw)

    gbps = {}
    for name, (bytes_per_element, fn) in kernels.items():
        try:
            gbps[name] = bytes_per_element * n / timed(fn, ms) / 1e9
        except (RuntimeError, AttributeError, TypeError) as e:  # an op this build lacks: reported, not fatal
            gbps[name] = None
            gbps[name + " error"] = str(e).splitlines()[0][:200]
    print(json.dumps({"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
                      "threads": torch.get_num_threads(), "gbps": gbps}))


if __name__ == "__main__":
    main()
