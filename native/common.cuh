// Shared definitions for Sluice's CUDA kernels. Every kernel is extern "C" (unmangled names, looked up by the Java
// side with cuModuleGetFunction) and takes element offsets, never byte offsets.
#pragma once
#include <stdint.h>

#define SL_MAX_RANK 8

// A strided view, passed by value: element (i0, ..., i_{rank-1}) lives at offset + sum_d i_d * stride[d].
// Mirrors dev.sluice.backend.View; the Java side packs it as 18 ints (CudaLayout).
struct Layout {
    int rank;
    int shape[SL_MAX_RANK];
    int stride[SL_MAX_RANK];
    int offset;
};

// The storage offset of the i-th element of L in row-major order. Rank 1 (what the host's coalescing makes of
// contiguous operands) takes one multiply; higher ranks a division and a modulo per dim.
__device__ __forceinline__ int sl_at(const Layout& L, int i) {
    if (L.rank == 1) return L.offset + i * L.stride[0];
    int off = L.offset;
    for (int d = L.rank - 1; d >= 0; d--) {
        int s = L.shape[d];
        off += (i % s) * L.stride[d];
        i /= s;
    }
    return off;
}

// dtype codes: the ordinals of dev.sluice.tensor.DType.
enum { SL_F32 = 0, SL_F64 = 1, SL_I32 = 2, SL_I64 = 3, SL_BOOL = 4 };

__device__ __forceinline__ double sl_load(const void* p, int type, int i) {
    switch (type) {
        case SL_F32: return ((const float*) p)[i];
        case SL_F64: return ((const double*) p)[i];
        case SL_I32: return ((const int*) p)[i];
        case SL_I64: return (double) ((const long long*) p)[i];
        default: return ((const unsigned char*) p)[i];
    }
}

// C-style truncation for integers, "non-zero is true" for bool (as CpuStorage.set).
__device__ __forceinline__ void sl_store(void* p, int type, int i, double v) {
    switch (type) {
        case SL_F32: ((float*) p)[i] = (float) v; break;
        case SL_F64: ((double*) p)[i] = v; break;
        case SL_I32: ((int*) p)[i] = (int) v; break;
        case SL_I64: ((long long*) p)[i] = (long long) v; break;
        default: ((unsigned char*) p)[i] = v != 0 ? 1 : 0; break;
    }
}

// Grid-stride loop over n elements.
#define SL_FOR(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)

// Block-wide reduction of one float per thread (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
// op: 0 sum, 1 max, 2 min (NaN-propagating, as ReduceOp.combine).
__device__ __forceinline__ float sl_combine(int op, float acc, float x) {
    if (op == 0) return acc + x;
    if (isnan(acc)) return acc;
    if (isnan(x)) return x;
    return op == 1 ? fmaxf(acc, x) : fminf(acc, x);
}

__device__ float sl_block_reduce(int op, float v) {
    __shared__ float warp_part[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    for (int o = 16; o > 0; o >>= 1) v = sl_combine(op, v, __shfl_down_sync(0xffffffffu, v, o));
    __syncthreads();  // warp_part may still be read by a previous call
    if (lane == 0) warp_part[warp] = v;
    __syncthreads();
    if (warp == 0) {
        float w = lane < warps ? warp_part[lane] : (op == 0 ? 0.0f : warp_part[0]);
        for (int o = 16; o > 0; o >>= 1) w = sl_combine(op, w, __shfl_down_sync(0xffffffffu, w, o));
        if (lane == 0) warp_part[0] = w;
    }
    __syncthreads();
    return warp_part[0];
}

__device__ double sl_block_reduce_d(int op, double v) {
    __shared__ double warp_part_d[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    for (int o = 16; o > 0; o >>= 1) {
        double x = __shfl_down_sync(0xffffffffu, v, o);
        v = op == 0 ? v + x : (isnan(v) ? v : isnan(x) ? x : op == 1 ? fmax(v, x) : fmin(v, x));
    }
    __syncthreads();
    if (lane == 0) warp_part_d[warp] = v;
    __syncthreads();
    if (warp == 0) {
        double w = lane < warps ? warp_part_d[lane] : (op == 0 ? 0.0 : warp_part_d[0]);
        for (int o = 16; o > 0; o >>= 1) {
            double x = __shfl_down_sync(0xffffffffu, w, o);
            w = op == 0 ? w + x : (isnan(w) ? w : isnan(x) ? x : op == 1 ? fmax(w, x) : fmin(w, x));
        }
        if (lane == 0) warp_part_d[0] = w;
    }
    __syncthreads();
    return warp_part_d[0];
}

// Overloads that let a kernel template over float and double pick the matching combine and block reduction.
__device__ __forceinline__ double sl_combine(int op, double acc, double x) {
    if (op == 0) return acc + x;
    if (isnan(acc)) return acc;
    if (isnan(x)) return x;
    return op == 1 ? fmax(acc, x) : fmin(acc, x);
}
__device__ __forceinline__ float sl_reduce_block(int op, float v) { return sl_block_reduce(op, v); }
__device__ __forceinline__ double sl_reduce_block(int op, double v) { return sl_block_reduce_d(op, v); }
