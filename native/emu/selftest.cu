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
