// Elementwise kernels with broadcasting: every operand is a strided Layout over the output's shape (a broadcast
// operand has stride 0), so one kernel serves contiguous, transposed and broadcast inputs.
// Op codes are the ordinals of dev.sluice.backend.UnaryOp / BinaryOp.
#include "common.cuh"

template <typename T> __device__ __forceinline__ T sl_unary(int op, T x) {
    const T half = (T) 0.5, one = (T) 1;
    switch (op) {
        case 0: return -x;                                                       // NEG
        case 1: return exp(x);                                                   // EXP
        case 2: return log(x);                                                   // LOG
        case 3: return sqrt(x);                                                  // SQRT
        case 4: return rsqrt(x);                                                 // RSQRT
        case 5: return fabs(x);                                                  // ABS
        case 6: return x <= 0 ? (T) 0 : x;                                       // RELU (NaN stays NaN, as the CPU)
        case 7: return half * x * (one + erf(x * (T) 0.70710678118654752440));   // GELU (exact)
        case 8: return half * x * (one + tanh((T) 0.79788456080286535588 * (x + (T) 0.044715 * x * x * x)));
        case 9: return x / (one + exp(-x));                                      // SILU
        case 10: return x >= 0 ? one / (one + exp(-x)) : exp(x) / (one + exp(x)); // SIGMOID, no overflow
        case 11: return tanh(x);                                                 // TANH
        case 12: return x * x;                                                   // SQUARE
        default: return one / x;                                                 // RECIPROCAL
    }
}

// dy/dx given x and y = f(x), term by term as UnaryOp.derivative.
template <typename T> __device__ __forceinline__ T sl_unary_grad(int op, T x, T y) {
    const T half = (T) 0.5, one = (T) 1;
    switch (op) {
        case 0: return -one;
        case 1: return y;
        case 2: return one / x;
        case 3: return half / y;
        case 4: return -half * y * y * y;
        case 5: return x > 0 ? one : x < 0 ? -one : (T) 0;
        case 6: return x <= 0 ? (T) 0 : one;
        case 7: {
            T cdf = half * (one + erf(x * (T) 0.70710678118654752440));
            T pdf = exp(-half * x * x) * (T) 0.39894228040143267794;
            return cdf + x * pdf;
        }
        case 8: {
            T inner = (T) 0.79788456080286535588 * (x + (T) 0.044715 * x * x * x);
            T t = tanh(inner);
            T d_inner = (T) 0.79788456080286535588 * (one + (T) 3 * (T) 0.044715 * x * x);
            return half * (one + t) + half * x * (one - t * t) * d_inner;
        }
        case 9: {
            T s = one / (one + exp(-x));
            return s * (one + x * (one - s));
        }
        case 10: return y * (one - y);
        case 11: return one - y * y;
        case 12: return (T) 2 * x;
        default: return -y * y;
    }
}

template <typename T> __device__ __forceinline__ T sl_binary(int op, T a, T b) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return pow(a, b);
        case 5: return isnan(a) || isnan(b) ? (T) NAN : (a > b ? a : b);  // MAX, NaN-propagating
        case 6: return isnan(a) || isnan(b) ? (T) NAN : (a < b ? a : b);  // MIN
        case 7: return a == b;
        case 8: return a != b;
        case 9: return a < b;
        case 10: return a <= b;
        case 11: return a > b;
        case 12: return a >= b;
        case 13: return a != 0 && b != 0;
        default: return a != 0 || b != 0;
    }
}

// out[i] = op(x[i]); x, out: float32 of out's shape (any strides).
extern "C" __global__ void sl_unary_f32(int op, const float* x, Layout lx, float* out, Layout lo, int n) {
    SL_FOR(i, n) out[sl_at(lo, i)] = sl_unary<float>(op, x[sl_at(lx, i)]);
}

// out[i] = op(x[i]); x, out: float64.
extern "C" __global__ void sl_unary_f64(int op, const double* x, Layout lx, double* out, Layout lo, int n) {
    SL_FOR(i, n) out[sl_at(lo, i)] = sl_unary<double>(op, x[sl_at(lx, i)]);
}

// out[i] = g[i] * op'(x[i], y[i]); all float32 of one shape.
extern "C" __global__ void sl_unary_backward_f32(int op, const float* x, Layout lx, const float* y, Layout ly,
                                                 const float* g, Layout lg, float* out, Layout lo, int n) {
    SL_FOR(i, n) out[sl_at(lo, i)] = g[sl_at(lg, i)] * sl_unary_grad<float>(op, x[sl_at(lx, i)], y[sl_at(ly, i)]);
}

// As sl_unary_backward_f32 in float64.
extern "C" __global__ void sl_unary_backward_f64(int op, const double* x, Layout lx, const double* y, Layout ly,
                                                 const double* g, Layout lg, double* out, Layout lo, int n) {
    SL_FOR(i, n) out[sl_at(lo, i)] = g[sl_at(lg, i)] * sl_unary_grad<double>(op, x[sl_at(lx, i)], y[sl_at(ly, i)]);
}

// out[i] = op(a[i], b[i]); a, b float32 broadcast to out's shape; out float32 (arithmetic) or bool (comparisons).
extern "C" __global__ void sl_binary_f32(int op, const float* a, Layout la, const float* b, Layout lb,
                                         void* out, int out_bool, Layout lo, int n) {
    SL_FOR(i, n) {
        float r = sl_binary<float>(op, a[sl_at(la, i)], b[sl_at(lb, i)]);
        if (out_bool) ((unsigned char*) out)[sl_at(lo, i)] = r != 0;
        else ((float*) out)[sl_at(lo, i)] = r;
    }
}

// out[i] = op(a[i], b[i]) for any dtype (codes as DType ordinals), computed in double; exact for integers below 2^53.
extern "C" __global__ void sl_binary_any(int op, const void* a, Layout la, const void* b, Layout lb, int in_type,
                                         void* out, int out_type, Layout lo, int n) {
    SL_FOR(i, n) {
        double r;
        if (in_type == SL_I64 && op <= 2) {  // add/sub/mul of int64 stay exact
            long long x = ((const long long*) a)[sl_at(la, i)], y = ((const long long*) b)[sl_at(lb, i)];
            long long z = op == 0 ? x + y : op == 1 ? x - y : x * y;
            ((long long*) out)[sl_at(lo, i)] = z;
            continue;
        }
        r = sl_binary<double>(op, sl_load(a, in_type, sl_at(la, i)), sl_load(b, in_type, sl_at(lb, i)));
        sl_store(out, out_type, sl_at(lo, i), r);
    }
}

// out[i] = cond[i] ? a[i] : b[i]; cond bool, a, b, out of one dtype (elem_size bytes: 1, 4 or 8).
extern "C" __global__ void sl_where(const unsigned char* cond, Layout lc, const void* a, Layout la, const void* b,
                                    Layout lb, void* out, Layout lo, int elem_size, int n) {
    SL_FOR(i, n) {
        bool c = cond[sl_at(lc, i)] != 0;
        int src = c ? sl_at(la, i) : sl_at(lb, i);
        const void* p = c ? a : b;
        int dst = sl_at(lo, i);
        if (elem_size == 4) ((int*) out)[dst] = ((const int*) p)[src];
        else if (elem_size == 8) ((long long*) out)[dst] = ((const long long*) p)[src];
        else ((unsigned char*) out)[dst] = ((const unsigned char*) p)[src];
    }
}

// dst[i] = (dst type) src[i]; any view to any view, any dtypes (int64 <-> int64 copied exactly).
extern "C" __global__ void sl_copy(const void* src, int src_type, Layout ls, void* dst, int dst_type, Layout ld, int n) {
    SL_FOR(i, n) {
        int s = sl_at(ls, i), d = sl_at(ld, i);
        if (src_type == dst_type) {
            switch (src_type) {
                case SL_F32: case SL_I32: ((int*) dst)[d] = ((const int*) src)[s]; break;
                case SL_F64: case SL_I64: ((long long*) dst)[d] = ((const long long*) src)[s]; break;
                default: ((unsigned char*) dst)[d] = ((const unsigned char*) src)[s]; break;
            }
        } else if (src_type == SL_I64 && dst_type == SL_I32) {
            ((int*) dst)[d] = (int) ((const long long*) src)[s];
        } else if (src_type == SL_I32 && dst_type == SL_I64) {
            ((long long*) dst)[d] = ((const int*) src)[s];
        } else {
            sl_store(dst, dst_type, d, sl_load(src, src_type, s));
        }
    }
}

// dst[i] = value cast to dst's dtype; dst any view.
extern "C" __global__ void sl_fill(void* dst, int type, Layout ld, double value, int n) {
    SL_FOR(i, n) sl_store(dst, type, sl_at(ld, i), value);
}
