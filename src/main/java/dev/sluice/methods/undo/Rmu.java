package dev.sluice.methods.undo;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.HookPoint;
import dev.sluice.nn.Losses;
import dev.sluice.nn.Module;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * RMU (representation misdirection): at one hook point, push the activations of forget inputs toward {@code c·u} for a
 * fixed random unit vector u, and keep the activations of retain inputs equal to those of a frozen copy of the
 * model: {@code MSE(h(x_f), c·u) + α·MSE(h(x_r), h_frozen(x_r))}. Train only chosen parameters (see
 * {@link Module#freezeExcept}), e.g. the MLPs up to the hook point.
 */
public final class Rmu {
    private final Module model, frozen;
    private final String hookPoint;
    private final double steering, alpha;
    private final long seed;
    private Tensor target; // c·u, drawn when the activation width is first seen

    /**
     * An RMU objective for {@code model} at one hook point.
     *
     * @param model the model being unlearned
     * @param frozen an unchanged copy of the model ({@link Module#deepCopy()}), read under no-grad
     * @param hookPoint the name of the hook point whose activations are steered (present in both models)
     * @param steering the coefficient c (the paper: 6–6.5)
     * @param alpha the retain weight α (the paper: 200–1200)
     * @param seed the seed of the random direction u
     * @throws IllegalArgumentException if either model lacks the hook point
     */
    public Rmu(Module model, Module frozen, String hookPoint, double steering, double alpha, long seed) {
        for (Module m : new Module[] {model, frozen}) {
            if (!m.hookPoints().containsKey(hookPoint)) {
                throw new IllegalArgumentException("Rmu: no hook point '" + hookPoint + "' (hook points: " + m.hookPoints().keySet() + ")");
            }
        }
        this.model = model;
        this.frozen = frozen;
        this.hookPoint = hookPoint;
        this.steering = steering;
        this.alpha = alpha;
        this.seed = seed;
    }

    /**
     * The RMU loss for one forget batch and one retain batch (inputs as the model's forward takes them).
     *
     * @param forgetInputs a batch of forget data
     * @param retainInputs a batch of retain data
     * @return the scalar loss, differentiable in the model's trainable parameters
     * @throws IllegalStateException if a forward pass does not reach the hook point
     */
    public Tensor loss(Tensor forgetInputs, Tensor retainInputs) {
        Tensor hForget = capture(model, forgetInputs);
        if (target == null) target = randomUnit(hForget.size(-1)).mul(steering).to(hForget.device());
        Tensor forgetLoss = Losses.mse(hForget, target.expand(hForget.shape()));
        Tensor hRetain = capture(model, retainInputs);
        Tensor hFrozen;
        try (var ignored = GradMode.noGrad()) {
            hFrozen = capture(frozen, retainInputs);
        }
        return forgetLoss.add(Losses.mse(hRetain, hFrozen).mul(alpha));
    }

    /**
     * The steering target c·u.
     *
     * @return the target vector [width], or null before the first {@link #loss} call
     */
    public Tensor target() { return target; }

    private Tensor capture(Module m, Tensor inputs) {
        HookPoint point = m.hookPoints().get(hookPoint);
        UnaryOperator<Tensor> before = point.hook();
        Tensor[] seen = new Tensor[1];
        point.setHook(x -> {
            Tensor y = before == null ? x : before.apply(x);
            seen[0] = y;
            return y;
        });
        try {
            m.forward(inputs);
        } finally {
            point.setHook(before);
        }
        if (seen[0] == null) throw new IllegalStateException("Rmu: the forward pass did not reach hook point '" + hookPoint + "'");
        return seen[0];
    }

    private Tensor randomUnit(int width) {
        // uniform [0, 1) entries normalised to length 1, as the paper's code (torch.rand then normalise)
        Tensor u = Tensor.rand(new Generator(seed), DType.FLOAT32, width);
        return u.div(u.square().sum().sqrt().item());
    }
}
