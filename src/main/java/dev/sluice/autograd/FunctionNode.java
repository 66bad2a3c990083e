package dev.sluice.autograd;

import dev.sluice.internal.Internals;
import dev.sluice.internal.SavedRole;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

/** The node of a differentiable op: its gradient rule plus the tensors it saved, with their versions at save time. */
final class FunctionNode extends Node {
    private BackwardFn fn;
    private Tensor[] saved;
    private final int[] savedVersions;
    private boolean released;
    /** Rules written in Sluice's op layer, which keep no gradient (see {@link Node#keepsNoGradients}). */
    private final boolean sluiceRule;

    /** What the op produced, for pictures of the graph ({@link GraphDot}); the output itself is not kept. */
    final int[] outShape;
    final DType outDtype;
    /** Per saved tensor: its {@link SavedRole} (the index of the input it is, the output, or something else). */
    final int[] savedRoles;

    FunctionNode(String name, Node[] next, int[][] inputShapes, BackwardFn fn, Tensor[] saved, Tensor out, Tensor[] inputs) {
        super(name, next, inputShapes);
        this.outShape = out.shape();
        this.outDtype = out.dtype();
        this.savedRoles = new int[saved.length];
        for (int i = 0; i < saved.length; i++) savedRoles[i] = SavedRole.of(saved[i], out, inputs);
        this.fn = fn;
        this.sluiceRule = fn.getClass().getPackageName().equals("dev.sluice.ops");
        this.saved = saved;
        this.savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            savedVersions[i] = saved[i] == null ? 0 : Internals.view(saved[i]).storage().version();
        }
    }

    /** The tensors saved for backward (empty once released); entries may be null. */
    Tensor[] savedTensors() { return saved.clone(); }

    /** Whether backward already freed the saved tensors. */
    boolean released() { return released; }

    @Override
    Tensor[] apply(Tensor gradOutput) {
        if (released) {
            throw new IllegalStateException("backward: trying to backward through the graph a second time (op '" + name()
                    + "'): its saved tensors were freed after the first backward. Pass retainGraph = true to the first "
                    + "backward(gradient, retainGraph) call if you need to backward twice.");
        }
        for (int i = 0; i < saved.length; i++) {
            if (saved[i] == null) continue;
            int now = Internals.view(saved[i]).storage().version();
            if (now != savedVersions[i]) {
                throw new IllegalStateException("backward: a tensor of shape " + Arrays.toString(saved[i].shape()) + " ("
                        + saved[i].dtype() + ") saved by op '" + name() + "' for its gradient was modified in place "
                        + "afterwards (version " + now + ", saved at version " + savedVersions[i] + "). Clone it before "
                        + "changing it in place, or change it out of place." + creationDescription());
            }
        }
        return fn.apply(gradOutput, saved);
    }

    @Override
    boolean keepsNoGradients() { return sluiceRule; }

    @Override
    RegionGradient regionGradient() { return !released && sluiceRule && fn instanceof RegionGradient r ? r : null; }

    @Override
    void release() {
        released = true;
        saved = new Tensor[0];
        fn = null;
    }
}
