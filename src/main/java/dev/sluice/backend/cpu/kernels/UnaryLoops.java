package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Contiguous elementwise loops for {@link VectorFloat32Kernels#unary} and {@code unaryBackward}: one small method
 * per transcendental op, so that C2 compiles each with its own inlining budget and inlines the whole polynomial
 * (a single loop over a switch of every op did not fit: the math was called, not inlined, and every vector crossing
 * that call was boxed on the heap, ~30× slower). The cheap ops share one loop with the switch inside; they are a few
 * instructions each and inline together.
 *
 * <p>Each loop runs unmasked whole vectors and hands the ragged end (fewer than V elements) to a separate tail
 * method, compiled on its own, so the hot loop carries one copy of the math.
 */
final class UnaryLoops {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private UnaryLoops() {}

    /** out[n] = op(x[n]) for a cheap op (see {@link VectorMath#cheap}). */
    static void cheap(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.cheap(op, FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) cheapTail(op, x, xo + i, out, oo + i, n - i);
    }

    private static void cheapTail(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.cheap(op, FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    /** out[n] = g·op'(x, y) for an op with a cheap derivative (see {@link VectorMath#cheapBackward}). */
    static void cheapBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.cheapBackward(op, FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, y, yo + i),
                    FloatVector.fromArray(S, g, go + i)).intoArray(out, oo + i);
        }
        if (i < n) cheapBackwardTail(op, x, xo + i, y, yo + i, g, go + i, out, oo + i, n - i);
    }

    private static void cheapBackwardTail(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go,
                                          float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.cheapBackward(op, FloatVector.fromArray(S, x, xo, m), FloatVector.fromArray(S, y, yo, m),
                FloatVector.fromArray(S, g, go, m)).intoArray(out, oo, m);
    }

    // exp: x[n] -> out[n] = e^x
    static void exp(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) expTail(x, xo + i, out, oo + i, n - i);
    }

    private static void expTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.exp(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    // gelu: x[n] -> out[n] = x·Φ(x)
    static void gelu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.gelu(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) geluTail(x, xo + i, out, oo + i, n - i);
    }

    private static void geluTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.gelu(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    // geluTanh: x[n] -> out[n] = tanh-approximated GELU
    static void geluTanh(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.geluTanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) geluTanhTail(x, xo + i, out, oo + i, n - i);
    }

    private static void geluTanhTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.geluTanh(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    // silu: x[n] -> out[n] = x·σ(x)
    static void silu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.silu(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) siluTail(x, xo + i, out, oo + i, n - i);
    }

    private static void siluTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.silu(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    // sigmoid: x[n] -> out[n] = σ(x)
    static void sigmoid(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) sigmoidTail(x, xo + i, out, oo + i, n - i);
    }

    private static void sigmoidTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.sigmoid(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    // tanh: x[n] -> out[n] = tanh(x)
    static void tanh(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) tanhTail(x, xo + i, out, oo + i, n - i);
    }

    private static void tanhTail(float[] x, int xo, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.tanh(FloatVector.fromArray(S, x, xo, m)).intoArray(out, oo, m);
    }

    /** Elements per block of the two-pass GELU backward: 4 KiB per operand, so a block stays in L1. */
    private static final int GELU_BLOCK = 1024;

    /**
     * geluBackward: x[n], g[n] -> out[n] = g·(Φ(x) + x·φ(x)). Φ (erfc and an exp) and φ (another exp) in one loop
     * body exceed C2's node-count inlining cutoff, so part of the math was called and its vectors boxed. When out
     * is a separate array it serves as scratch: per L1-sized block, one pass writes Φ(x) and a second turns it into
     * the derivative, each pass small enough to inline fully.
     */
    static void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        if (out == x || out == g) { // possible aliasing: no scratch; correct but slower
            geluBackwardFused(x, xo, g, go, out, oo, n);
            return;
        }
        for (int b = 0; b < n; b += GELU_BLOCK) {
            int len = Math.min(GELU_BLOCK, n - b);
            normalCdf(x, xo + b, out, oo + b, len);
            geluBackwardFromCdf(x, xo + b, g, go + b, out, oo + b, len);
        }
    }

    /** out[n] = Φ(x). */
    private static void normalCdf(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> m = S.indexInRange(i, n); // 4 KiB blocks: the mask is noise next to erfc and exp
            VectorMath.normalCdf(FloatVector.fromArray(S, x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** out[n] = g·(out + x·φ(x)), where out holds Φ(x) on entry. */
    private static void geluBackwardFromCdf(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector xv = FloatVector.fromArray(S, x, xo + i, m);
            VectorMath.geluBackwardFromCdf(xv, FloatVector.fromArray(S, out, oo + i, m), FloatVector.fromArray(S, g, go + i, m))
                    .intoArray(out, oo + i, m);
        }
    }

    /** geluBackward in one loop (used only when out may alias an input). */
    private static void geluBackwardFused(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.geluBackward(FloatVector.fromArray(S, x, xo + i, m), FloatVector.fromArray(S, g, go + i, m))
                    .intoArray(out, oo + i, m);
        }
    }

    // geluTanhBackward: x[n], g[n] -> out[n] = g·GELU_TANH'(x)
    static void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.geluTanhBackward(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, g, go + i)).intoArray(out, oo + i);
        }
        if (i < n) geluTanhBackwardTail(x, xo + i, g, go + i, out, oo + i, n - i);
    }

    private static void geluTanhBackwardTail(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.geluTanhBackward(FloatVector.fromArray(S, x, xo, m), FloatVector.fromArray(S, g, go, m)).intoArray(out, oo, m);
    }

    // siluBackward: x[n], g[n] -> out[n] = g·SiLU'(x)
    static void siluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.siluBackward(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, g, go + i)).intoArray(out, oo + i);
        }
        if (i < n) siluBackwardTail(x, xo + i, g, go + i, out, oo + i, n - i);
    }

    private static void siluBackwardTail(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.siluBackward(FloatVector.fromArray(S, x, xo, m), FloatVector.fromArray(S, g, go, m)).intoArray(out, oo, m);
    }
}
