// Fused AdamW: one pass over parameter, gradient and both moments, term by term as the CPU kernel.
#include "common.cuh"

// p, g, m, v: n contiguous T; p, m, v updated in place.
//   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  p -= lr*(m/bc1)/(sqrt(v/bc2) + eps) + lr*wd*p
template <typename T> __device__ void sl_adamw(T* p, const T* g, T* m, T* v, int n, T lr, T beta1, T beta2, T eps, T wd,
                                              T bc1, T bc2) {
    SL_FOR(i, n) {
        T gr = g[i];
        T mi = beta1 * m[i] + (1 - beta1) * gr;
        T vi = beta2 * v[i] + (1 - beta2) * gr * gr;
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * (mi / bc1) / (sqrt(vi / bc2) + eps) + lr * wd * p[i];
    }
}

extern "C" __global__ void sl_adamw_f32(float* p, const float* g, float* m, float* v, int n, float lr, float beta1,
                                        float beta2, float eps, float wd, float bc1, float bc2) {
    sl_adamw(p, g, m, v, n, lr, beta1, beta2, eps, wd, bc1, bc2);
}

extern "C" __global__ void sl_adamw_f64(double* p, const double* g, double* m, double* v, int n, double lr, double beta1,
                                        double beta2, double eps, double wd, double bc1, double bc2) {
    sl_adamw(p, g, m, v, n, lr, beta1, beta2, eps, wd, bc1, bc2);
}
