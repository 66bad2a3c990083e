package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.Epilogue;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Float32Kernels} on the {@code jdk.incubator.vector} API at {@link FloatVector#SPECIES_PREFERRED} width.
 *
 * <p>Only {@link KernelDispatch} creates this class, reflectively, after checking that the incubator module is
 * present; nothing else may link against it. Loops run whole vectors and finish the ragged end with a masked vector
 * (so the tail takes the same arithmetic as the body); layouts the fast paths do not cover (general strides) fall
 * back to the scalar reference. Results agree with {@link ScalarFloat32Kernels} to float32 rounding (sums are
 * accumulated in float lanes rather than doubles, so the order of additions differs).
 */
final class VectorFloat32Kernels implements Float32Kernels {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();
    private static final Float32Kernels REF = new ScalarFloat32Kernels();

    /** Width of the preferred species in bits; the dispatcher refuses species narrower than 256. */
    static int preferredBits() { return S.vectorBitSize(); }

    @Override
    public String name() { return "vector-" + S.vectorBitSize(); }

    @Override
    public String details() {
        return "GEMM tile " + GemmMicroKernels.MR + "×" + GemmMicroKernels.NR + " at " + VectorGemm.bits() + " bits ("
                + dev.sluice.backend.cpu.CpuFeatures.get().vectorRegisters(VectorGemm.bits()) + " vector registers), "
                + "elementwise and row kernels at " + S.vectorBitSize() + " bits";
    }

    // unary: out[n] = op(x[n]); contiguous x only (other strides, and log, use the reference: see VectorMath on
    // why the JDK's "may vary" vector transcendentals are avoided)
    @Override
    public void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n) {
        if (xStride != 1 || op == UnaryOp.LOG) { REF.unary(op, x, xOff, xStride, out, outOff, n); return; }
        // the op is chosen once, outside the loop: see UnaryLoops on why each transcendental has its own loop
        switch (op) {
            case EXP -> UnaryLoops.exp(x, xOff, out, outOff, n);
            case GELU -> UnaryLoops.gelu(x, xOff, out, outOff, n);
            case GELU_TANH -> UnaryLoops.geluTanh(x, xOff, out, outOff, n);
            case SILU -> UnaryLoops.silu(x, xOff, out, outOff, n);
            case SIGMOID -> UnaryLoops.sigmoid(x, xOff, out, outOff, n);
            case TANH -> UnaryLoops.tanh(x, xOff, out, outOff, n);
            default -> UnaryLoops.cheap(op, x, xOff, out, outOff, n);
        }
    }

    // unaryBackward: x[n], y[n], g[n] -> out[n]
    @Override
    public void unaryBackward(UnaryOp op, float[] x, int xOff, float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        switch (op) {
            case GELU -> UnaryLoops.geluBackward(x, xOff, g, gOff, out, outOff, n);
            case GELU_TANH -> UnaryLoops.geluTanhBackward(x, xOff, g, gOff, out, outOff, n);
            case SILU -> UnaryLoops.siluBackward(x, xOff, g, gOff, out, outOff, n);
            default -> UnaryLoops.cheapBackward(op, x, xOff, y, yOff, g, gOff, out, outOff, n);
        }
    }

    // binary: a[n] (stride 0|1), b[n] (stride 0|1) -> out[n]; other strides use the reference
    @Override
    public void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                       float[] out, int outOff, int n) {
        if ((aStride & ~1) != 0 || (bStride & ~1) != 0 || n <= 0 || op == BinaryOp.POW) { // pow: see unary
            REF.binary(op, a, aOff, aStride, b, bOff, bStride, out, outOff, n);
            return;
        }
        if (aStride == 1 && bStride == 1) {
            switch (op) { // the commonest ops get a loop of their own, with no per-vector switch
                case ADD -> BinaryLoops.add(a, aOff, b, bOff, out, outOff, n);
                case MUL -> BinaryLoops.mul(a, aOff, b, bOff, out, outOff, n);
                default -> BinaryLoops.general(op, a, aOff, b, bOff, out, outOff, n);
            }
        } else if (aStride == 1) {
            BinaryLoops.scalarRight(op, a, aOff, b[bOff], out, outOff, n);
        } else if (bStride == 1) {
            BinaryLoops.scalarLeft(op, a[aOff], b, bOff, out, outOff, n);
        } else {
            out[outOff] = (float) op.apply(a[aOff], b[bOff]); // 0-stride both: the same value n times
            java.util.Arrays.fill(out, outOff, outOff + n, out[outOff]);
        }
    }

    /** op(a, b) lanewise; mirrors {@link BinaryOp#apply(double, double)} (comparisons give 1f/0f). */
    static FloatVector binary(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> throw new IllegalArgumentException("pow goes to the scalar kernel");
            // the Vector API's MAX/MIN follow Math.max/min, which propagate NaN as the reference does
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case EQ -> ones(a.compare(VectorOperators.EQ, b));
            case NE -> ones(a.compare(VectorOperators.NE, b));
            case LT -> ones(a.compare(VectorOperators.LT, b));
            case LE -> ones(a.compare(VectorOperators.LE, b));
            case GT -> ones(a.compare(VectorOperators.GT, b));
            case GE -> ones(a.compare(VectorOperators.GE, b));
            case AND -> ones(a.compare(VectorOperators.NE, 0f).and(b.compare(VectorOperators.NE, 0f)));
            case OR -> ones(a.compare(VectorOperators.NE, 0f).or(b.compare(VectorOperators.NE, 0f)));
        };
    }

    private static FloatVector ones(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(FloatVector.broadcast(S, 1f), m);
    }

    // reduce: x[n] -> scalar
    @Override
    public float reduce(ReduceOp op, float[] x, int off, int n) {
        return switch (op) {
            case SUM -> RowOps.sum(x, off, n);
            case MAX -> RowOps.max(x, off, n);
            case MIN -> RowOps.min(x, off, n);
        };
    }

    // reduceInto: acc[n] = op(acc[n], x[n])
    @Override
    public void reduceInto(ReduceOp op, float[] x, int off, float[] acc, int accOff, int n) {
        for (int i = 0; i < n; i += V) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector xv = FloatVector.fromArray(S, x, off + i, m);
            FloatVector av = FloatVector.fromArray(S, acc, accOff + i, m);
            FloatVector r = switch (op) {
                case SUM -> av.add(xv);
                case MAX -> av.max(xv); // NaN-propagating, as ReduceOp.combine
                case MIN -> av.min(xv);
            };
            r.intoArray(acc, accOff + i, m);
        }
    }

    // gemm: A[m×k] (any strides) · B[k×n] (any strides) -> C[m×n] (row stride cRs)
    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int cRs, boolean accumulate, Epilogue epilogue) {
        VectorGemm.gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate, epilogue == Epilogue.RELU);
    }

    // gemmBias: A[m×k] · B[k×n] + bias[n] on every row -> C[m×n] (row stride cRs)
    @Override
    public void gemmBias(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                         int bCs, float[] bias, int biasOff, float[] c, int cOff, int cRs, Epilogue epilogue) {
        VectorGemm.gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, bias, biasOff, c, cOff, cRs, false,
                epilogue == Epilogue.RELU);
    }

    // softmaxRows: x[rows×cols] -> out[rows×cols]
    @Override
    public void softmaxRows(float[] x, int xOff, float[] out, int outOff, int rows, int cols, boolean log) {
        RowOps.softmax(x, xOff, out, outOff, rows, cols, log);
    }

    // softmaxCrossEntropyRows: x[rows×cols], target[rows], coef[rows] -> rowLoss[rows], grad[rows×cols]?
    @Override
    public void softmaxCrossEntropyRows(float[] x, int xOff, long[] target, int tOff, float[] coef, int cOff, float smoothing,
                                        float[] rowLoss, int lOff, float[] grad, int gOff, int rows, int cols) {
        RowOps.softmaxCrossEntropy(x, xOff, target, tOff, coef, cOff, smoothing, rowLoss, lOff, grad, gOff, rows, cols);
    }

    // softmaxBackwardRows: y[rows×cols], g[rows×cols] -> dx[rows×cols]
    @Override
    public void softmaxBackwardRows(float[] y, int yOff, float[] g, int gOff, float[] dx, int dxOff, int rows, int cols, boolean log) {
        RowOps.softmaxBackward(y, yOff, g, gOff, dx, dxOff, rows, cols, log);
    }

    // layerNormRows: x[rows×cols], gamma[cols]?, beta[cols]? -> y[rows×cols], mean[rows], rstd[rows]
    @Override
    public void layerNormRows(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff, float[] mean, float[] rstd,
                              int rows, int cols, float eps) {
        RowOps.layerNorm(x, xOff, gamma, beta, y, yOff, mean, rstd, rows, cols, eps);
    }

    // layerNormBackwardRows: g, x [rows×cols], mean, rstd [rows], gamma[cols]? -> dx[rows×cols], dgamma, dbeta [cols] (+=)
    @Override
    public void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, float[] gamma,
                                      float[] dx, int dxOff, float[] dgamma, float[] dbeta, int rows, int cols) {
        RowOps.layerNormBackward(g, gOff, x, xOff, mean, rstd, gamma, dx, dxOff, dgamma, dbeta, rows, cols);
    }

    // adamw: p, g, m, v [n], updated in place
    @Override
    public void adamw(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                      float lr, float beta1, float beta2, float eps, float wd, float bc1, float bc2) {
        // the body is written out here rather than called with an all-true mask: when that call was not inlined,
        // the mask object was allocated on every iteration
        FloatVector b1 = FloatVector.broadcast(S, beta1), c1 = FloatVector.broadcast(S, 1 - beta1);
        FloatVector b2 = FloatVector.broadcast(S, beta2), c2 = FloatVector.broadcast(S, 1 - beta2);
        float stepScale = lr / bc1, vScale = 1 / bc2, lrWd = lr * wd;
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
            FloatVector mv = FloatVector.fromArray(S, m, mOff + i).mul(b1).add(gv.mul(c1));
            FloatVector vv = FloatVector.fromArray(S, v, vOff + i).mul(b2).add(gv.mul(c2).mul(gv));
            FloatVector pv = FloatVector.fromArray(S, p, pOff + i);
            FloatVector step = mv.mul(stepScale).div(vv.mul(vScale).sqrt().add(eps));
            pv = pv.sub(step.add(pv.mul(lrWd)));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            pv.intoArray(p, pOff + i);
        }
        if (i < n) adamwTail(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, lr, beta1, beta2, eps, wd, bc1, bc2);
    }

    /** The last n (< V) elements of {@link #adamw}: the same arithmetic under a mask. */
    private static void adamwTail(float[] p, int pi, float[] g, int gi, float[] m, int mi, float[] v, int vi, int n,
                                  float lr, float beta1, float beta2, float eps, float wd, float bc1, float bc2) {
        VectorMask<Float> k = S.indexInRange(0, n);
        FloatVector gv = FloatVector.fromArray(S, g, gi, k);
        FloatVector mv = FloatVector.fromArray(S, m, mi, k).mul(beta1).add(gv.mul(1 - beta1));
        FloatVector vv = FloatVector.fromArray(S, v, vi, k).mul(beta2).add(gv.mul(1 - beta2).mul(gv));
        FloatVector pv = FloatVector.fromArray(S, p, pi, k);
        // lr/bc1 and 1/bc2 as multipliers: one divide per vector instead of three (a zmm divide is slow)
        FloatVector step = mv.mul(lr / bc1).div(vv.mul(1 / bc2).sqrt().add(eps));
        pv = pv.sub(step.add(pv.mul(lr * wd)));
        mv.intoArray(m, mi, k);
        vv.intoArray(v, vi, k);
        pv.intoArray(p, pi, k);
    }
}
