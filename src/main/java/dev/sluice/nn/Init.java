package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * In-place weight initialisers with PyTorch's formulas ({@code torch.nn.init}). Each writes into t (under no-grad,
 * so parameters can be initialised) and returns it. Fan-in/fan-out follow PyTorch: for a [out, in, ...] weight,
 * fanIn = in·receptive field, fanOut = out·receptive field; a 1-D tensor has fanIn = fanOut = its length.
 */
public final class Init {
    private Init() {}

    /**
     * The fan-in of a weight, as PyTorch computes it for {@code torch.nn.init}.
     *
     * @param t a weight [out, in, ...] (or a 1-D tensor)
     * @return in times the receptive field (the product of the sizes after the second), or the length of a 1-D tensor
     */
    public static int fanIn(Tensor t) {
        if (t.dim() < 2) return t.numel();
        return t.size(1) * receptive(t);
    }

    /**
     * The fan-out of a weight, as PyTorch computes it.
     *
     * @param t a weight [out, in, ...] (or a 1-D tensor)
     * @return out times the receptive field, or the length of a 1-D tensor
     */
    public static int fanOut(Tensor t) {
        if (t.dim() < 2) return t.numel();
        return t.size(0) * receptive(t);
    }

    private static int receptive(Tensor t) {
        int r = 1;
        for (int i = 2; i < t.dim(); i++) r *= t.size(i);
        return r;
    }

    /**
     * Fills t with samples of U(lo, hi), like {@code torch.nn.init.uniform_}.
     *
     * @param t the floating-point tensor to overwrite
     * @param lo the lower bound
     * @param hi the upper bound
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor uniform(Tensor t, double lo, double hi, Generator gen) {
        // as PyTorch's uniform_ ("expects to return a [from, to) range"); NaN or infinite bounds would fill NaN
        if (!(lo <= hi) || !Double.isFinite(hi - lo)) {
            throw new IllegalArgumentException("uniform: expects a finite range [lo, hi) with lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
        try (var ignored = GradMode.noGrad()) {
            return t.copy_(Tensor.rand(gen, t.dtype(), t.shape()).mul(hi - lo).add(lo));
        }
    }

    /**
     * Fills t with samples of N(mean, std²), like {@code torch.nn.init.normal_}.
     *
     * @param t the floating-point tensor to overwrite
     * @param mean the mean
     * @param std the standard deviation
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        // as PyTorch's normal_ ("normal expects std >= 0.0"); NaN or infinite arguments would fill NaN
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normal: expects a finite mean and a finite std >= 0, got mean=" + mean + ", std=" + std);
        }
        try (var ignored = GradMode.noGrad()) {
            return t.copy_(Tensor.randn(gen, t.dtype(), t.shape()).mul(std).add(mean));
        }
    }

    /**
     * Fills t with samples of N(0, std²), e.g. std 0.02 as GPT-2.
     *
     * @param t the floating-point tensor to overwrite
     * @param std the standard deviation
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor normal(Tensor t, double std, Generator gen) { return normal(t, 0, std, gen); }

    /**
     * Kaiming (He) uniform with leaky-ReLU slope a: U(±gain·√(3/fanIn)), gain = √(2/(1+a²)), like
     * {@code kaiming_uniform_(t, a)} in fan-in mode.
     *
     * @param t the weight to overwrite, [out, in, ...]
     * @param a the negative slope of the following leaky ReLU (0 for ReLU; √5 gives nn.Linear's default)
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t, double a, Generator gen) {
        if (t.numel() == 0) return t; // as PyTorch ("Initializing zero-element tensors is a no-op"): fanIn may be 0
        double bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3.0 / fanIn(t));
        return uniform(t, -bound, bound, gen);
    }

    /**
     * Kaiming (He) normal with leaky-ReLU slope a: N(0, (gain/√fanIn)²), like {@code kaiming_normal_(t, a)}.
     *
     * @param t the weight to overwrite, [out, in, ...]
     * @param a the negative slope of the following leaky ReLU (0 for ReLU)
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor kaimingNormal(Tensor t, double a, Generator gen) {
        if (t.numel() == 0) return t;
        return normal(t, Math.sqrt(2 / (1 + a * a)) / Math.sqrt(fanIn(t)), gen);
    }

    /**
     * Xavier (Glorot) uniform: U(±gain·√(6/(fanIn+fanOut))), like {@code xavier_uniform_}.
     *
     * @param t the weight to overwrite
     * @param gain the scale factor (1 for linear or sigmoid layers)
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        double bound = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        return uniform(t, -bound, bound, gen);
    }

    /**
     * Xavier (Glorot) normal: N(0, (gain·√(2/(fanIn+fanOut)))²), like {@code xavier_normal_}.
     *
     * @param t the weight to overwrite
     * @param gain the scale factor
     * @param gen the source of randomness
     * @return {@code t}
     */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        return normal(t, gain * Math.sqrt(2.0 / (fanIn(t) + fanOut(t))), gen);
    }

    /**
     * Fills t with 0, like {@code torch.nn.init.zeros_}.
     *
     * @param t the tensor to overwrite
     * @return {@code t}
     */
    public static Tensor zeros(Tensor t) { return constant(t, 0); }

    /**
     * Fills t with 1, like {@code torch.nn.init.ones_}.
     *
     * @param t the tensor to overwrite
     * @return {@code t}
     */
    public static Tensor ones(Tensor t) { return constant(t, 1); }

    /**
     * Fills t with a value, like {@code torch.nn.init.constant_}.
     *
     * @param t the tensor to overwrite
     * @param value the fill value
     * @return {@code t}
     */
    public static Tensor constant(Tensor t, double value) {
        try (var ignored = GradMode.noGrad()) {
            return t.fill_(value);
        }
    }
}
