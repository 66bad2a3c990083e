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

    public static int fanIn(Tensor t) {
        if (t.dim() < 2) return t.numel();
        return t.size(1) * receptive(t);
    }

    public static int fanOut(Tensor t) {
        if (t.dim() < 2) return t.numel();
        return t.size(0) * receptive(t);
    }

    private static int receptive(Tensor t) {
        int r = 1;
        for (int i = 2; i < t.dim(); i++) r *= t.size(i);
        return r;
    }

    /** U(lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Generator gen) {
        // as PyTorch's uniform_ ("expects to return a [from, to) range"); NaN or infinite bounds would fill NaN
        if (!(lo <= hi) || !Double.isFinite(hi - lo)) {
            throw new IllegalArgumentException("uniform: expects a finite range [lo, hi) with lo <= hi, got lo=" + lo + ", hi=" + hi);
        }
        try (var ignored = GradMode.noGrad()) {
            return t.copy_(Tensor.rand(gen, t.dtype(), t.shape()).mul(hi - lo).add(lo));
        }
    }

    /** N(mean, std²). */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        // as PyTorch's normal_ ("normal expects std >= 0.0"); NaN or infinite arguments would fill NaN
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normal: expects a finite mean and a finite std >= 0, got mean=" + mean + ", std=" + std);
        }
        try (var ignored = GradMode.noGrad()) {
            return t.copy_(Tensor.randn(gen, t.dtype(), t.shape()).mul(std).add(mean));
        }
    }

    /** N(0, std²), e.g. std 0.02 as GPT-2. */
    public static Tensor normal(Tensor t, double std, Generator gen) { return normal(t, 0, std, gen); }

    /** Kaiming (He) uniform with leaky-ReLU slope a: U(±gain·√(3/fanIn)), gain = √(2/(1+a²)). */
    public static Tensor kaimingUniform(Tensor t, double a, Generator gen) {
        if (t.numel() == 0) return t; // as PyTorch ("Initializing zero-element tensors is a no-op"): fanIn may be 0
        double bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3.0 / fanIn(t));
        return uniform(t, -bound, bound, gen);
    }

    /** Kaiming (He) normal with leaky-ReLU slope a: N(0, (gain/√fanIn)²). */
    public static Tensor kaimingNormal(Tensor t, double a, Generator gen) {
        if (t.numel() == 0) return t;
        return normal(t, Math.sqrt(2 / (1 + a * a)) / Math.sqrt(fanIn(t)), gen);
    }

    /** Xavier (Glorot) uniform: U(±gain·√(6/(fanIn+fanOut))). */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        double bound = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        return uniform(t, -bound, bound, gen);
    }

    /** Xavier (Glorot) normal: N(0, (gain·√(2/(fanIn+fanOut)))²). */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        return normal(t, gain * Math.sqrt(2.0 / (fanIn(t) + fanOut(t))), gen);
    }

    /** Fills with 0. */
    public static Tensor zeros(Tensor t) { return constant(t, 0); }

    /** Fills with 1. */
    public static Tensor ones(Tensor t) { return constant(t, 1); }

    /** Fills with a value. */
    public static Tensor constant(Tensor t, double value) {
        try (var ignored = GradMode.noGrad()) {
            return t.fill_(value);
        }
    }
}
