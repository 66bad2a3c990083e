package dev.sluice.backend.cpu;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.UnaryOp;
import dev.sluice.backend.View;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.tensor.DType;

/**
 * Elementwise kernels over strided operands. float32 rows go to the vectorised kernels; float64 rows run plain loops
 * over the ops' reference formulas; other dtypes (integers, bools, comparisons) use the generic accessor loop.
 */
final class CpuElementwise {
    private CpuElementwise() {}

    static void unary(Float32Kernels k, UnaryOp op, View x, View out) {
        CpuStorage xs = CpuBackend.st(x), os = CpuBackend.st(out);
        Strided it = Strided.of(out.shape(), x, out);
        int xst = it.innerStride(0), ost = it.innerStride(1);
        if (x.dtype() == DType.FLOAT32 && ost == 1) {
            it.forEachElementRun(true, (off, n) -> k.unary(op, xs.f32, off[0], xst, os.f32, off[1], n));
        } else if (x.dtype() == DType.FLOAT64) {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, xi = off[0], oi = off[1]; j < n; j++, xi += xst, oi += ost) os.f64[oi] = op.apply(xs.f64[xi]);
            });
        } else {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, xi = off[0], oi = off[1]; j < n; j++, xi += xst, oi += ost) os.set(oi, op.apply(xs.get(xi)));
            });
        }
    }

    static void unaryBackward(Float32Kernels k, UnaryOp op, View x, View y, View g, View out) {
        CpuStorage xs = CpuBackend.st(x), ys = CpuBackend.st(y), gs = CpuBackend.st(g), os = CpuBackend.st(out);
        Strided it = Strided.of(out.shape(), x, y, g, out);
        int xst = it.innerStride(0), yst = it.innerStride(1), gst = it.innerStride(2), ost = it.innerStride(3);
        boolean contiguousRows = xst == 1 && yst == 1 && gst == 1 && ost == 1;
        if (x.dtype() == DType.FLOAT32 && contiguousRows) {
            it.forEachElementRun(true, (off, n) -> k.unaryBackward(op, xs.f32, off[0], ys.f32, off[1], gs.f32, off[2], os.f32, off[3], n));
        } else {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, xi = off[0], yi = off[1], gi = off[2], oi = off[3]; j < n;
                     j++, xi += xst, yi += yst, gi += gst, oi += ost) {
                    os.set(oi, gs.get(gi) * op.derivative(xs.get(xi), ys.get(yi)));
                }
            });
        }
    }

    static void binary(Float32Kernels k, BinaryOp op, View a, View b, View out) {
        CpuStorage as = CpuBackend.st(a), bs = CpuBackend.st(b), os = CpuBackend.st(out);
        Strided it = Strided.of(out.shape(), a, b, out);
        int ast = it.innerStride(0), bst = it.innerStride(1), ost = it.innerStride(2);
        if (out.dtype() == DType.FLOAT32 && a.dtype() == DType.FLOAT32 && ost == 1) {
            it.forEachElementRun(true, (off, n) -> k.binary(op, as.f32, off[0], ast, bs.f32, off[1], bst, os.f32, off[2], n));
        } else if (out.dtype() == DType.FLOAT64 && a.dtype() == DType.FLOAT64) {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, ai = off[0], bi = off[1], oi = off[2]; j < n; j++, ai += ast, bi += bst, oi += ost) {
                    os.f64[oi] = op.apply(as.f64[ai], bs.f64[bi]);
                }
            });
        } else if (out.dtype() == DType.INT64 && a.dtype() == DType.INT64 && !op.isComparison()) {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, ai = off[0], bi = off[1], oi = off[2]; j < n; j++, ai += ast, bi += bst, oi += ost) {
                    os.i64[oi] = applyLong(op, as.i64[ai], bs.i64[bi]);
                }
            });
        } else {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, ai = off[0], bi = off[1], oi = off[2]; j < n; j++, ai += ast, bi += bst, oi += ost) {
                    os.set(oi, op.apply(as.get(ai), bs.get(bi)));
                }
            });
        }
    }

    /** Exact 64-bit integer arithmetic (division truncates toward zero, as C; pow by repeated squaring). */
    private static long applyLong(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) throw new ArithmeticException("div: integer division by zero");
                yield a / b;
            }
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> {
                if (b < 0) throw new ArithmeticException("pow: integers to negative powers are not allowed");
                long r = 1, base = a;
                for (long e = b; e > 0; e >>= 1) {
                    if ((e & 1) != 0) r *= base;
                    base *= base;
                }
                yield r;
            }
            case AND -> (a != 0 && b != 0) ? 1 : 0;
            case OR -> (a != 0 || b != 0) ? 1 : 0;
            default -> throw new IllegalStateException("not an arithmetic op: " + op);
        };
    }

    static void where(View cond, View a, View b, View out) {
        CpuStorage cs = CpuBackend.st(cond), as = CpuBackend.st(a), bs = CpuBackend.st(b), os = CpuBackend.st(out);
        Strided it = Strided.of(out.shape(), cond, a, b, out);
        int cst = it.innerStride(0), ast = it.innerStride(1), bst = it.innerStride(2), ost = it.innerStride(3);
        if (out.dtype() == DType.FLOAT32) {
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, ci = off[0], ai = off[1], bi = off[2], oi = off[3]; j < n;
                     j++, ci += cst, ai += ast, bi += bst, oi += ost) {
                    os.f32[oi] = cs.bool[ci] != 0 ? as.f32[ai] : bs.f32[bi];
                }
            });
        } else {
            boolean longs = out.dtype() == DType.INT64;
            it.forEachElementRun(true, (off, n) -> {
                for (int j = 0, ci = off[0], ai = off[1], bi = off[2], oi = off[3]; j < n;
                     j++, ci += cst, ai += ast, bi += bst, oi += ost) {
                    boolean c = cs.bool[ci] != 0;
                    if (longs) os.i64[oi] = c ? as.i64[ai] : bs.i64[bi];
                    else os.set(oi, c ? as.get(ai) : bs.get(bi));
                }
            });
        }
    }
}
