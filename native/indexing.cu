// Gather / scatter-add / index-select / index-add (embedding forward and backward). Indices are int64; the op layer
// has checked their range. Additions into shared destinations use atomicAdd (order, and so the last bits of a sum
// with repeated indices, may differ from the CPU).
#include "common.cuh"

// Storage offset in a tensor of layout L of the i-th element of `over` (row-major over over's shape), with the
// coordinate along dim replaced by k.
__device__ __forceinline__ int sl_at_replaced(const Layout& L, const Layout& over, int i, int dim, long long k) {
    int off = L.offset;
    for (int d = over.rank - 1; d >= 0; d--) {
        int s = over.shape[d];
        int coord = i % s;
        i /= s;
        off += (d == dim ? (int) k : coord) * L.stride[d];
    }
    return off;
}

// torch.gather: out[..i..] = x[..index[..i..] at dim..]; index: int64 of out's shape; x, out: T (float32 or float64).
template <typename T> __device__ void sl_gather(const T* x, Layout lx, int dim, const long long* index, Layout li,
                                               T* out, Layout lo, int n) {
    SL_FOR(i, n) out[sl_at(lo, i)] = x[sl_at_replaced(lx, lo, i, dim, index[sl_at(li, i)])];
}

extern "C" __global__ void sl_gather_f32(const float* x, Layout lx, int dim, const long long* index, Layout li,
                                         float* out, Layout lo, int n) {
    sl_gather(x, lx, dim, index, li, out, lo, n);
}

extern "C" __global__ void sl_gather_f64(const double* x, Layout lx, int dim, const long long* index, Layout li,
                                         double* out, Layout lo, int n) {
    sl_gather(x, lx, dim, index, li, out, lo, n);
}

// torch.scatter_add_: dst[..index[..i..] at dim..] += src[..i..]; index and src share a shape.
template <typename T> __device__ void sl_scatter_add(T* dst, Layout ld, int dim, const long long* index, Layout li,
                                                    const T* src, Layout ls, int n) {
    SL_FOR(i, n) atomicAdd(dst + sl_at_replaced(ld, ls, i, dim, index[sl_at(li, i)]), src[sl_at(ls, i)]);
}

extern "C" __global__ void sl_scatter_add_f32(float* dst, Layout ld, int dim, const long long* index, Layout li,
                                              const float* src, Layout ls, int n) {
    sl_scatter_add(dst, ld, dim, index, li, src, ls, n);
}

extern "C" __global__ void sl_scatter_add_f64(double* dst, Layout ld, int dim, const long long* index, Layout li,
                                              const double* src, Layout ls, int n) {
    sl_scatter_add(dst, ld, dim, index, li, src, ls, n);
}

// torch.index_select: out = x restricted to entries index[j] along dim; index 1-D int64 (stride index_stride).
// elem_size 4 (float32/int32) or 8 (float64/int64): a plain copy of the selected elements.
extern "C" __global__ void sl_index_select(const void* x, Layout lx, int dim, const long long* index, int index_stride,
                                           void* out, Layout lo, int elem_size, int n) {
    SL_FOR(i, n) {
        int coord = i;
        for (int d = lo.rank - 1; d > dim; d--) coord /= lo.shape[d];
        coord %= lo.shape[dim];
        int src = sl_at_replaced(lx, lo, i, dim, index[(long long) coord * index_stride]);
        int dst = sl_at(lo, i);
        if (elem_size == 4) ((int*) out)[dst] = ((const int*) x)[src];
        else ((long long*) out)[dst] = ((const long long*) x)[src];
    }
}

// Backward of index_select (embedding backward): dst[.., index[j], ..] += src[.., j, ..] along dim.
template <typename T> __device__ void sl_index_add(T* dst, Layout ld, int dim, const long long* index, int index_stride,
                                                  const T* src, Layout ls, int n) {
    SL_FOR(i, n) {
        int coord = i;
        for (int d = ls.rank - 1; d > dim; d--) coord /= ls.shape[d];
        coord %= ls.shape[dim];
        atomicAdd(dst + sl_at_replaced(ld, ls, i, dim, index[(long long) coord * index_stride]), src[sl_at(ls, i)]);
    }
}

extern "C" __global__ void sl_index_add_f32(float* dst, Layout ld, int dim, const long long* index, int index_stride,
                                            const float* src, Layout ls, int n) {
    sl_index_add(dst, ld, dim, index, index_stride, src, ls, n);
}

// float64 atomicAdd is native from sm_60 on (the fatbin targets sm_80 and sm_90).
extern "C" __global__ void sl_index_add_f64(double* dst, Layout ld, int dim, const long long* index, int index_stride,
                                            const double* src, Layout ls, int n) {
    sl_index_add(dst, ld, dim, index, index_stride, src, ls, n);
}
