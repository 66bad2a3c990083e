package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.Epilogue;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.UnaryOp;

/**
 * The reference {@link Float32Kernels}: plain loops, written for clarity. Elementwise values and derivatives come from
 * {@link UnaryOp}, {@link BinaryOp} and {@link ReduceOp} (evaluated in double, rounded to float once); reductions and
 * row statistics accumulate in double. The vector kernels are tested against this class.
 */
public final class ScalarFloat32Kernels implements Float32Kernels {
    /** Creates the reference kernels (stateless; {@link KernelDispatch#scalar()} holds the shared instance). */
    public ScalarFloat32Kernels() {}

    @Override
    public String name() { return "scalar"; }

    // unary: x[n] (any stride) -> out[n]
    @Override
    public void unary(UnaryOp op, float[] x, int xOff, int xStride, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) op.apply(x[xOff + i * xStride]);
    }

    // unaryBackward: x[n], y[n], g[n] -> out[n]
    @Override
    public void unaryBackward(UnaryOp op, float[] x, int xOff, float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) (g[gOff + i] * op.derivative(x[xOff + i], y[yOff + i]));
    }

    // binary: a[n], b[n] (any strides) -> out[n]
    @Override
    public void binary(BinaryOp op, float[] a, int aOff, int aStride, float[] b, int bOff, int bStride, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) op.apply(a[aOff + i * aStride], b[bOff + i * bStride]);
    }

    // reduce: x[n] -> scalar (double accumulator)
    @Override
    public float reduce(ReduceOp op, float[] x, int off, int n) {
        double acc = op.identity;
        for (int i = 0; i < n; i++) acc = op.combine(acc, x[off + i]);
        return (float) acc;
    }

    // reduceInto: acc[n] = op(acc[n], x[n])
    @Override
    public void reduceInto(ReduceOp op, float[] x, int off, float[] acc, int accOff, int n) {
        for (int i = 0; i < n; i++) acc[accOff + i] = (float) op.combine(acc[accOff + i], x[off + i]);
    }

    // gemm: A[m×k] · B[k×n] -> C[m×n]; i-p-j order so the inner loop streams a row of B and a row of C
    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int cRs, boolean accumulate, Epilogue epilogue) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * cRs;
            if (!accumulate) java.util.Arrays.fill(c, cRow, cRow + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * aRs + p * aCs];
                int bRow = bOff + p * bRs;
                if (bCs == 1) {
                    // unit stride written out so the JIT can auto-vectorise the common row-major case
                    for (int j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
                } else {
                    for (int j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j * bCs];
                }
            }
            if (epilogue == Epilogue.RELU) {
                for (int j = 0; j < n; j++) c[cRow + j] = c[cRow + j] <= 0 ? 0f : c[cRow + j];
            }
        }
    }

    // softmaxRows: x[rows×cols] -> out[rows×cols]
    @Override
    public void softmaxRows(float[] x, int xOff, float[] out, int outOff, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, ob = outOff + r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[xb + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(x[xb + j] - max);
            for (int j = 0; j < cols; j++) out[ob + j] = (float) (log ? x[xb + j] - max - Math.log(sum) : Math.exp(x[xb + j] - max) / sum);
        }
    }

    // softmaxCrossEntropyRows: x[rows×cols], target[rows], coef[rows] -> rowLoss[rows], grad[rows×cols]?
    @Override
    public void softmaxCrossEntropyRows(float[] x, int xOff, long[] target, int tOff, float[] coef, int cOff, float smoothing,
                                        float[] rowLoss, int lOff, float[] grad, int gOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, t = (int) target[tOff + r];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[xb + j]);
            double sum = 0, sumShifted = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[xb + j] - max);
                sumShifted += x[xb + j] - max;
            }
            double logSum = Math.log(sum);
            rowLoss[lOff + r] = (float) (-(1 - smoothing) * (x[xb + t] - max - logSum) - smoothing / cols * (sumShifted - cols * logSum));
            if (grad == null) continue;
            int gb = gOff + r * cols;
            for (int j = 0; j < cols; j++) {
                grad[gb + j] = (float) (coef[cOff + r] * (Math.exp(x[xb + j] - max - logSum) - smoothing / cols - (j == t ? 1 - smoothing : 0)));
            }
        }
    }

    // softmaxBackwardRows: y, g [rows×cols] -> dx[rows×cols]
    @Override
    public void softmaxBackwardRows(float[] y, int yOff, float[] g, int gOff, float[] dx, int dxOff, int rows, int cols, boolean log) {
        for (int r = 0; r < rows; r++) {
            int yb = yOff + r * cols, gb = gOff + r * cols, db = dxOff + r * cols;
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += log ? g[gb + j] : g[gb + j] * y[yb + j];
            for (int j = 0; j < cols; j++) dx[db + j] = (float) (log ? g[gb + j] - Math.exp(y[yb + j]) * dot : y[yb + j] * (g[gb + j] - dot));
        }
    }

    // layerNormRows: x[rows×cols], gamma/beta[cols]? -> y[rows×cols], mean/rstd[rows]
    @Override
    public void layerNormRows(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff, float[] mean, float[] rstd, int rows, int cols, float eps) {
        for (int r = 0; r < rows; r++) {
            int xb = xOff + r * cols, yb = yOff + r * cols;
            double mu = 0; for (int j = 0; j < cols; j++) mu += x[xb + j]; mu /= cols;
            double var = 0; for (int j = 0; j < cols; j++) var += (x[xb + j] - mu) * (x[xb + j] - mu); var /= cols;
            double inv = 1 / Math.sqrt(var + eps);
            for (int j = 0; j < cols; j++) {
                double v = (x[xb + j] - mu) * inv;
                if (gamma != null) v *= gamma[j];
                if (beta != null) v += beta[j];
                y[yb + j] = (float) v;
            }
            mean[r] = (float) mu; rstd[r] = (float) inv;
        }
    }

    // layerNormBackwardRows: g, x [rows×cols] -> dx[rows×cols]; dgamma/dbeta[cols] +=
    @Override
    public void layerNormBackwardRows(float[] g, int gOff, float[] x, int xOff, float[] mean, float[] rstd, float[] gamma, float[] dx, int dxOff, float[] dgamma, float[] dbeta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int gb = gOff + r * cols, xb = xOff + r * cols, db = dxOff + r * cols;
            double sumG = 0, sumGX = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = (x[xb + j] - mean[r]) * rstd[r];
                double gy = g[gb + j] * (gamma == null ? 1 : gamma[j]);
                sumG += gy; sumGX += gy * xhat;
                if (dgamma != null) dgamma[j] += (float) (g[gb + j] * xhat);
                if (dbeta != null) dbeta[j] += g[gb + j];
            }
            for (int j = 0; j < cols; j++) {
                double xhat = (x[xb + j] - mean[r]) * rstd[r];
                double gy = g[gb + j] * (gamma == null ? 1 : gamma[j]);
                dx[db + j] = (float) (rstd[r] * (gy - sumG / cols - xhat * sumGX / cols));
            }
        }
    }

    // adamw: p, g, m, v [n], in place
    @Override
    public void adamw(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n, float lr, float beta1, float beta2, float eps, float wd, float bc1, float bc2) {
        for (int i = 0; i < n; i++) {
            float gr = g[gOff + i];
            m[mOff + i] = beta1 * m[mOff + i] + (1 - beta1) * gr;
            v[vOff + i] = beta2 * v[vOff + i] + (1 - beta2) * gr * gr;
            p[pOff + i] -= lr * (m[mOff + i] / bc1) / ((float) Math.sqrt(v[vOff + i] / bc2) + eps) + lr * wd * p[pOff + i];
        }
    }
}
