// Fused kernels for the losses and the parameter noise that would otherwise run as several composed kernels:
// softmax cross entropy, the distillation divergences (forward KL, reverse KL, soft-target CE) and UNDO's
// shrink-and-perturb. Each loss kernel writes the per-row loss and, in the same pass over the row, the gradient with
// respect to the logits (already scaled per row), so backward is one multiply by the upstream scalar. One block per
// row of contiguous float32 or float64 logits (LaunchConfig.perRow). Gradient masking (route's backward, g·mask with
// broadcasting) has no kernel here: it is exactly one broadcasting sl_binary_f32 multiply already.
#include "common.cuh"

// logits: [rows, C]; target: int64 [rows] (in [0, C)); coef: [rows] (w_i/Σw, 0 for ignored rows); row_loss: [rows];
// grad: [rows, C] or null; all T (float32 or float64).  With logp = x - max - log Σ exp(x - max):
//   row_loss[i] = -(1-ε)·logp[i, t_i] - (ε/C)·Σ_c logp[i, c]
//   grad[i, c]  = coef[i]·(exp(logp[i, c]) - ε/C - (1-ε)·[c = t_i])
template <typename T> __device__ void sl_softmax_xent(const T* x, const long long* target, const T* coef, T smoothing,
                                                     T* row_loss, T* grad, int rows, int C) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + (long long) r * C;
        T mx = -INFINITY, sx = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) { mx = sl_combine(1, mx, xr[c]); sx += xr[c]; }
        mx = sl_reduce_block(1, mx);
        sx = sl_reduce_block(0, sx);
        T se = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) se += exp(xr[c] - mx);
        T lse = mx + log(sl_reduce_block(0, se));
        int t = (int) target[r];
        if (threadIdx.x == 0) {
            T sum_logp = sx - (T) C * lse;
            row_loss[r] = -(1 - smoothing) * (xr[t] - lse) - smoothing / C * sum_logp;
        }
        if (grad) {
            T w = coef[r], u = smoothing / C;
            T* gr = grad + (long long) r * C;
            for (int c = threadIdx.x; c < C; c += blockDim.x) {
                gr[c] = w * (exp(xr[c] - lse) - u - (c == t ? 1 - smoothing : (T) 0));
            }
        }
    }
}

extern "C" __global__ void sl_softmax_xent_f32(const float* x, const long long* target, const float* coef, float smoothing,
                                               float* row_loss, float* grad, int rows, int C) {
    sl_softmax_xent(x, target, coef, smoothing, row_loss, grad, rows, C);
}

extern "C" __global__ void sl_softmax_xent_f64(const double* x, const long long* target, const double* coef,
                                               double smoothing, double* row_loss, double* grad, int rows, int C) {
    sl_softmax_xent(x, target, coef, smoothing, row_loss, grad, rows, C);
}

// student, teacher: [rows, V] logits; inv_tau = 1/T; coef: [rows] (T·w_r); row_loss: [rows]; grad: [rows, V] or null;
// all of type R (float32 or float64). With z = logits/T, log p = log-softmax(z):
//   kind 0 forward KL:  loss = Σ p_T (log p_T - log p_S);  grad = coef·(p_S - p_T)
//   kind 1 reverse KL:  loss = Σ p_S (log p_S - log p_T);  grad = coef·p_S·(log p_S - log p_T - loss)
//   kind 2 soft CE:     loss = -Σ p_T log p_S;             grad = coef·(p_S - p_T)
template <typename R> __device__ void sl_distill(int kind, const R* student, const R* teacher, R inv_tau, const R* coef,
                                                R* row_loss, R* grad, int rows, int V) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const R* sr = student + (long long) r * V;
        const R* tr = teacher + (long long) r * V;
        R ms = -INFINITY, mt = -INFINITY;
        for (int c = threadIdx.x; c < V; c += blockDim.x) {
            ms = sl_combine(1, ms, sr[c] * inv_tau);
            mt = sl_combine(1, mt, tr[c] * inv_tau);
        }
        ms = sl_reduce_block(1, ms);
        mt = sl_reduce_block(1, mt);
        R es = 0, et = 0;
        for (int c = threadIdx.x; c < V; c += blockDim.x) {
            es += exp(sr[c] * inv_tau - ms);
            et += exp(tr[c] * inv_tau - mt);
        }
        R lse_s = ms + log(sl_reduce_block(0, es));
        R lse_t = mt + log(sl_reduce_block(0, et));
        R acc = 0;
        for (int c = threadIdx.x; c < V; c += blockDim.x) {
            R ls = sr[c] * inv_tau - lse_s, lt = tr[c] * inv_tau - lse_t;
            acc += kind == 0 ? exp(lt) * (lt - ls) : kind == 1 ? exp(ls) * (ls - lt) : -exp(lt) * ls;
        }
        R loss = sl_reduce_block(0, acc);
        if (threadIdx.x == 0) row_loss[r] = loss;
        if (grad) {
            R w = coef[r];
            R* gr = grad + (long long) r * V;
            for (int c = threadIdx.x; c < V; c += blockDim.x) {
                R ls = sr[c] * inv_tau - lse_s, lt = tr[c] * inv_tau - lse_t, ps = exp(ls);
                gr[c] = w * (kind == 1 ? ps * (ls - lt - loss) : ps - exp(lt));
            }
        }
    }
}

extern "C" __global__ void sl_distill_f32(int kind, const float* student, const float* teacher, float inv_tau,
                                          const float* coef, float* row_loss, float* grad, int rows, int V) {
    sl_distill(kind, student, teacher, inv_tau, coef, row_loss, grad, rows, V);
}

extern "C" __global__ void sl_distill_f64(int kind, const double* student, const double* teacher, double inv_tau,
                                          const double* coef, double* row_loss, double* grad, int rows, int V) {
    sl_distill(kind, student, teacher, inv_tau, coef, row_loss, grad, rows, V);
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

// The same step on float64 parameters, with the float64 stream (Tensor.rand/randn in float64 for those counters).
extern "C" __global__ void sl_shrink_perturb_f64(double* p, int n, double shrink, double noise, int kind,
                                                 unsigned long long seed, unsigned long long offset, double a, double b) {
    SL_FOR(i, n) p[i] = shrink * p[i] + noise * (sl_random_value_f64(i, kind, seed, offset, 0.0, 1.0) * b + a);
}
