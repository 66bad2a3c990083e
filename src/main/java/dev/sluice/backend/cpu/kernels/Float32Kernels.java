package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.Epilogue;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.UnaryOp;

/**
 * The float32 hot loops of the CPU backend, on plain Java arrays with explicit offsets and strides.
 *
 * <p>Two implementations sit behind this interface: {@code ScalarFloat32Kernels} (plain Java, the readable reference)
 * and {@code VectorFloat32Kernels} (the {@code jdk.incubator.vector} API). {@link KernelDispatch#float32()} picks one.
 * All methods are single-threaded unless stated; the backend splits work across threads. Element (i) of a strided
 * operand lives at {@code off + i * stride}; a stride of 0 broadcasts one value.
 */
public interface Float32Kernels {
    /** Name shown in logs and benchmarks, e.g. "vector-512" or "scalar". */
    String name();

    /** How the kernels are sized for this machine (GEMM register tile, widths), for {@code sluice info} and benchmarks. */
    default String details() { return "plain Java"; }

    /** out[i] = op(x[i]) for i in [0, n). */
    void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n);

    /** out[i] = g[i] * op'(x[i]) (x is the op's input, y its output; either may be used), contiguous, length n. */
    void unaryBackward(UnaryOp op, float[] x, int xOff, float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /**
     * out[i] = op(a[i], b[i]) for i in [0, n). For comparison ops the result is written as 1f/0f into {@code out}
     * (the backend converts to booleans). Fast when strides are 0 or 1.
     */
    void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride,
                float[] out, int outOff, int n);

    /** Reduces the contiguous run x[off .. off+n) with op (sum, max or min); an empty run gives op.identity. */
    float reduce(ReduceOp op, float[] x, int off, int n);

    /** acc[j] = op(acc[j], x[off + j]) for j in [0, n): the column-wise step of a reduction over an outer axis. */
    void reduceInto(ReduceOp op, float[] x, int off, float[] acc, int accOff, int n);

    /**
     * C = A·B (or C += A·B when {@code accumulate}), with A (m×k) at {@code a[aOff + i*aRs + p*aCs]}, B (k×n) at
     * {@code b[bOff + p*bRs + j*bCs]} (any strides: transposed operands arrive as strides) and C (m×n) row-major at
     * {@code c[cOff + i*cRs + j]}. Multithreaded over the rows/columns of C through {@code Parallel}.
     */
    default void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                      float[] c, int cOff, int cRs, boolean accumulate) {
        gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, accumulate, Epilogue.NONE);
    }

    /**
     * As the gemm above, then {@code epilogue} applied to each element of C once its sum over all of k is complete
     * (the fast kernel does it to each tile of the last k block right after storing it, while it is in L1).
     */
    void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
              float[] c, int cOff, int cRs, boolean accumulate, Epilogue epilogue);

    /**
     * C = A·B + bias, the bias (n floats from {@code bias[biasOff]}) added to every row, then {@code epilogue}: a
     * linear layer. Same bits as filling C's rows with the bias and accumulating the product onto them, which is what
     * this reference does; the fast kernel adds the bias to each tile of C while it is in cache instead.
     */
    default void gemmBias(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
                          int bCs, float[] bias, int biasOff, float[] c, int cOff, int cRs, Epilogue epilogue) {
        for (int i = 0; i < m; i++) System.arraycopy(bias, biasOff, c, cOff + i * cRs, n);
        gemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, cRs, true, epilogue);
    }

    /** Row-wise softmax (or log-softmax) of rows×cols contiguous x into out; numerically stable (max-subtracted). */
    void softmaxRows(float[] x, int xOff, float[] out, int outOff, int rows, int cols, boolean log);

    /**
     * Fused softmax cross entropy over rows×cols logits x with int64 targets (in [0, cols)) and per-row coefficients:
     * rowLoss[r] = −(1−ε)·logp[r, t_r] − (ε/cols)·Σ_c logp[r, c]; when grad is non-null,
     * grad[r, c] = coef[r]·(p[r, c] − ε/cols − (1−ε)·[c = t_r]). One read of x, one write of grad.
     */
    void softmaxCrossEntropyRows(float[] x, int xOff, long[] target, int tOff, float[] coef, int cOff, float smoothing,
                                 float[] rowLoss, int lOff, float[] grad, int gOff, int rows, int cols);

    /**
     * Backward of row-wise softmax given its output y and upstream g: dx = y·(g − Σ g·y); for log-softmax
     * dx = g − exp(y)·Σ g.
     */
    void softmaxBackwardRows(float[] y, int yOff, float[] g, int gOff, float[] dx, int dxOff, int rows, int cols, boolean log);

    /**
     * Layer norm over the last dim of rows×cols contiguous x: y = (x − mean)·rstd·gamma + beta, with
     * rstd = 1/sqrt(var + eps) (biased variance). gamma/beta may be null (treated as 1 and 0). Writes mean[rows] and
     * rstd[rows] for the backward.
     */
    void layerNormRows(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff, float[] mean, float[] rstd,
                       int rows, int cols, float eps);

    /**
     * Backward of {@link #layerNormRows}: writes dx (rows×cols) and, when non-null, accumulates (+=) dgamma[cols] and
     * dbeta[cols].
     */
    void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, float[] gamma,
                               float[] dx, int dxOff, float[] dgamma, float[] dbeta, int rows, int cols);

    /**
     * One fused AdamW step over n contiguous parameters: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * p = p − lr·(m/bc1) / (sqrt(v/bc2) + eps) − lr·wd·p, where bc1 = 1−β1^t and bc2 = 1−β2^t (weight decay is
     * decoupled; pass wd = 0 for Adam without decay).
     */
    void adamw(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
               float lr, float beta1, float beta2, float eps, float wd, float bc1, float bc2);
}
