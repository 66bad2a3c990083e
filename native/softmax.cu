// Softmax and log-softmax over the last dimension of contiguous rows, one block per row (numerically stable: the
// row's max is subtracted before exp). Cross entropy is composed from these, gather and scatter-add by the op layer.
#include "common.cuh"

// x, out: [rows, cols] contiguous float32; log != 0 gives log-softmax.
extern "C" __global__ void sl_softmax_f32(const float* x, float* out, int rows, int cols, int log) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * cols;
        float* orow = out + (long long) r * cols;
        float mx = -INFINITY;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) mx = sl_combine(1, mx, xr[c]);
        mx = sl_block_reduce(1, mx);
        float sum = 0;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) sum += expf(xr[c] - mx);
        sum = sl_block_reduce(0, sum);
        if (log) {
            float lse = logf(sum);
            for (int c = threadIdx.x; c < cols; c += blockDim.x) orow[c] = xr[c] - mx - lse;
        } else {
            float inv = 1.0f / sum;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) orow[c] = expf(xr[c] - mx) * inv;
        }
    }
}

// Backward from the output y and upstream g, all [rows, cols] contiguous float32:
//   softmax:     dx = y * (g - sum_c g*y)
//   log-softmax: dx = g - exp(y) * sum_c g
extern "C" __global__ void sl_softmax_backward_f32(const float* y, const float* g, float* out, int rows, int cols, int log) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* yr = y + (long long) r * cols;
        const float* gr = g + (long long) r * cols;
        float* orow = out + (long long) r * cols;
        float s = 0;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += log ? gr[c] : gr[c] * yr[c];
        s = sl_block_reduce(0, s);
        for (int c = threadIdx.x; c < cols; c += blockDim.x) {
            orow[c] = log ? gr[c] - expf(yr[c]) * s : yr[c] * (gr[c] - s);
        }
    }
}
