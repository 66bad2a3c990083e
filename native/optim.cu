// Fused AdamW: one pass over parameter, gradient and both moments, term by term as the CPU kernel.
#include "common.cuh"

// p, g, m, v: n contiguous float32; p, m, v updated in place.
//   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  p -= lr*(m/bc1)/(sqrt(v/bc2) + eps) + lr*wd*p
extern "C" __global__ void sl_adamw_f32(float* p, const float* g, float* m, float* v, int n, float lr, float beta1,
                                        float beta2, float eps, float wd, float bc1, float bc2) {
    SL_FOR(i, n) {
        float gr = g[i];
        float mi = beta1 * m[i] + (1 - beta1) * gr;
        float vi = beta2 * v[i] + (1 - beta2) * gr * gr;
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * (mi / bc1) / (sqrtf(vi / bc2) + eps) + lr * wd * p[i];
    }
}
