// Softmax and log-softmax over the last dimension of contiguous rows, one block per row (numerically stable: the
// row's max is subtracted before exp), for float32 (_f32) and float64 (_f64). Cross entropy has its own fused kernel
// (fused.cu).
#include "common.cuh"

// x, out: [rows, cols] contiguous T; log != 0 gives log-softmax.
template <typename T> __device__ void sl_softmax_rows(const T* x, T* out, int rows, int cols, int log) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + (long long) r * cols;
        T* orow = out + (long long) r * cols;
        T mx = -INFINITY;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) mx = sl_combine(1, mx, xr[c]);
        mx = sl_reduce_block(1, mx);
        T sum = 0;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) sum += exp(xr[c] - mx);
        sum = sl_reduce_block(0, sum);
        if (log) {
            T lse = ::log(sum);
            for (int c = threadIdx.x; c < cols; c += blockDim.x) orow[c] = xr[c] - mx - lse;
        } else {
            T inv = (T) 1 / sum;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) orow[c] = exp(xr[c] - mx) * inv;
        }
    }
}

extern "C" __global__ void sl_softmax_f32(const float* x, float* out, int rows, int cols, int log) {
    sl_softmax_rows(x, out, rows, cols, log);
}

extern "C" __global__ void sl_softmax_f64(const double* x, double* out, int rows, int cols, int log) {
    sl_softmax_rows(x, out, rows, cols, log);
}

// Backward from the output y and upstream g, all [rows, cols] contiguous T:
//   softmax:     dx = y * (g - sum_c g*y)
//   log-softmax: dx = g - exp(y) * sum_c g
template <typename T> __device__ void sl_softmax_backward_rows(const T* y, const T* g, T* out, int rows, int cols, int log) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* yr = y + (long long) r * cols;
        const T* gr = g + (long long) r * cols;
        T* orow = out + (long long) r * cols;
        T s = 0;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += log ? gr[c] : gr[c] * yr[c];
        s = sl_reduce_block(0, s);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            orow[c] = log ? gr[c] - exp(yr[c]) * s : yr[c] * (gr[c] - s);
        }
    }
}

extern "C" __global__ void sl_softmax_backward_f32(const float* y, const float* g, float* out, int rows, int cols, int log) {
    sl_softmax_backward_rows(y, g, out, rows, cols, log);
}

extern "C" __global__ void sl_softmax_backward_f64(const double* y, const double* g, double* out, int rows, int cols, int log) {
    sl_softmax_backward_rows(y, g, out, rows, cols, log);
}
