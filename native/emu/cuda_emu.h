// The CUDA names Sluice's kernels use, defined for a C++ compiler so that native/*.cu runs unchanged on the CPU.
// Each CUDA thread of a block is a fiber (its own stack); the block's fibers are run one at a time by emulator.cpp's
// scheduler, which switches at __syncthreads (block barrier) and __shfl_down_sync (warp exchange). Blocks run one
// after another, so a __shared__ variable (a function-level static here) is private to the running block.
// This checks the kernels' logic, indexing and synchronisation on machines without a GPU; it says nothing about
// speed, the GPU memory model or nvcc's code generation.
#pragma once
#include <math.h>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace sl_emu {
struct Dim3 {
    unsigned x, y, z;
};

struct Fiber;
extern Fiber* current;
extern Dim3 block_idx, block_dim, grid_dim;

const Dim3& thread_idx();
void sync_block(const char* file, int line);
uint64_t shfl_down_bits(unsigned mask, uint64_t bits, unsigned delta, const char* file, int line);
}  // namespace sl_emu

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static

#define threadIdx (sl_emu::thread_idx())
#define blockIdx (sl_emu::block_idx)
#define blockDim (sl_emu::block_dim)
#define gridDim (sl_emu::grid_dim)

// Both carry their source file and line, so that threads waiting at different barriers or shuffles are told apart.
#define __syncthreads() sl_emu::sync_block(__FILE__, __LINE__)
#define __shfl_down_sync(mask, v, delta) sl_emu::shfl_down((mask), (v), (delta), __FILE__, __LINE__)

namespace sl_emu {
template <typename T> inline T shfl_down(unsigned mask, T v, unsigned delta, const char* file, int line) {
    static_assert(sizeof(T) <= 8, "__shfl_down_sync of a value wider than 64 bits");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    bits = shfl_down_bits(mask, bits, delta, file, line);
    T out;
    std::memcpy(&out, &bits, sizeof(T));
    return out;
}
}  // namespace sl_emu

// Fibers of one block never run at the same time, so a read-modify-write is atomic here.
inline float atomicAdd(float* p, float v) {
    float old = *p;
    *p = old + v;
    return old;
}
inline double atomicAdd(double* p, double v) {
    double old = *p;
    *p = old + v;
    return old;
}

// CUDA's round-to-nearest arithmetic intrinsics, which the compiler must not contract into an fma: volatile keeps
// each rounding here too (the emulator is built with -march=native, which lets g++ contract a*b+c).
inline double __dmul_rn(double a, double b) {
    volatile double r = a * b;
    return r;
}
inline double __dadd_rn(double a, double b) {
    volatile double r = a + b;
    return r;
}

// CUDA's device math beyond <cmath>.
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float rsqrt(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
using std::isnan;
