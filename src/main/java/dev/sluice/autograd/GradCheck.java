package dev.sluice.autograd;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Gradient checking in float64, as {@code torch.autograd.gradcheck}: compares the analytical Jacobian (one backward per
 * output element) with central finite differences (two forwards per input element) for every input that requires
 * grad. An element passes when |analytical − numerical| ≤ atol + rtol·|numerical|.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(new Generator(1), DType.FLOAT64, 3, 4).requiresGrad(true);
 * GradCheck.check("tanh", in -> in[0].tanh(), x);   // throws GradCheck.Failure on a mismatch
 * }</pre>
 */
public final class GradCheck {
    /** PyTorch's defaults. */
    public static final double EPS = 1e-6, ATOL = 1e-5, RTOL = 1e-3;

    /** Thrown when a gradient disagrees with finite differences; the message names the op, input and element. */
    public static final class Failure extends RuntimeException {
        Failure(String message) { super(message); }
    }

    private GradCheck() {}

    /**
     * Checks with PyTorch's default step and tolerances ({@link #EPS}, {@link #ATOL}, {@link #RTOL}).
     *
     * @param name the op's name, for the failure message
     * @param f the function under test; it receives {@code inputs} and must return a float64 tensor
     * @param inputs the arguments; those requiring grad must be contiguous float64 leaves
     * @throws Failure if an analytical gradient element disagrees with finite differences
     * @throws IllegalArgumentException if an input or the output has the wrong dtype or layout
     */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, f, EPS, ATOL, RTOL, inputs);
    }

    /**
     * Checks the gradient of {@code f} with respect to every input that requires grad. Inputs must be contiguous
     * float64 leaves (apply views inside {@code f} to test non-contiguous operands).
     *
     * @param name the op's name, for the failure message
     * @param f the function under test; it receives {@code inputs} and must return a float64 tensor
     * @param eps the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numerical derivative
     * @param inputs the arguments; those requiring grad must be contiguous float64 leaves
     * @throws Failure if an analytical gradient element disagrees with finite differences
     * @throws IllegalArgumentException if an input or the output has the wrong dtype or layout
     */
    public static void check(String name, Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad() && (in.dtype() != DType.FLOAT64 || !in.isLeaf() || !in.isContiguous())) {
                throw new IllegalArgumentException("gradcheck(" + name + "): inputs that require grad must be contiguous float64 "
                        + "leaves, got " + in.dtype() + (in.isLeaf() ? "" : " non-leaf") + " of shape " + Arrays.toString(in.shape()));
            }
        }
        Tensor out = f.apply(inputs);
        if (out.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("gradcheck(" + name + "): output must be float64, got " + out.dtype());
        }
        int nOut = out.numel();
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (in == null || !in.requiresGrad()) continue;
            double[][] analytical = analyticalJacobian(f, inputs, k, nOut);
            double[][] numerical = numericalJacobian(f, inputs, k, nOut, eps);
            for (int i = 0; i < in.numel(); i++) {
                for (int o = 0; o < nOut; o++) {
                    double a = analytical[i][o], n = numerical[i][o];
                    if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
                        throw new Failure("gradcheck(" + name + "): Jacobian mismatch for input " + k + " (shape "
                                + Arrays.toString(in.shape()) + ") at input element " + i + ", output element " + o
                                + ": analytical " + a + ", numerical " + n);
                    }
                }
            }
        }
    }

    /** d out[o] / d in[i] from one backward pass per output element. */
    private static double[][] analyticalJacobian(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int nOut) {
        Tensor in = inputs[k];
        double[][] jac = new double[in.numel()][nOut];
        Tensor out = f.apply(inputs);
        if (!out.requiresGrad()) return jac; // output independent of the inputs: the Jacobian is zero
        for (int o = 0; o < nOut; o++) {
            for (Tensor t : inputs) if (t != null) t.setGrad(null);
            double[] onehot = new double[nOut];
            onehot[o] = 1;
            out.backward(Tensor.of(onehot).reshape(out.shape()).to(out.device()), true);
            Tensor g = in.grad();
            if (g == null) continue;
            double[] gv = g.toDoubleArray();
            for (int i = 0; i < gv.length; i++) jac[i][o] = gv[i];
        }
        for (Tensor t : inputs) if (t != null) t.setGrad(null);
        return jac;
    }

    /** Central differences: (f(x + eps·e_i) − f(x − eps·e_i)) / 2eps for every element i of input k. */
    private static double[][] numericalJacobian(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int nOut, double eps) {
        Tensor in = inputs[k];
        double[][] jac = new double[in.numel()][];
        Tensor flat = in.detach().reshape(-1);
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < in.numel(); i++) {
                Tensor cell = flat.narrow(0, i, 1);
                double orig = cell.item();
                cell.fill_(orig + eps);
                double[] plus = f.apply(inputs).toDoubleArray();
                cell.fill_(orig - eps);
                double[] minus = f.apply(inputs).toDoubleArray();
                cell.fill_(orig);
                jac[i] = new double[nOut];
                for (int o = 0; o < nOut; o++) jac[i][o] = (plus[o] - minus[o]) / (2 * eps);
            }
        }
        return jac;
    }
}
