package dev.sluice.ops;

import dev.sluice.autograd.Graph;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/**
 * Gradient routing (Cloud et al., 2024): an op that leaves the forward value alone and scales the gradient flowing
 * back through it by a data-dependent mask.
 */
public final class Routing {
    private Routing() {}

    /**
     * Returns x unchanged (a view sharing x's storage, so the forward value is x bit for bit) whose backward multiplies
     * the upstream gradient by {@code mask}: the value and gradient of {@code x·m + detach(x)·(1−m)}, at the cost of one
     * multiply in backward. The mask may be real-valued (0/1 to block or pass, a weight such as 0.3, or a negative value
     * such as −0.75 that reverses the gradient) and broadcasts to x's shape — e.g. [batch, 1] per example,
     * [batch, tokens, 1] per token, [units] per unit, [batch, tokens, units] per token and unit. It must not need to grow
     * x: a mask whose broadcast with x is larger than x is an error, never a silent broadcast. The mask is a constant
     * (its gradient in the formula above is x − x = 0), so it is detached.
     */
    public static Tensor route(Tensor x, Tensor mask) {
        Ops.requireFloat("route", x);
        if (!mask.dtype().isFloating()) {
            throw new IllegalArgumentException("route: the mask must be floating point (float32 or float64), got "
                    + mask.dtype() + " of shape " + Ops.str(mask.shape()));
        }
        Ops.sameDevice("route", x, mask);
        int[] joint = Broadcast.shape("route", x.shape(), mask.shape());
        if (!Arrays.equals(joint, x.shape())) {
            throw new IllegalArgumentException("route: mask of shape " + Ops.str(mask.shape()) + " must broadcast to the input's shape "
                    + Ops.str(x.shape()) + " without enlarging it (the broadcast would be " + Ops.str(joint) + ")");
        }
        Tensor m = mask.detach();
        if (m.dtype() != x.dtype()) m = m.to(x.dtype());
        Tensor out = Ops.wrap(Ops.view(x));
        Tensor routedMask = m;
        return Graph.record("route", out, new Tensor[] {x}, new Tensor[] {routedMask}, (g, s) -> new Tensor[] {g.mul(s[0])});
    }
}
