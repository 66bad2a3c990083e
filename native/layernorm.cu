// Layer norm over the last dimension (biased variance), contiguous rows; one block per row.
#include "common.cuh"

// x, out: [rows, C]; gamma, beta: [C] or null; mean, rstd: [rows].
//   mean = sum x / C;  var = sum (x - mean)^2 / C;  rstd = 1/sqrt(var + eps);  out = (x - mean)*rstd*gamma + beta
extern "C" __global__ void sl_layernorm_f32(const float* x, const float* gamma, const float* beta, float eps,
                                            float* out, float* mean, float* rstd, int rows, int C) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * C;
        float* orow = out + (long long) r * C;
        float s = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) s += xr[c];
        float m = sl_block_reduce(0, s) / C;
        float q = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) { float d = xr[c] - m; q += d * d; }
        float rs = rsqrtf(sl_block_reduce(0, q) / C + eps);
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            float v = (xr[c] - m) * rs;
            if (gamma) v *= gamma[c];
            if (beta) v += beta[c];
            orow[c] = v;
        }
        if (threadIdx.x == 0) { mean[r] = m; rstd[r] = rs; }
    }
}

// dx for g, x: [rows, C]; mean, rstd: [rows]; gamma: [C] or null. With xhat = (x - mean)*rstd and dy = g*gamma:
//   dx = rstd * (dy - mean_c(dy) - xhat * mean_c(dy * xhat))
extern "C" __global__ void sl_layernorm_backward_f32(const float* g, const float* x, const float* mean, const float* rstd,
                                                     const float* gamma, float* dx, int rows, int C) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* gr = g + (long long) r * C;
        const float* xr = x + (long long) r * C;
        float m = mean[r], rs = rstd[r];
        float s1 = 0, s2 = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            float dy = gamma ? gr[c] * gamma[c] : gr[c];
            float xh = (xr[c] - m) * rs;
            s1 += dy;
            s2 += dy * xh;
        }
        s1 = sl_block_reduce(0, s1) / C;
        s2 = sl_block_reduce(0, s2) / C;
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            float dy = gamma ? gr[c] * gamma[c] : gr[c];
            float xh = (xr[c] - m) * rs;
            dx[(long long) r * C + c] = rs * (dy - s1 - xh * s2);
        }
    }
}

// dgamma[c] += sum_r g[r,c] * xhat[r,c];  dbeta[c] += sum_r g[r,c]  (either may be null); one thread per column,
// rows summed in order (deterministic).
extern "C" __global__ void sl_layernorm_backward_params_f32(const float* g, const float* x, const float* mean,
                                                            const float* rstd, float* dgamma, float* dbeta, int rows, int C) {
    SL_FOR(c, C) {
        float sg = 0, sb = 0;
        for (int r = 0; r < rows; r++) {
            float gv = g[(long long) r * C + c];
            sg += gv * (x[(long long) r * C + c] - mean[r]) * rstd[r];
            sb += gv;
        }
        if (dgamma) dgamma[c] += sg;
        if (dbeta) dbeta[c] += sb;
    }
}
