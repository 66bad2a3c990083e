package dev.sluice.testing;

import dev.sluice.autograd.GradCheck;
import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The one test helper for differentiable ops. For each op it runs, over several seeds and three memory layouts of
 * the inputs (contiguous, transposed, strided slice):
 * <ol>
 *   <li>the forward value in float32 (the fast kernels) against float64 (the plain-Java reference path);</li>
 *   <li>every input's gradient in float64 against central finite differences ({@link GradCheck}, eps 1e-6,
 *       atol 1e-5, rtol 1e-3);</li>
 *   <li>the float32 gradients against the float64 gradients.</li>
 * </ol>
 * Inputs given with {@link Builder#constant} (indices, masks) are passed unchanged to both precisions.
 *
 * <p>The checks run on the device named by the system property {@code sluice.test.device} (default cpu; the build's
 * second test run sets cuda:0, the CUDA emulator there): inputs, constants and the backward seed are moved there, and
 * the device's float64 forward is also compared with the CPU's (1e-10 relative).
 */
public final class OpCheck {
    /** Where the checks run. */
    public static final Device DEVICE = Device.parse(System.getProperty("sluice.test.device", "cpu"));

    /** Value ranges for inputs whose op is not smooth everywhere. */
    public enum Domain {
        /** Standard normal. */
        ANY,
        /** |x| + 0.5: for log, sqrt, rsqrt, division by it, pow bases. */
        POSITIVE,
        /** x pushed at least 0.1 away from 0: for relu, abs, reciprocal (kinks and poles). */
        AWAY_FROM_ZERO,
        /** In (-0.9, 0.9). */
        UNIT
    }

    private enum Layout { CONTIGUOUS, TRANSPOSED, STRIDED }

    private OpCheck() {}

    public static Builder op(String name, Function<Tensor[], Tensor> fn) { return new Builder(name, fn); }

    /** Configures and runs one op check. */
    public static final class Builder {
        private final String name;
        private final Function<Tensor[], Tensor> fn;
        private final List<int[]> shapes = new ArrayList<>();
        private final List<Domain> domains = new ArrayList<>();
        private final List<Tensor> constants = new ArrayList<>();
        private double forwardRtol = 1e-4, forwardAtol = 1e-5, gradRtol = 2e-3, gradAtol = 1e-4;

        private Builder(String name, Function<Tensor[], Tensor> fn) {
            this.name = name;
            this.fn = fn;
        }

        /** Adds a differentiable input with random normal values. */
        public Builder input(int... shape) { return input(Domain.ANY, shape); }

        /** Adds a differentiable input drawn from a domain. */
        public Builder input(Domain domain, int... shape) {
            shapes.add(shape);
            domains.add(domain);
            constants.add(null);
            return this;
        }

        /** Adds a non-differentiable input (index, mask) used as-is at both precisions. */
        public Builder constant(Tensor t) {
            shapes.add(t.shape());
            domains.add(null);
            constants.add(t);
            return this;
        }

        /** Loosens the float32-vs-float64 tolerances (for ops with long reductions or approximations). */
        public Builder float32Tolerance(double rtol, double atol) {
            forwardRtol = rtol;
            forwardAtol = atol;
            gradRtol = Math.max(gradRtol, rtol);
            gradAtol = Math.max(gradAtol, atol);
            return this;
        }

        /** Runs all checks; throws AssertionError (or GradCheck.Failure) naming the op, layout and seed. */
        public void run() {
            for (long seed = 1; seed <= 2; seed++) {
                for (Layout layout : Layout.values()) {
                    try {
                        runOne(seed, layout);
                    } catch (AssertionError | GradCheck.Failure e) {
                        throw new AssertionError(name + " [seed " + seed + ", " + layout.name().toLowerCase() + " inputs]: "
                                + e.getMessage(), e);
                    }
                }
            }
        }

        private void runOne(long seed, Layout layout) {
            Generator gen = new Generator(seed * 7919 + name.hashCode());
            int n = shapes.size();
            double[][] values = new double[n][];
            for (int i = 0; i < n; i++) {
                if (constants.get(i) != null) continue;
                values[i] = sample(gen, domains.get(i), shapes.get(i));
            }
            // float64: finite differences
            Tensor[] leaves64 = leaves(values, layout, DType.FLOAT64);
            GradCheck.check(name, leaves -> fn.apply(views(leaves, layout)), leaves64);
            // float32 forward and gradients against float64
            Tensor[] leaves32 = leaves(values, layout, DType.FLOAT32);
            Tensor out64 = fn.apply(views(leaves64, layout));
            Tensor out32 = fn.apply(views(leaves32, layout));
            assertShape(out64.shape(), out32.shape());
            assertClose("forward", out64.toDoubleArray(), out32.toDoubleArray(), forwardRtol, forwardAtol);
            if (!DEVICE.equals(Device.CPU)) {
                Tensor[] cpu64 = leaves(values, layout, DType.FLOAT64, Device.CPU);
                assertClose("float64 forward on " + DEVICE + " vs the CPU", fn.apply(views(cpu64, layout, Device.CPU)).toDoubleArray(),
                        out64.toDoubleArray(), 1e-10, 1e-12);
            }
            if (!out32.requiresGrad()) return;
            double[] w = sample(new Generator(seed + 99), Domain.ANY, out64.shape());
            out64.mul(Tensor.of(w).reshape(out64.shape()).to(DEVICE)).sum().backward();
            out32.mul(Tensor.of(w).reshape(out32.shape()).to(DType.FLOAT32).to(DEVICE)).sum().backward();
            for (int i = 0; i < n; i++) {
                if (leaves64[i] == null || !leaves64[i].requiresGrad()) continue;
                if (leaves64[i].grad() == null) {
                    if (leaves32[i].grad() != null) throw new AssertionError("input " + i + ": float32 has a gradient, float64 none");
                    continue;
                }
                assertClose("gradient of input " + i, leaves64[i].grad().toDoubleArray(), leaves32[i].grad().toDoubleArray(),
                        gradRtol, gradAtol);
            }
        }

        private Tensor[] leaves(double[][] values, Layout layout, DType dtype) { return leaves(values, layout, dtype, DEVICE); }

        /** Leaf tensors on a device, laid out so that {@link #views} presents the sampled values in the requested layout. */
        private Tensor[] leaves(double[][] values, Layout layout, DType dtype, Device device) {
            Tensor[] out = new Tensor[values.length];
            try (var ignored = GradMode.noGrad()) {
                for (int i = 0; i < values.length; i++) {
                    if (values[i] == null) {
                        out[i] = null;
                        continue;
                    }
                    int[] shape = shapes.get(i);
                    Tensor logical = Tensor.of(values[i]).reshape(shape);
                    Tensor leaf = switch (effective(layout, shape)) {
                        case CONTIGUOUS -> logical;
                        case TRANSPOSED -> logical.transpose(-1, -2).contiguous();
                        case STRIDED -> Tensor.stack(-1, logical, Tensor.fullLike(logical, 1e30)).flatten(-2, -1).contiguous();
                    };
                    out[i] = leaf.to(dtype).contiguous().to(device).requiresGrad(true);
                }
            }
            return out;
        }

        private Tensor[] views(Tensor[] leaves, Layout layout) { return views(leaves, layout, DEVICE); }

        private Tensor[] views(Tensor[] leaves, Layout layout, Device device) {
            Tensor[] in = new Tensor[leaves.length];
            for (int i = 0; i < leaves.length; i++) {
                if (leaves[i] == null) {
                    in[i] = constants.get(i).to(device);
                    continue;
                }
                in[i] = switch (effective(layout, shapes.get(i))) {
                    case CONTIGUOUS -> leaves[i];
                    case TRANSPOSED -> leaves[i].transpose(-1, -2);
                    case STRIDED -> leaves[i].slice(-1, 0, leaves[i].size(-1), 2);
                };
            }
            return in;
        }

        private static Layout effective(Layout layout, int[] shape) {
            if (layout == Layout.TRANSPOSED && shape.length < 2) return shape.length == 1 ? Layout.STRIDED : Layout.CONTIGUOUS;
            if (layout == Layout.STRIDED && shape.length < 1) return Layout.CONTIGUOUS;
            return layout;
        }
    }

    /** Values from a domain, rounded to float32 so both precisions see identical inputs. */
    public static double[] sample(Generator gen, Domain domain, int... shape) {
        double[] v = Tensor.randn(gen, DType.FLOAT32, shape).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            x = switch (domain) {
                case ANY -> x;
                case POSITIVE -> Math.abs(x) + 0.5;
                case AWAY_FROM_ZERO -> x + Math.copySign(0.1, x);
                case UNIT -> 0.9 * Math.tanh(x);
            };
            v[i] = (float) x;
        }
        return v;
    }

    private static void assertShape(int[] expected, int[] actual) {
        if (!Arrays.equals(expected, actual)) {
            throw new AssertionError("float32 output shape " + Arrays.toString(actual) + " != float64 shape " + Arrays.toString(expected));
        }
    }

    /** Elementwise |e − a| ≤ atol + rtol·|e|, with the scale of the whole tensor added to atol. */
    public static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " elements, expected " + expected.length);
        }
        double scale = 0;
        for (double e : expected) if (Double.isFinite(e)) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (e == a) continue;
            if (!(Math.abs(e - a) <= atol * Math.max(1, scale) + rtol * Math.abs(e))) {
                throw new AssertionError(what + ": element " + i + " is " + a + ", expected " + e + " (rtol " + rtol
                        + ", atol " + atol + ")");
            }
        }
    }
}
