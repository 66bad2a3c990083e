// Philox4x32-10 random numbers: the same streams as dev.sluice.backend.Philox, so a seed gives the same tensor on
// the CPU and the GPU. Element i of a float32 draw takes lane i%4 of block offset + i/4; float64 uses lanes
// (2j, 2j+1) of block offset + i/2. Uniforms are bit-identical; normals use double log/sqrt/cos/sin as the Java
// code does, so they agree to the rounding of those functions (almost always bit-identical after the float cast).
#include "common.cuh"

__device__ __forceinline__ void sl_philox(unsigned c[4], unsigned k0, unsigned k1) {
    for (int round = 0; round < 10; round++) {
        if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        unsigned long long p0 = (unsigned long long) 0xD2511F53u * c[0];
        unsigned long long p1 = (unsigned long long) 0xCD9E8D57u * c[2];
        unsigned hi0 = (unsigned) (p0 >> 32), lo0 = (unsigned) p0;
        unsigned hi1 = (unsigned) (p1 >> 32), lo1 = (unsigned) p1;
        unsigned n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
        c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
    }
}

__device__ __forceinline__ void sl_philox_block(unsigned long long seed, unsigned long long counter, unsigned out[4]) {
    out[0] = (unsigned) counter; out[1] = (unsigned) (counter >> 32); out[2] = 0; out[3] = 0;
    sl_philox(out, (unsigned) seed, (unsigned) (seed >> 32));
}

__device__ __forceinline__ float sl_uniform24(unsigned bits) { return (bits >> 8) * 0x1.0p-24f; }

// a + s·u rounded twice, as Java computes it: nvcc would otherwise contract it into one fma (rounded once), and the
// uniforms would differ from the CPU's in the last bit (the CUDA emulator, built with FMA, showed it).
__device__ __forceinline__ double sl_affine(double a, double s, double u) { return __dadd_rn(a, __dmul_rn(s, u)); }
__device__ __forceinline__ double sl_open_uniform(unsigned bits) { return ((double) bits + 1.0) * 0x1.0p-32; }
__device__ __forceinline__ double sl_uniform53(unsigned hi, unsigned lo) {
    unsigned long long bits = ((unsigned long long) hi << 21) ^ (lo >> 11);
    return (double) (bits & ((1ull << 53) - 1)) * 0x1.0p-53;
}

// Element i of a float32 draw: kind 0: a + (b - a)*U[0,1);  kind 1: a + b*N(0,1). Arithmetic in double, as CpuRandom.
__device__ __forceinline__ float sl_random_value_f32(int i, int kind, unsigned long long seed, unsigned long long offset,
                                                     double a, double b) {
    unsigned blk[4];
    sl_philox_block(seed, offset + (unsigned long long) (i >> 2), blk);
    int lane = i & 3;
    double v;
    if (kind == 0) {
        v = sl_affine(a, b - a, (double) sl_uniform24(blk[lane]));
    } else {
        int pair = lane & 2;
        double r = sqrt(-2.0 * log(sl_open_uniform(blk[pair])));
        double theta = 2.0 * 3.141592653589793 * (double) sl_uniform24(blk[pair + 1]);
        float z = (float) ((lane & 1) == 0 ? r * cos(theta) : r * sin(theta));
        v = a + b * (double) z;
    }
    return (float) v;
}

// out: n contiguous float32 (sl_random_value_f32 for every i).
extern "C" __global__ void sl_random_f32(float* out, int n, int kind, unsigned long long seed,
                                         unsigned long long offset, double a, double b) {
    SL_FOR(i, n) out[i] = sl_random_value_f32(i, kind, seed, offset, a, b);
}

// Element i of a float64 draw (53-bit uniforms; normals from the pair (2j, 2j+1) of one Philox block).
__device__ __forceinline__ double sl_random_value_f64(int i, int kind, unsigned long long seed, unsigned long long offset,
                                                      double a, double b) {
    unsigned blk[4];
    sl_philox_block(seed, offset + (unsigned long long) (i >> 1), blk);
    if (kind == 0) {
        int j = (i & 1) * 2;
        return sl_affine(a, b - a, sl_uniform53(blk[j], blk[j + 1]));
    }
    double u1 = 1.0 - sl_uniform53(blk[0], blk[1]);
    double u2 = sl_uniform53(blk[2], blk[3]);
    double r = sqrt(-2.0 * log(u1));
    return a + b * ((i & 1) == 0 ? r * cos(2.0 * 3.141592653589793 * u2) : r * sin(2.0 * 3.141592653589793 * u2));
}

// out: n contiguous float64, same distributions with 53-bit uniforms.
extern "C" __global__ void sl_random_f64(double* out, int n, int kind, unsigned long long seed,
                                         unsigned long long offset, double a, double b) {
    SL_FOR(i, n) out[i] = sl_random_value_f64(i, kind, seed, offset, a, b);
}
