// Kernels with deliberate synchronisation bugs, compiled into the CUDA emulator only (never into sluice.fatbin):
// the emulator's tests launch them to show that it reports what a GPU would hang on or compute nondeterministically.
#include "../common.cuh"

// out: [blockDim.x]. A barrier that only even threads reach: undefined on a GPU (a hang on older ones); the emulator
// must report a deadlock instead of returning.
extern "C" __global__ void sl_selftest_divergent_barrier(float* out) {
    if (threadIdx.x % 2 == 0) __syncthreads();
    out[threadIdx.x] = 1.0f;
}

// out: [blockDim.x]. Each thread writes its shared slot and reads its neighbour's with no barrier in between, so what
// it reads depends on whether the neighbour ran first: different schedules must give different results.
extern "C" __global__ void sl_selftest_missing_barrier(float* out, float base) {
    __shared__ float slot[1024];
    slot[threadIdx.x] = base + threadIdx.x;
    out[threadIdx.x] = slot[(threadIdx.x + 1) % blockDim.x];
}

// out: [blockDim.x]. The same exchange done right (a barrier between the write and the read).
extern "C" __global__ void sl_selftest_with_barrier(float* out, float base) {
    __shared__ float slot[1024];
    slot[threadIdx.x] = base + threadIdx.x;
    __syncthreads();
    out[threadIdx.x] = slot[(threadIdx.x + 1) % blockDim.x];
}

// out: [blockDim.x]. Lane i gets lane i+delta's value (its own when i+delta is past the warp), as __shfl_down_sync.
extern "C" __global__ void sl_selftest_shuffle(float* out, int delta) {
    out[threadIdx.x] = __shfl_down_sync(0xffffffffu, (float) threadIdx.x, delta);
}

// out: [n]. Every thread of the block writes out[threadIdx.x], also those at or past n: an out-of-bounds write that
// the emulator's guard pages must catch.
extern "C" __global__ void sl_selftest_out_of_bounds(float* out, int n) {
    out[threadIdx.x] = (float) n;
}

// Recurses `depth` times with a 1 KiB frame each: deep enough to overflow the emulator's 64 KiB fiber stack.
__device__ float sl_selftest_deep(volatile float* p, int depth) {
    volatile float frame[256];
    frame[0] = (float) depth;
    return depth == 0 ? *p : frame[0] + sl_selftest_deep(p, depth - 1);
}

extern "C" __global__ void sl_selftest_stack_overflow(float* out, int depth) { out[threadIdx.x] = sl_selftest_deep(out, depth); }

// out: [blockDim.x]. Even threads wait at one barrier, odd threads at another: undefined in CUDA, reported here.
extern "C" __global__ void sl_selftest_two_barriers(float* out) {
    if (threadIdx.x % 2 == 0) {
        __syncthreads();
    } else {
        __syncthreads();
    }
    out[threadIdx.x] = 1.0f;
}
