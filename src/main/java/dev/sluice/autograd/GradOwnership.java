package dev.sluice.autograd;

import dev.sluice.backend.Storage;
import dev.sluice.backend.View;
import dev.sluice.internal.Internals;
import dev.sluice.internal.Trace;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Explicit lifetimes for the gradients of one backward pass: which pending gradients only the engine can reach, so that
 * their memory can be reused the moment they are consumed, and sums can be formed in place.
 *
 * <p>A gradient is <em>owned</em> when all of these hold:
 * <ul>
 *   <li>it was returned by the rule of a node that keeps no gradient ({@link Node#keepsNoGradients}: Sluice's own
 *       ops, not a user's rule), and appeared only once in what the rule returned, sharing its storage with no other
 *       gradient the rule returned;</li>
 *   <li>it covers its whole storage (contiguous, offset 0), and that storage was either created while the rule ran
 *       (its {@link Storage#serial() serial} is later than the last one before the rule started, so no tensor that
 *       existed before — an activation, a parameter, a user's gradient — can view it), or it is the storage of the
 *       owned gradient the rule consumed (a reshape's gradient is a view of the incoming one, which the rule dropped);</li>
 *   <li>no hook has seen it (a hook may keep the tensor it is given, as {@code retainGrad} does).</li>
 * </ul>
 * Views created inside a rule from the consumed gradient (say {@code g.t()} as a matmul operand) are dropped when the
 * rule returns, as the rule keeps nothing; a view that is returned shares the consumed gradient's storage and is
 * checked above. An owned gradient that has been consumed and whose storage no returned gradient shares is recycled
 * ({@link dev.sluice.backend.Backend#recycle}); a leaf adopts an owned gradient as its {@code grad} instead of copying
 * it, and from then on it is the leaf's, never recycled.
 */
final class GradOwnership implements GradientMemory {
    private final Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    boolean owns(Tensor t) { return owned.contains(t); }

    /** Forgets t: someone outside the engine may now hold it (a hook, a leaf). */
    void disown(Tensor t) { owned.remove(t); }

    @Override
    public void seenByHook(Tensor grad) { disown(grad); }

    /** A leaf adopts an owned gradient without running its node; any other node runs its rule, then the bookkeeping. */
    @Override
    public Tensor[] apply(Node node, Tensor grad) {
        if (node instanceof AccumulateGrad leaf && adoptIntoLeaf(leaf, grad)) return new Tensor[0];
        long serialBefore = Storage.lastSerial();
        Tensor[] produced = OpTrace.apply(node, grad);
        afterApply(node, grad, produced, serialBefore);
        return produced;
    }

    /**
     * Bookkeeping after {@code node} consumed {@code consumed} and returned {@code produced}; {@code serialBefore} is
     * {@link Storage#lastSerial()} taken just before the rule ran.
     */
    void afterApply(Node node, Tensor consumed, Tensor[] produced, long serialBefore) {
        boolean consumedOwned = owned.remove(consumed);
        if (!node.keepsNoGradients()) return; // the rule may hold anything it saw or made
        Storage consumedStorage = storage(consumed);
        boolean consumedStillViewed = false;
        for (int i = 0; i < produced.length; i++) {
            Tensor g = produced[i];
            if (g == null) continue;
            Storage s = storage(g);
            if (s == consumedStorage) consumedStillViewed = true;
            boolean fresh = s.serial() > serialBefore || (consumedOwned && s == consumedStorage);
            if (fresh && coversStorage(g) && onlyReference(produced, i, s)) owned.add(g);
        }
        if (consumedOwned && !consumedStillViewed) recycle(consumed);
    }

    /**
     * The sum of two gradients for one node. When one of them is owned the other is added into it in place (same
     * result: float addition is commutative), and an owned addend is recycled afterwards; otherwise the sum is a new
     * tensor, which the engine owns.
     */
    @Override
    public Tensor sum(Tensor a, Tensor b) {
        if (sameLayout(a, b)) {
            if (owns(a)) {
                a.add_(b);
                if (owned.remove(b)) recycle(b);
                return a;
            }
            if (owns(b)) {
                b.add_(a);
                return b;
            }
        }
        Tensor sum = a.add(b);
        if (owned.remove(a)) recycle(a);
        if (owned.remove(b)) recycle(b);
        if (coversStorage(sum)) owned.add(sum);
        return sum;
    }

    /**
     * A region view's gradient into its input's pending sum: added in place into the region of an owned pending
     * gradient (the bits of the zero-padded sum, but for a −0 outside the region, which that sum turned into +0);
     * otherwise the rule's zero-padded tensor, summed with the pending gradient as any two gradients are.
     */
    @Override
    public Tensor addRegion(Node node, RegionGradient region, Tensor pending, Tensor grad) {
        if (pending == null || !owns(pending) || pending.dtype() != grad.dtype()) {
            Tensor padded = apply(node, grad)[0];
            return pending == null ? padded : sum(pending, padded);
        }
        long[] mark = Trace.on ? Trace.beginBackward() : null;
        region.regionOf(pending).add_(grad);
        if (owned.remove(grad)) recycle(grad);
        if (mark != null) Trace.endBackward(mark, node.name(), grad, new Tensor[] {pending});
        return pending;
    }

    /** Leaf accumulation: an owned gradient becomes the leaf's grad without a copy when the leaf has none. */
    boolean adoptIntoLeaf(AccumulateGrad leaf, Tensor grad) {
        if (!owns(grad) || !leaf.adopt(grad)) return false;
        owned.remove(grad);
        return true;
    }

    private static boolean sameLayout(Tensor a, Tensor b) {
        return a.dtype() == b.dtype() && Arrays.equals(a.shape(), b.shape());
    }

    private static void recycle(Tensor t) {
        Storage s = storage(t);
        s.backend().recycle(s);
    }

    private static Storage storage(Tensor t) { return Internals.view(t).storage(); }

    private static boolean coversStorage(Tensor t) {
        View v = Internals.view(t);
        return v.offset() == 0 && v.isContiguous() && v.numel() == v.storage().size();
    }

    private static boolean onlyReference(Tensor[] produced, int i, Storage s) {
        for (int j = 0; j < produced.length; j++) {
            if (j != i && produced[j] != null && storage(produced[j]) == s) return false;
        }
        return true;
    }
}
