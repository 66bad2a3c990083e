// Fused kernels for the losses and the parameter noise that would otherwise run as several composed kernels:
// softmax cross entropy, the distillation divergences (forward KL, reverse KL, soft-target CE) and UNDO's
// shrink-and-perturb. Each loss kernel writes the per-row loss and, in the same pass over the row, the gradient with
// respect to the logits (already scaled per row), so backward is one multiply by the upstream scalar. One block per
// row of contiguous float32 logits (LaunchConfig.perRow). Gradient masking (route's backward, g·mask with
// broadcasting) has no kernel here: it is exactly one broadcasting sl_binary_f32 multiply already.
#include "common.cuh"

// logits: [rows, C]; target: int64 [rows] (in [0, C)); coef: [rows] (w_i/Σw, 0 for ignored rows); row_loss: [rows];
// grad: [rows, C] or null.  With logp = x - max - log Σ exp(x - max):
//   row_loss[i] = -(1-ε)·logp[i, t_i] - (ε/C)·Σ_c logp[i, c]
//   grad[i, c]  = coef[i]·(exp(logp[i, c]) - ε/C - (1-ε)·[c = t_i])
extern "C" __global__ void sl_softmax_xent_f32(const float* x, const long long* target, const float* coef, float smoothing,
                                               float* row_loss, float* grad, int rows, int C) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * C;
        float mx = -INFINITY, sx = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) { mx = sl_combine(1, mx, xr[c]); sx += xr[c]; }
        mx = sl_block_reduce(1, mx);
        sx = sl_block_reduce(0, sx);
        float se = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) se += expf(xr[c] - mx);
        float lse = mx + logf(sl_block_reduce(0, se));
        int t = (int) target[r];
        if (threadIdx.x == 0) {
            float sum_logp = sx - (float) C * lse;
            row_loss[r] = -(1 - smoothing) * (xr[t] - lse) - smoothing / C * sum_logp;
        }
        if (grad) {
            float w = coef[r], u = smoothing / C;
            float* gr = grad + (long long) r * C;
            for (int c = threadIdx.x; c < C; c += blockDim.x) {
                gr[c] = w * (expf(xr[c] - lse) - u - (c == t ? 1 - smoothing : 0.0f));
            }
        }
    }
}

// student, teacher: [rows, V] logits; inv_tau = 1/T; coef: [rows] (T·w_r); row_loss: [rows]; grad: [rows, V] or null.
// With z = logits/T, log p = log-softmax(z):
//   kind 0 forward KL:  loss = Σ p_T (log p_T - log p_S);  grad = coef·(p_S - p_T)
//   kind 1 reverse KL:  loss = Σ p_S (log p_S - log p_T);  grad = coef·p_S·(log p_S - log p_T - loss)
//   kind 2 soft CE:     loss = -Σ p_T log p_S;             grad = coef·(p_S - p_T)
extern "C" __global__ void sl_distill_f32(int kind, const float* student, const float* teacher, float inv_tau,
                                          const float* coef, float* row_loss, float* grad, int rows, int V) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* sr = student + (long long) r * V;
        const float* tr = teacher + (long long) r * V;
        float ms = -INFINITY, mt = -INFINITY;
        for (int c = threadIdx.x; c < V; c += blockDim.x) {
            ms = sl_combine(1, ms, sr[c] * inv_tau);
            mt = sl_combine(1, mt, tr[c] * inv_tau);
        }
        ms = sl_block_reduce(1, ms);
        mt = sl_block_reduce(1, mt);
        float es = 0, et = 0;
        for (int c = threadIdx.x; c < V; c += blockDim.x) {
            es += expf(sr[c] * inv_tau - ms);
            et += expf(tr[c] * inv_tau - mt);
        }
        float lse_s = ms + logf(sl_block_reduce(0, es));
        float lse_t = mt + logf(sl_block_reduce(0, et));
        float acc = 0;
        for (int c = threadIdx.x; c < V; c += blockDim.x) {
            float ls = sr[c] * inv_tau - lse_s, lt = tr[c] * inv_tau - lse_t;
            acc += kind == 0 ? expf(lt) * (lt - ls) : kind == 1 ? expf(ls) * (ls - lt) : -expf(lt) * ls;
        }
        float loss = sl_block_reduce(0, acc);
        if (threadIdx.x == 0) row_loss[r] = loss;
        if (grad) {
            float w = coef[r];
            float* gr = grad + (long long) r * V;
            for (int c = threadIdx.x; c < V; c += blockDim.x) {
                float ls = sr[c] * inv_tau - lse_s, lt = tr[c] * inv_tau - lse_t, ps = expf(ls);
                gr[c] = w * (kind == 1 ? ps * (ls - lt - loss) : ps - expf(lt));
            }
        }
    }
}

// UNDO's noise step in place on n contiguous float32 parameters: p = shrink·p + noise·(a + b·Z_i), Z_i element i of
// the standard draw of `kind` (0: U[0,1), 1: N(0,1)) at (seed, offset) — the numbers Tensor.rand/randn give for the
// same counters on any backend.
extern "C" __global__ void sl_shrink_perturb_f32(float* p, int n, float shrink, float noise, int kind,
                                                 unsigned long long seed, unsigned long long offset, float a, float b) {
    SL_FOR(i, n) {
        float z = sl_random_value_f32(i, kind, seed, offset, 0.0, 1.0);
        float nv = z * b + a;
        p[i] = shrink * p[i] + noise * nv;
    }
}
