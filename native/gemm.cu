// Sluice's own tiled GEMM: used when cuBLAS cannot be loaded, and benchmarked against it.
// C[b] (+)= A[b] · B[b] for every batch index b, row-major output, any operand strides (transposes are strides);
// float32 and float64.
#include "common.cuh"

#define SL_BM 64
#define SL_BN 64
#define SL_BK 16
#define SL_TM 4
#define SL_TN 4

// A: [batch..., M, K] with element (i, p) at a_off(b) + i*a_rs + p*a_cs; B: [batch..., K, N] likewise; C: [batch..., M, N]
// with row stride c_rs and unit column stride; all T (float32 or float64). Batch offsets come from ba, bb, bc: layouts
// over the batch shape (rank 0 for a single product) holding each operand's batch strides and base offset.
// Block: 16x16 threads, each computing a 4x4 tile of a 64x64 output tile; grid (ceil(N/64), ceil(M/64), batches).
// accumulate: C += A·B instead of C = A·B; relu: C = max(C, 0) after the last k step (x <= 0 ? 0 : x, keeps NaN).
template <typename T> __device__ void sl_gemm(int M, int N, int K, const T* A, Layout ba, int a_rs, int a_cs, const T* B,
                                             Layout bb, int b_rs, int b_cs, T* C, Layout bc, int c_rs, int accumulate, int relu) {
    __shared__ T As[SL_BK][SL_BM];
    __shared__ T Bs[SL_BK][SL_BN + 1];
    int batch = blockIdx.z;
    const T* a = A + sl_at(ba, batch);
    const T* b = B + sl_at(bb, batch);
    T* c = C + sl_at(bc, batch);
    int row0 = blockIdx.y * SL_BM, col0 = blockIdx.x * SL_BN;
    int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    T acc[SL_TM][SL_TN] = {};
    for (int k0 = 0; k0 < K; k0 += SL_BK) {
        // 256 threads load 64x16 of A and 16x64 of B: 4 elements each
        for (int e = threadIdx.x; e < SL_BM * SL_BK; e += 256) {
            int i = e / SL_BK, p = e % SL_BK;
            int gi = row0 + i, gp = k0 + p;
            As[p][i] = gi < M && gp < K ? a[(long long) gi * a_rs + (long long) gp * a_cs] : (T) 0;
        }
        for (int e = threadIdx.x; e < SL_BK * SL_BN; e += 256) {
            int p = e / SL_BN, j = e % SL_BN;
            int gp = k0 + p, gj = col0 + j;
            Bs[p][j] = gp < K && gj < N ? b[(long long) gp * b_rs + (long long) gj * b_cs] : (T) 0;
        }
        __syncthreads();
        for (int p = 0; p < SL_BK; p++) {
            T av[SL_TM], bv[SL_TN];
            for (int u = 0; u < SL_TM; u++) av[u] = As[p][ty * SL_TM + u];
            for (int w = 0; w < SL_TN; w++) bv[w] = Bs[p][tx + 16 * w];
            for (int u = 0; u < SL_TM; u++)
                for (int w = 0; w < SL_TN; w++) acc[u][w] = fma(av[u], bv[w], acc[u][w]);
        }
        __syncthreads();
    }
    for (int u = 0; u < SL_TM; u++) {
        int gi = row0 + ty * SL_TM + u;
        if (gi >= M) continue;
        for (int w = 0; w < SL_TN; w++) {
            int gj = col0 + tx + 16 * w;
            if (gj >= N) continue;
            T* dst = c + (long long) gi * c_rs + gj;
            T v = accumulate ? *dst + acc[u][w] : acc[u][w];
            *dst = relu ? (v <= 0 ? (T) 0 : v) : v;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256) sl_gemm_f32(
        int M, int N, int K, const float* A, Layout ba, int a_rs, int a_cs, const float* B, Layout bb, int b_rs, int b_cs,
        float* C, Layout bc, int c_rs, int accumulate, int relu) {
    sl_gemm(M, N, K, A, ba, a_rs, a_cs, B, bb, b_rs, b_cs, C, bc, c_rs, accumulate, relu);
}

// The float64 product (cuBLAS is used for float32 only; float64 always takes this kernel).
extern "C" __global__ void __launch_bounds__(256) sl_gemm_f64(
        int M, int N, int K, const double* A, Layout ba, int a_rs, int a_cs, const double* B, Layout bb, int b_rs, int b_cs,
        double* C, Layout bc, int c_rs, int accumulate, int relu) {
    sl_gemm(M, N, K, A, ba, a_rs, a_cs, B, bb, b_rs, b_cs, C, bc, c_rs, accumulate, relu);
}
