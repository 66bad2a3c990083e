package dev.sluice.ops;

import dev.sluice.autograd.GradMode;
import dev.sluice.backend.Philox;
import dev.sluice.backend.RandomKind;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * Parameter noise in place: θ ← shrink·θ + noise·(a + b·Z), Z drawn from {@code gen} (U[0,1) or N(0,1)), the step of
 * UNDO's shrink-and-perturb. Both paths take the same counters from the generator and so the same Z: on a backend that
 * prefers fused kernels one kernel reads θ once (Backend.shrinkPerturb); otherwise the draw is a tensor and the update
 * is composed (the CPU's path, unchanged).
 */
public final class ParamNoise {
    private ParamNoise() {}

    public static void shrinkPerturb(Tensor p, double shrink, double noise, RandomKind kind, double a, double b, Generator gen) {
        try (var ignored = GradMode.noGrad()) {
            if (Ops.fused(p) && p.isContiguous()) {
                long[] so = gen.reserve(Philox.blocksFor(p.numel(), p.dtype() == DType.FLOAT64));
                Ops.backend(p).shrinkPerturb(Ops.view(p), shrink, noise, kind, so[0], so[1], a, b);
                Ops.bump("shrink_perturb_", p);
                return;
            }
            Tensor z = kind == RandomKind.UNIFORM ? Tensor.rand(gen, p.dtype(), p.shape()) : Tensor.randn(gen, p.dtype(), p.shape());
            Tensor n = z.to(p.device()).mul(b).add(a);
            p.copy_(p.mul(shrink).add(n.mul(noise)));
        }
    }
}
