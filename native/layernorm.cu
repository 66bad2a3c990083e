// Layer norm over the last dimension (biased variance), contiguous rows; one block per row. float32 (_f32) and
// float64 (_f64).
#include "common.cuh"

// x, out: [rows, C]; gamma, beta: [C] or null; mean, rstd: [rows].
//   mean = sum x / C;  var = sum (x - mean)^2 / C;  rstd = 1/sqrt(var + eps);  out = (x - mean)*rstd*gamma + beta
template <typename T> __device__ void sl_layernorm_rows(const T* x, const T* gamma, const T* beta, T eps, T* out,
                                                        T* mean, T* rstd, int rows, int C) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + (long long) r * C;
        T* orow = out + (long long) r * C;
        T s = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) s += xr[c];
        T m = sl_reduce_block(0, s) / C;
        T q = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) { T d = xr[c] - m; q += d * d; }
        T rs = rsqrt(sl_reduce_block(0, q) / C + eps);
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            T v = (xr[c] - m) * rs;
            if (gamma) v *= gamma[c];
            if (beta) v += beta[c];
            orow[c] = v;
        }
        if (threadIdx.x == 0) { mean[r] = m; rstd[r] = rs; }
    }
}

extern "C" __global__ void sl_layernorm_f32(const float* x, const float* gamma, const float* beta, float eps,
                                            float* out, float* mean, float* rstd, int rows, int C) {
    sl_layernorm_rows(x, gamma, beta, eps, out, mean, rstd, rows, C);
}

extern "C" __global__ void sl_layernorm_f64(const double* x, const double* gamma, const double* beta, double eps,
                                            double* out, double* mean, double* rstd, int rows, int C) {
    sl_layernorm_rows(x, gamma, beta, eps, out, mean, rstd, rows, C);
}

// dx for g, x: [rows, C]; mean, rstd: [rows]; gamma: [C] or null. With xhat = (x - mean)*rstd and dy = g*gamma:
//   dx = rstd * (dy - mean_c(dy) - xhat * mean_c(dy * xhat))
template <typename T> __device__ void sl_layernorm_backward_rows(const T* g, const T* x, const T* mean, const T* rstd,
                                                                 const T* gamma, T* dx, int rows, int C) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* gr = g + (long long) r * C;
        const T* xr = x + (long long) r * C;
        T m = mean[r], rs = rstd[r];
        T s1 = 0, s2 = 0;
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            T dy = gamma ? gr[c] * gamma[c] : gr[c];
            T xh = (xr[c] - m) * rs;
            s1 += dy;
            s2 += dy * xh;
        }
        s1 = sl_reduce_block(0, s1) / C;
        s2 = sl_reduce_block(0, s2) / C;
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            T dy = gamma ? gr[c] * gamma[c] : gr[c];
            T xh = (xr[c] - m) * rs;
            dx[(long long) r * C + c] = rs * (dy - s1 - xh * s2);
        }
    }
}

extern "C" __global__ void sl_layernorm_backward_f32(const float* g, const float* x, const float* mean, const float* rstd,
                                                     const float* gamma, float* dx, int rows, int C) {
    sl_layernorm_backward_rows(g, x, mean, rstd, gamma, dx, rows, C);
}

extern "C" __global__ void sl_layernorm_backward_f64(const double* g, const double* x, const double* mean,
                                                     const double* rstd, const double* gamma, double* dx, int rows, int C) {
    sl_layernorm_backward_rows(g, x, mean, rstd, gamma, dx, rows, C);
}

// dgamma[c] += sum_r g[r,c] * xhat[r,c];  dbeta[c] += sum_r g[r,c]  (either may be null); one thread per column,
// rows summed in order (deterministic).
template <typename T> __device__ void sl_layernorm_param_sums(const T* g, const T* x, const T* mean, const T* rstd,
                                                              T* dgamma, T* dbeta, int rows, int C) {
    SL_FOR(c, C) {
        T sg = 0, sb = 0;
        for (int r = 0; r < rows; r++) {
            T gv = g[(long long) r * C + c];
            sg += gv * (x[(long long) r * C + c] - mean[r]) * rstd[r];
            sb += gv;
        }
        if (dgamma) dgamma[c] += sg;
        if (dbeta) dbeta[c] += sb;
    }
}

extern "C" __global__ void sl_layernorm_backward_params_f32(const float* g, const float* x, const float* mean,
                                                            const float* rstd, float* dgamma, float* dbeta, int rows, int C) {
    sl_layernorm_param_sums(g, x, mean, rstd, dgamma, dbeta, rows, C);
}

extern "C" __global__ void sl_layernorm_backward_params_f64(const double* g, const double* x, const double* mean,
                                                            const double* rstd, double* dgamma, double* dbeta, int rows, int C) {
    sl_layernorm_param_sums(g, x, mean, rstd, dgamma, dbeta, rows, C);
}
