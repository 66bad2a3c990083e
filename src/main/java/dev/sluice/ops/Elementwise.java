package dev.sluice.ops;

import dev.sluice.autograd.GradMode;
import dev.sluice.autograd.Graph;
import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.UnaryOp;
import dev.sluice.backend.View;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import static dev.sluice.ops.Broadcast.sumTo;

/**
 * Elementwise ops with NumPy broadcasting, and their gradient rules. Binary ops promote dtypes as PyTorch does for
 * tensor operands (int &lt; float32 &lt; float64); a Java scalar takes the tensor's dtype.
 */
public final class Elementwise {
    private Elementwise() {}

    /** A 0-d tensor holding v with t's dtype and device (float32 when t is integer and v is not integral). */
    public static Tensor scalarLike(Tensor t, double v) {
        DType dt = t.dtype();
        if (!dt.isFloating() && (v != Math.rint(v) || Double.isInfinite(v))) dt = DType.FLOAT32;
        if (dt == DType.BOOL) dt = DType.INT64;
        // an integral value beyond the integer dtype's range widens rather than overflowing
        if (dt == DType.INT32 && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) dt = DType.INT64;
        if (dt == DType.INT64 && !(v >= -0x1p63 && v < 0x1p63)) dt = DType.FLOAT32;
        return Creation.full(v, dt, t.device());
    }

    /** The output of a binary op computed into a fresh tensor of the broadcast shape (no graph recorded). */
    private static Tensor compute(String name, BinaryOp op, Tensor a, Tensor b, DType outType) {
        Ops.sameDevice(name, a, b);
        int[] shape = Broadcast.shape(name, a.shape(), b.shape());
        Tensor out = Ops.emptyForOverwrite(outType, a.device(), shape);
        Ops.backend(a).binary(op, Broadcast.expandView(Ops.view(a), shape), Broadcast.expandView(Ops.view(b), shape), Ops.view(out));
        return out;
    }

    /** Casts both operands to their promoted dtype (differentiably). */
    private static Tensor[] promote(Tensor a, Tensor b) {
        DType dt = DType.promote(a.dtype(), b.dtype());
        return new Tensor[] {a.to(dt), b.to(dt)};
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor[] p = promote(a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor out = compute("add", BinaryOp.ADD, p[0], p[1], p[0].dtype());
        boolean ga = p[0].requiresGrad(), gb = p[1].requiresGrad();
        return Graph.record("add", out, p, new Tensor[0], (g, s) -> new Tensor[] {
                ga ? sumTo(g, sa) : null, gb ? sumTo(g, sb) : null});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor[] p = promote(a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor out = compute("sub", BinaryOp.SUB, p[0], p[1], p[0].dtype());
        boolean ga = p[0].requiresGrad(), gb = p[1].requiresGrad();
        return Graph.record("sub", out, p, new Tensor[0], (g, s) -> new Tensor[] {
                ga ? sumTo(g, sa) : null, gb ? sumTo(g.neg(), sb) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor[] p = promote(a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor out = compute("mul", BinaryOp.MUL, p[0], p[1], p[0].dtype());
        boolean ga = p[0].requiresGrad(), gb = p[1].requiresGrad();
        return Graph.record("mul", out, p, new Tensor[] {gb ? p[0] : null, ga ? p[1] : null}, (g, s) -> new Tensor[] {
                ga ? sumTo(g.mul(s[1]), sa) : null,
                gb ? sumTo(g.mul(s[0]), sb) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor[] p = promote(a, b);
        if (!p[0].dtype().isFloating()) {
            // true division, as PyTorch: integers divide as floats
            p = new Tensor[] {p[0].to(DType.FLOAT32), p[1].to(DType.FLOAT32)};
        }
        int[] sa = a.shape(), sb = b.shape();
        Tensor out = compute("div", BinaryOp.DIV, p[0], p[1], p[0].dtype());
        boolean ga = p[0].requiresGrad(), gb = p[1].requiresGrad();
        return Graph.record("div", out, p, new Tensor[] {gb ? p[0] : null, p[1]}, (g, s) -> new Tensor[] {
                ga ? sumTo(g.div(s[1]), sa) : null,
                gb ? sumTo(g.mul(s[0]).div(s[1].square()).neg(), sb) : null});
    }

    /**
     * a^b with tensor exponent: d/da = b·a^(b−1), d/db = a^b·ln a, with PyTorch's limits where those formulas give
     * 0·∞ = NaN: d/da = 0 where b = 0, and d/db = 0 where a = 0 and b ≥ 0 (the limit of a^b·ln a as a → 0⁺).
     */
    public static Tensor pow(Tensor a, Tensor b) {
        Tensor[] p = promote(a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor out = compute("pow", BinaryOp.POW, p[0], p[1], p[0].dtype());
        return Graph.record("pow", out, p, new Tensor[] {p[0], p[1], out}, (g, s) -> {
            Tensor zero = Creation.full(0, g.dtype(), g.device());
            Tensor da = where(s[1].eq(0), zero, g.mul(s[1]).mul(s[0].pow(s[1].sub(1))));
            Tensor db = g.mul(where(s[0].eq(0).logicalAnd(s[1].ge(0)), zero, s[2].mul(s[0].log())));
            return new Tensor[] {sumTo(da, sa), sumTo(db, sb)};
        });
    }

    /** a^e with a constant exponent; the gradient of a^0 is 0 everywhere (also at a = 0, as PyTorch). */
    public static Tensor powScalar(Tensor a, double e) {
        if (!a.dtype().isFloating()) {
            // as PyTorch: a fractional exponent makes the result float (it was truncated to an integer exponent),
            // and an integer tensor to a negative integer power is refused (the result would be a truncated fraction)
            DType dt = scalarLike(a, e).dtype();
            if (dt.isFloating()) return powScalar(a.to(dt), e);
            if (e < 0) {
                throw new IllegalArgumentException("pow: Integers to negative integer powers are not allowed (" + a.dtype()
                        + " tensor of shape " + Ops.str(a.shape()) + " to the power " + e + "); convert it to float first");
            }
        }
        if (e == 2) return unary(a, UnaryOp.SQUARE);
        if (e == 1) return a.mul(1.0);
        Tensor out = compute("pow", BinaryOp.POW, a, scalarLike(a, e).to(a.dtype()), a.dtype());
        return Graph.record("pow", out, new Tensor[] {a}, new Tensor[] {a},
                (g, s) -> new Tensor[] {e == 0 ? Tensor.zerosLike(g) : g.mul(s[0].pow(e - 1)).mul(e)});
    }

    public static Tensor maximum(Tensor a, Tensor b) { return extremum("maximum", BinaryOp.MAX, BinaryOp.GT, a, b); }

    public static Tensor minimum(Tensor a, Tensor b) { return extremum("minimum", BinaryOp.MIN, BinaryOp.LT, a, b); }

    /**
     * max/min of two tensors; the gradient goes to the winner, split evenly on ties, and to both where either is NaN
     * (neither loses), as PyTorch: {@code where(a == b, g/2, g).masked_fill_(a loses to b, 0)} and likewise for b.
     */
    private static Tensor extremum(String name, BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
        Tensor[] p = promote(a, b);
        int[] sa = a.shape(), sb = b.shape();
        Tensor out = compute(name, op, p[0], p[1], p[0].dtype());
        return Graph.record(name, out, p, new Tensor[] {p[0], p[1]}, (g, s) -> {
            Tensor half = compare(s[0], s[1], BinaryOp.EQ).to(g.dtype()).mul(-0.5).add(1); // 0.5 on ties, else 1
            Tensor aShare = half.mul(compare(s[1], s[0], wins).logicalNot().to(g.dtype()));
            Tensor bShare = half.mul(compare(s[0], s[1], wins).logicalNot().to(g.dtype()));
            return new Tensor[] {sumTo(g.mul(aShare), sa), sumTo(g.mul(bShare), sb)};
        });
    }

    /** Clamp into [min, max] (NaN bound = unbounded); gradient 1 where min ≤ x ≤ max, as PyTorch. */
    public static Tensor clamp(Tensor x, double min, double max) {
        if (!Double.isNaN(min) && !Double.isNaN(max) && min > max) {
            throw new IllegalArgumentException("clamp: min (" + min + ") must not exceed max (" + max + ")");
        }
        if (!x.dtype().isFloating()) {
            // PyTorch's clamp promotes with its scalar bounds: an integer tensor clamped to 0.5 becomes float (the bound
            // was truncated instead)
            DType dt = x.dtype();
            if (!Double.isNaN(min)) dt = DType.promote(dt, scalarLike(x, min).dtype());
            if (!Double.isNaN(max)) dt = DType.promote(dt, scalarLike(x, max).dtype());
            if (dt != x.dtype()) return clamp(x.to(dt), min, max);
        }
        Tensor out = x;
        if (!Double.isNaN(min)) out = compute("clamp", BinaryOp.MAX, out, scalarLike(x, min).to(x.dtype()), x.dtype());
        if (!Double.isNaN(max)) out = compute("clamp", BinaryOp.MIN, out, scalarLike(x, max).to(x.dtype()), x.dtype());
        if (out == x) out = x.clone();
        return Graph.record("clamp", out, new Tensor[] {x}, new Tensor[] {x}, (g, s) -> {
            Tensor inside = Tensor.onesLike(s[0]).to(DType.BOOL);
            if (!Double.isNaN(min)) inside = inside.logicalAnd(s[0].ge(min));
            if (!Double.isNaN(max)) inside = inside.logicalAnd(s[0].le(max));
            return new Tensor[] {g.mul(inside.to(g.dtype()))};
        });
    }

    /** A unary op from {@link UnaryOp}; the backward uses the op's derivative kernel. */
    public static Tensor unary(Tensor x, UnaryOp op) {
        boolean intSafe = op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SQUARE || op == UnaryOp.RELU;
        if (!intSafe) Ops.requireFloat(op.opName(), x);
        Tensor out = Ops.emptyForOverwriteLike(x);
        Ops.backend(x).unary(op, Ops.view(x), Ops.view(out));
        return Graph.record(op.opName(), out, new Tensor[] {x}, new Tensor[] {x, out},
                (g, s) -> new Tensor[] {unaryBackward(op, s[0], s[1], g)});
    }

    /** g · op'(x), given x and y = op(x). */
    static Tensor unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor g) {
        Tensor gc = g.contiguous();
        Tensor out = Ops.emptyForOverwriteLike(x);
        Ops.backend(x).unaryBackward(op, Ops.view(x), Ops.view(y), Ops.view(gc), Ops.view(out));
        return out;
    }

    /** A comparison or logical op: bool result, never differentiable. */
    public static Tensor compare(Tensor a, Tensor b, BinaryOp op) {
        if (op == BinaryOp.AND || op == BinaryOp.OR) {
            return compute(op.opName(), op, a, b, DType.BOOL);
        }
        DType dt = DType.promote(a.dtype(), b.dtype());
        try (var ignored = GradMode.noGrad()) {
            return compute(op.opName(), op, a.to(dt), b.to(dt), DType.BOOL);
        }
    }

    /** cond ? x : y with broadcasting of all three. */
    public static Tensor where(Tensor cond, Tensor x, Tensor y) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where: condition must be bool, got " + cond.dtype() + " of shape " + Ops.str(cond.shape()));
        }
        Ops.sameDevice("where", cond, x, y);
        Tensor[] p = promote(x, y);
        int[] shape = Broadcast.shape("where", Broadcast.shape("where", cond.shape(), x.shape()), y.shape());
        Tensor out = Ops.emptyForOverwrite(p[0].dtype(), x.device(), shape);
        Ops.backend(x).where(Broadcast.expandView(Ops.view(cond), shape), Broadcast.expandView(Ops.view(p[0]), shape),
                Broadcast.expandView(Ops.view(p[1]), shape), Ops.view(out));
        int[] sx = x.shape(), sy = y.shape();
        boolean gx = p[0].requiresGrad(), gy = p[1].requiresGrad();
        // only the gradients an input needs (masked_fill's fill value needs none: a full-size where and a sum to a
        // scalar were 6% of a GPT training step), and a 0-d zero broadcast instead of a zero tensor of g's size
        return Graph.record("where", out, p, new Tensor[] {cond}, (g, s) -> {
            Tensor zero = Creation.full(0, g.dtype(), g.device());
            return new Tensor[] {gx ? sumTo(where(s[0], g, zero), sx) : null, gy ? sumTo(where(s[0], zero, g), sy) : null};
        });
    }

    /** x with value wherever mask (broadcastable to x's shape) is true; gradient flows where it is false. */
    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        Broadcast.requireMaskFits("masked_fill", mask.shape(), x.shape());
        Ops.requireRepresentable("masked_fill", value, x.dtype());
        return where(mask, scalarLike(x, value).to(x.dtype()), x);
    }

    /** A dtype conversion; differentiable between floating dtypes. */
    public static Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        Tensor out = Ops.emptyForOverwrite(dtype, x.device(), x.shape());
        Ops.backend(x).copy(Ops.view(x), Ops.view(out));
        if (!dtype.isFloating() || !x.dtype().isFloating()) return out;
        DType from = x.dtype();
        return Graph.record("to_" + dtype, out, new Tensor[] {x}, new Tensor[0], (g, s) -> new Tensor[] {g.to(from)});
    }

    // ---------------------------------------------------------------- in-place ops (never recorded)

    /** Rejects in-place writes that would silently break autograd. */
    private static void checkInPlace(String name, Tensor self, Tensor other) {
        if (!GradMode.isEnabled()) return;
        if (self.requiresGrad()) {
            throw new IllegalStateException(name + ": in-place operation on a tensor of shape " + Ops.str(self.shape())
                    + " that requires grad; use the out-of-place op, or do it inside GradMode.noGrad() (e.g. for optimizer updates)");
        }
        if (other != null && other.requiresGrad()) {
            throw new IllegalStateException(name + ": the operand of shape " + Ops.str(other.shape())
                    + " requires grad, but in-place ops are not recorded; use the out-of-place op");
        }
    }

    /** The operand broadcast exactly to self's shape and cast to self's dtype. */
    private static View operandFor(String name, Tensor self, Tensor other) {
        Ops.sameDevice(name, self, other);
        int[] shape = Broadcast.shape(name, self.shape(), other.shape());
        if (!java.util.Arrays.equals(shape, self.shape())) {
            throw new IllegalArgumentException(name + ": operand of shape " + Ops.str(other.shape())
                    + " cannot be broadcast to the in-place target's shape " + Ops.str(self.shape()));
        }
        Tensor cast;
        try (var ignored = GradMode.noGrad()) {
            cast = other.to(self.dtype());
        }
        return Broadcast.expandView(Ops.view(cast), shape);
    }

    /**
     * Rejects an in-place op whose result dtype (type promotion of both operands; float for true division of
     * integers) cannot be written back into the target without changing its meaning, as PyTorch's canCast: a float
     * result into an integer target, or a non-bool result into a bool target. (Writing would truncate silently.)
     */
    static void requireCastableResult(String name, DType result, Tensor self, Tensor other) {
        DType to = self.dtype();
        boolean ok = !(result.isFloating() && !to.isFloating()) && !(to == DType.BOOL && result != DType.BOOL);
        if (!ok) {
            throw new IllegalArgumentException(name + ": result type " + result + " (of " + self.dtype() + " "
                    + Ops.str(self.shape()) + " and " + other.dtype() + " " + Ops.str(other.shape())
                    + ") can't be cast to the in-place target's dtype " + to + "; use the out-of-place op or cast the target first");
        }
    }

    /** self = self op other, in place. */
    public static Tensor inPlace(Tensor self, Tensor other, BinaryOp op, String name) {
        checkInPlace(name, self, other);
        DType result = DType.promote(self.dtype(), other.dtype());
        if (op == BinaryOp.DIV && !result.isFloating()) result = DType.FLOAT32; // true division, as div
        requireCastableResult(name, result, self, other);
        View b = operandFor(name, self, other);
        Ops.backend(self).binary(op, Ops.view(self), b, Ops.view(self));
        Ops.bump(name, self);
        return self;
    }

    /** self = src (broadcast and cast), in place; src may live on another device (it is copied over first, as PyTorch). */
    public static Tensor copyInto(Tensor self, Tensor src) {
        checkInPlace("copy_", self, src);
        if (!src.device().equals(self.device())) {
            try (var ignored = GradMode.noGrad()) {
                src = src.to(self.device());
            }
        }
        View b = operandFor("copy_", self, src);
        Ops.backend(self).copy(b, Ops.view(self));
        Ops.bump("copy_", self);
        return self;
    }

    public static Tensor fillInPlace(Tensor self, double value) {
        checkInPlace("fill_", self, null);
        Ops.requireRepresentable("fill_", value, self.dtype());
        Ops.backend(self).fill(Ops.view(self), value);
        Ops.bump("fill_", self);
        return self;
    }

    public static Tensor maskedFillInPlace(Tensor self, Tensor mask, double value) {
        checkInPlace("masked_fill_", self, null);
        Ops.requireRepresentable("masked_fill_", value, self.dtype());
        if (mask.dtype() != DType.BOOL) throw new IllegalArgumentException("masked_fill_: mask must be bool, got " + mask.dtype());
        Ops.sameDevice("masked_fill_", self, mask);
        Broadcast.requireMaskFits("masked_fill_", mask.shape(), self.shape());
        View m = Broadcast.expandView(Ops.view(mask), self.shape());
        View v = Broadcast.expandView(Ops.view(Creation.full(value, self.dtype(), self.device())), self.shape());
        Ops.backend(self).where(m, v, Ops.view(self), Ops.view(self));
        Ops.bump("masked_fill_", self);
        return self;
    }
}
