package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Contiguous elementwise loops for {@link VectorFloat32Kernels#unary} and {@code unaryBackward}: one small method
 * per transcendental op, so that C2 compiles each with its own inlining budget and inlines the whole polynomial
 * (a single loop over a switch of every op did not fit: the math was called, not inlined, and every vector crossing
 * that call was boxed on the heap, ~30× slower). The cheap ops have a loop each too: a shared loop with the op switch
 * inside was compiled with whatever ops had run through it, and with several in use it boxed every vector.
 *
 * <p>Each loop runs unmasked whole vectors, then one masked vector for the ragged end (fewer than V elements); the
 * transcendental loops hand that end to a separate tail method, compiled on its own, so the hot loop carries one
 * copy of the math.
 */
final class UnaryLoops {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private UnaryLoops() {}

    /** out[n] = op(x[n]) for the cheap ops (a few instructions each), each with a loop of its own. */
    static void cheap(UnaryOp op, float[] x, int xo, float[] out, int oo, int n) {
        switch (op) {
            case NEG -> neg(x, xo, out, oo, n);
            case SQRT -> sqrt(x, xo, out, oo, n);
            case RSQRT -> rsqrt(x, xo, out, oo, n);
            case ABS -> abs(x, xo, out, oo, n);
            case RELU -> relu(x, xo, out, oo, n);
            case SQUARE -> square(x, xo, out, oo, n);
            case RECIPROCAL -> reciprocal(x, xo, out, oo, n);
            default -> throw new IllegalArgumentException(op + " is not a cheap op");
        }
    }

    // neg: x[n] -> out[n] = neg(x)
    private static void neg(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.neg().intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            v.neg().intoArray(out, oo + i, m);
        }
    }

    // sqrt: x[n] -> out[n] = sqrt(x)
    private static void sqrt(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.sqrt().intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            v.sqrt().intoArray(out, oo + i, m);
        }
    }

    // rsqrt: x[n] -> out[n] = rsqrt(x)
    private static void rsqrt(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMath.ONE.div(v.sqrt()).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            VectorMath.ONE.div(v.sqrt()).intoArray(out, oo + i, m);
        }
    }

    // abs: x[n] -> out[n] = abs(x)
    private static void abs(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.abs().intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            v.abs().intoArray(out, oo + i, m);
        }
    }

    // relu: x[n] -> out[n] = relu(x), zero where x <= 0 so that NaN passes through
    private static void relu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.blend(VectorMath.ZERO, v.compare(VectorOperators.LE, VectorMath.ZERO)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            v.blend(VectorMath.ZERO, v.compare(VectorOperators.LE, VectorMath.ZERO)).intoArray(out, oo + i, m);
        }
    }

    // square: x[n] -> out[n] = square(x)
    private static void square(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(v).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            v.mul(v).intoArray(out, oo + i, m);
        }
    }

    // reciprocal: x[n] -> out[n] = reciprocal(x)
    private static void reciprocal(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMath.ONE.div(v).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xo + i, m);
            VectorMath.ONE.div(v).intoArray(out, oo + i, m);
        }
    }

    /** out[n] = g·op'(x, y) for the ops with a cheap derivative, each with a loop of its own reading only what it needs. */
    static void cheapBackward(UnaryOp op, float[] x, int xo, float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        switch (op) {
            case NEG -> negBackward(x, xo, y, yo, g, go, out, oo, n);
            case EXP -> expBackward(x, xo, y, yo, g, go, out, oo, n);
            case LOG -> logBackward(x, xo, y, yo, g, go, out, oo, n);
            case SQRT -> sqrtBackward(x, xo, y, yo, g, go, out, oo, n);
            case RSQRT -> rsqrtBackward(x, xo, y, yo, g, go, out, oo, n);
            case ABS -> absBackward(x, xo, y, yo, g, go, out, oo, n);
            case RELU -> reluBackward(x, xo, y, yo, g, go, out, oo, n);
            case SIGMOID -> sigmoidBackward(x, xo, y, yo, g, go, out, oo, n);
            case TANH -> tanhBackward(x, xo, y, yo, g, go, out, oo, n);
            case SQUARE -> squareBackward(x, xo, y, yo, g, go, out, oo, n);
            case RECIPROCAL -> reciprocalBackward(x, xo, y, yo, g, go, out, oo, n);
            default -> throw new IllegalArgumentException(op + " has no cheap derivative");
        }
    }

    // negBackward: g[n] -> out[n] = g·neg'
    private static void negBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.neg().intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.neg().intoArray(out, oo + i, m);
        }
    }

    // expBackward: y[n], g[n] -> out[n] = g·exp'
    private static void expBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector y = FloatVector.fromArray(S, ys, yo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(y).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, ys, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(y).intoArray(out, oo + i, m);
        }
    }

    // logBackward: x[n], g[n] -> out[n] = g·log'
    private static void logBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector x = FloatVector.fromArray(S, xs, xo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.div(x).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, xo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.div(x).intoArray(out, oo + i, m);
        }
    }

    // sqrtBackward: y[n], g[n] -> out[n] = g·sqrt'
    private static void sqrtBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector y = FloatVector.fromArray(S, ys, yo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(0.5f).div(y).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, ys, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(0.5f).div(y).intoArray(out, oo + i, m);
        }
    }

    // rsqrtBackward: y[n], g[n] -> out[n] = g·rsqrt'
    private static void rsqrtBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector y = FloatVector.fromArray(S, ys, yo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(y.mul(y).mul(y).mul(-0.5f)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, ys, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(y.mul(y).mul(y).mul(-0.5f)).intoArray(out, oo + i, m);
        }
    }

    // absBackward: x[n], g[n] -> out[n] = g·abs'
    private static void absBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector x = FloatVector.fromArray(S, xs, xo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(VectorMath.signum(x)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, xo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(VectorMath.signum(x)).intoArray(out, oo + i, m);
        }
    }

    // reluBackward: x[n], g[n] -> out[n] = g·relu'
    private static void reluBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector x = FloatVector.fromArray(S, xs, xo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(VectorMath.ONE.blend(VectorMath.ZERO, x.compare(VectorOperators.LE, VectorMath.ZERO))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, xo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(VectorMath.ONE.blend(VectorMath.ZERO, x.compare(VectorOperators.LE, VectorMath.ZERO))).intoArray(out, oo + i, m);
        }
    }

    // sigmoidBackward: y[n], g[n] -> out[n] = g·sigmoid'
    private static void sigmoidBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector y = FloatVector.fromArray(S, ys, yo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(y.mul(VectorMath.ONE.sub(y))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, ys, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(y.mul(VectorMath.ONE.sub(y))).intoArray(out, oo + i, m);
        }
    }

    // tanhBackward: y[n], g[n] -> out[n] = g·tanh'
    private static void tanhBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector y = FloatVector.fromArray(S, ys, yo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(VectorMath.ONE.sub(y.mul(y))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, ys, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(VectorMath.ONE.sub(y.mul(y))).intoArray(out, oo + i, m);
        }
    }

    // squareBackward: x[n], g[n] -> out[n] = g·square'
    private static void squareBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector x = FloatVector.fromArray(S, xs, xo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(x.mul(2f)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, xs, xo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(x.mul(2f)).intoArray(out, oo + i, m);
        }
    }

    // reciprocalBackward: y[n], g[n] -> out[n] = g·reciprocal'
    private static void reciprocalBackward(float[] xs, int xo, float[] ys, int yo, float[] gs, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector y = FloatVector.fromArray(S, ys, yo + i);
            FloatVector g = FloatVector.fromArray(S, gs, go + i);
            g.mul(y.mul(y).neg()).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, ys, yo + i, m);
            FloatVector g = FloatVector.fromArray(S, gs, go + i, m);
            g.mul(y.mul(y).neg()).intoArray(out, oo + i, m);
        }
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

    /**
     * geluBackward: x[n], g[n] -> out[n] = g·(Φ(x) + x·φ(x)). One loop: Φ and φ share a single exp (see
     * VectorMath.geluBackward), small enough for C2 to inline fully. (Before, Φ and φ each had an exp, and one loop
     * body with both exceeded C2's node-count inlining cutoff, so it ran as two passes over L1-sized blocks.)
     */
    static void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorMath.geluBackward(FloatVector.fromArray(S, x, xo + i), FloatVector.fromArray(S, g, go + i)).intoArray(out, oo + i);
        }
        if (i < n) geluBackwardTail(x, xo + i, g, go + i, out, oo + i, n - i);
    }

    private static void geluBackwardTail(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        VectorMath.geluBackward(FloatVector.fromArray(S, x, xo, m), FloatVector.fromArray(S, g, go, m)).intoArray(out, oo, m);
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
