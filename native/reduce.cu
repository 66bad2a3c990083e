// Reductions into keepdim layout. One block per output element: the block's threads stride over the reduced
// elements and combine with a tree (sl_block_reduce). Op codes: ordinals of dev.sluice.backend.ReduceOp.
#include "common.cuh"

// out[j] = op over r of x[kept(j) + reduced(r)].
//   kept:    out's shape, x's strides and offset (reduced dims have size 1 here)      -> base offset of output j in x
//   reduced: x's shape on reduced dims, 1 elsewhere; x's strides; offset 0           -> offset of reduced element r
//   lo:      out's layout; n_out outputs, n_red reduced elements per output.
extern "C" __global__ void sl_reduce_f32(int op, const float* x, Layout kept, Layout reduced, int n_red,
                                         float* out, Layout lo, int n_out) {
    float identity = op == 0 ? 0.0f : op == 1 ? -INFINITY : INFINITY;
    for (int j = blockIdx.x; j < n_out; j += gridDim.x) {
        int base = sl_at(kept, j);
        float acc = identity;
        for (int r = threadIdx.x; r < n_red; r += blockDim.x) acc = sl_combine(op, acc, x[base + sl_at(reduced, r)]);
        acc = sl_block_reduce(op, acc);
        if (threadIdx.x == 0) out[sl_at(lo, j)] = acc;
    }
}

// As sl_reduce_f32 for float64, int32, int64 and bool inputs (accumulated in double; sums of integers are exact
// below 2^53); out's dtype is out_type (int64 for integer sums).
extern "C" __global__ void sl_reduce_any(int op, const void* x, int in_type, Layout kept, Layout reduced, int n_red,
                                         void* out, int out_type, Layout lo, int n_out) {
    double identity = op == 0 ? 0.0 : op == 1 ? -INFINITY : INFINITY;
    for (int j = blockIdx.x; j < n_out; j += gridDim.x) {
        int base = sl_at(kept, j);
        double acc = identity;
        for (int r = threadIdx.x; r < n_red; r += blockDim.x) {
            double v = sl_load(x, in_type, base + sl_at(reduced, r));
            acc = op == 0 ? acc + v : (isnan(acc) ? acc : isnan(v) ? v : op == 1 ? fmax(acc, v) : fmin(acc, v));
        }
        acc = sl_block_reduce_d(op, acc);
        if (threadIdx.x == 0) sl_store(out, out_type, sl_at(lo, j), acc);
    }
}

// Max (op 1) or min (op 2) along one axis with the index of the first extremum; NaN counts as the extremum.
//   kept: values' shape, x's strides/offset; axis_len, axis_stride: the reduced axis of x
//   values (x's dtype, in_type) and indices (int64) laid out as lv / li; one thread per output.
extern "C" __global__ void sl_argreduce(int op, const void* x, int in_type, Layout kept, int axis_len, int axis_stride,
                                        void* values, Layout lv, long long* indices, Layout li, int n_out) {
    SL_FOR(j, n_out) {
        int base = sl_at(kept, j);
        double best = sl_load(x, in_type, base);
        long long at = 0;
        for (int k = 1; k < axis_len && !isnan(best); k++) {
            double v = sl_load(x, in_type, base + k * axis_stride);
            if (isnan(v) || (op == 1 ? v > best : v < best)) { best = v; at = k; }
        }
        sl_store(values, in_type, sl_at(lv, j), best);
        indices[sl_at(li, j)] = at;
    }
}
