package dev.sluice.backend.cpu;

import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.tensor.DType;

/** Fused optimizer updates: one pass over parameter, gradient and moments. */
final class CpuOptim {
    private CpuOptim() {}

    static void adamw(Float32Kernels k, View p, View g, View m, View v, double lr, double beta1, double beta2,
                      double eps, double wd, double bc1, double bc2) {
        View gd = CpuNorms.dense(g);
        for (View x : new View[] {p, m, v}) {
            if (!x.isContiguous()) throw new IllegalStateException("adamw: parameter and moments must be contiguous");
        }
        CpuStorage ps = CpuBackend.st(p), gs = CpuBackend.st(gd), ms = CpuBackend.st(m), vs = CpuBackend.st(v);
        int n = p.numel();
        if (p.dtype() == DType.FLOAT32) {
            Parallel.forRange(n, 1 << 15, (lo, hi) -> k.adamw(ps.f32, p.offset() + lo, gs.f32, gd.offset() + lo,
                    ms.f32, m.offset() + lo, vs.f32, v.offset() + lo, hi - lo,
                    (float) lr, (float) beta1, (float) beta2, (float) eps, (float) wd, (float) bc1, (float) bc2));
            return;
        }
        for (int i = 0; i < n; i++) {
            int pi = p.offset() + i, gi = gd.offset() + i, mi = m.offset() + i, vi = v.offset() + i;
            double grad = gs.f64[gi];
            ms.f64[mi] = beta1 * ms.f64[mi] + (1 - beta1) * grad;
            vs.f64[vi] = beta2 * vs.f64[vi] + (1 - beta2) * grad * grad;
            double update = (ms.f64[mi] / bc1) / (Math.sqrt(vs.f64[vi] / bc2) + eps);
            ps.f64[pi] -= lr * update + lr * wd * ps.f64[pi];
        }
    }
}
