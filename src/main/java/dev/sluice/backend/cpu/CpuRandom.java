package dev.sluice.backend.cpu;

import dev.sluice.backend.Philox;
import dev.sluice.backend.RandomKind;
import dev.sluice.backend.View;
import dev.sluice.tensor.DType;

/** Fills contiguous float tensors from the Philox stream; element i depends only on (seed, offset, i). */
final class CpuRandom {
    private CpuRandom() {}

    static void fill(RandomKind kind, long seed, long offset, double a, double b, View out) {
        if (!out.isContiguous()) throw new IllegalStateException("random: output must be contiguous");
        CpuStorage os = CpuBackend.st(out);
        int base = out.offset(), n = out.numel();
        boolean f64 = out.dtype() == DType.FLOAT64;
        if (!out.dtype().isFloating()) throw new IllegalArgumentException("random: output must be float32 or float64, got " + out.dtype());
        Parallel.forRange(n, 4096, (lo, hi) -> {
            int[] scratch = new int[4];
            for (int i = lo; i < hi; i++) {
                double v;
                if (kind == RandomKind.UNIFORM) {
                    double u = f64 ? Philox.uniformDouble(seed, offset, i, scratch) : Philox.uniformFloat(seed, offset, i, scratch);
                    v = a + (b - a) * u;
                } else {
                    double z = f64 ? Philox.normalDouble(seed, offset, i, scratch) : Philox.normalFloat(seed, offset, i, scratch);
                    v = a + b * z;
                }
                if (f64) os.f64[base + i] = v;
                else os.f32[base + i] = (float) v;
            }
        });
    }
}
