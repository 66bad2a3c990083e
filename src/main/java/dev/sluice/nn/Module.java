package dev.sluice.nn;

import dev.sluice.autograd.GradMode;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base class of neural-network layers, in the style of {@code torch.nn.Module}. A module owns named parameters
 * (trainable leaf tensors), buffers (state saved in the {@link #stateDict()} but not trained) and submodules, all
 * registered explicitly in the constructor so that names are stable: a parameter {@code weight} of a submodule
 * {@code fc0} is called {@code fc0.weight}.
 * {@snippet :
 * final class TwoLayer extends Module {
 *     private final Linear fc0, fc1;
 *
 *     TwoLayer(Generator gen) {
 *         fc0 = register("fc0", new Linear(784, 128, gen));
 *         fc1 = register("fc1", new Linear(128, 10, gen));
 *     }
 *
 *     @Override
 *     public Tensor forward(Tensor x) {          // x: [N, 784] -> logits [N, 10]
 *         return fc1.forward(fc0.forward(x).relu());
 *     }
 * }
 *
 * TwoLayer model = new TwoLayer(new Generator(0));
 * model.namedParameters().keySet();            // [fc0.weight, fc0.bias, fc1.weight, fc1.bias]
 * }
 */
public abstract class Module implements Cloneable {
    // not final: deepCopy() gives the copy its own maps
    private LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** A module in training mode with nothing registered yet. */
    protected Module() {}

    /**
     * Registers a submodule under {@code name}, like assigning a module attribute in PyTorch, and returns it for
     * assignment to a field.
     *
     * @param <T> the submodule's type
     * @param name the member name: non-empty, without '.', not yet used in this module
     * @param module the submodule
     * @return {@code module}
     * @throws IllegalArgumentException if the name is invalid or taken, or the module is null
     */
    protected <T extends Module> T register(String name, T module) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException("register: module '" + name + "' is null");
        children.put(name, module);
        return module;
    }

    /**
     * Replaces the registered submodule {@code name} (keeping its position in the registration order), for model
     * surgery such as widening a layer. The caller updates its own field too.
     *
     * @param <T> the new submodule's type
     * @param name the name of an existing submodule
     * @param module the replacement
     * @return {@code module}
     * @throws IllegalArgumentException if there is no submodule of that name or the module is null
     */
    protected <T extends Module> T replace(String name, T module) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException("replace: no submodule '" + name + "' in " + getClass().getSimpleName()
                    + " (submodules: " + children.keySet() + ")");
        }
        if (module == null) throw new IllegalArgumentException("replace: module '" + name + "' is null");
        children.put(name, module);
        return module;
    }

    /**
     * Registers a floating-point leaf tensor as a trainable parameter, marking it as requiring grad, like
     * {@code nn.Parameter}.
     *
     * @param name the member name: non-empty, without '.', not yet used in this module
     * @param t the tensor, a float32 or float64 leaf
     * @return {@code t}
     * @throws IllegalArgumentException if the name is invalid or taken, {@code t} is not a leaf, or it is not floating
     * point
     */
    protected Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        if (!t.isLeaf()) throw new IllegalArgumentException("registerParameter: '" + name + "' must be a leaf tensor (use detach())");
        t.requiresGrad(true);
        params.put(name, t);
        return t;
    }

    /**
     * Registers a tensor as a buffer: part of the state dict, but not a parameter, like {@code register_buffer}.
     *
     * @param name the member name: non-empty, without '.', not yet used in this module
     * @param t the tensor, of any dtype
     * @return {@code t}
     * @throws IllegalArgumentException if the name is invalid or taken
     */
    protected Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module member names must be non-empty and contain no '.', got '" + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' is already registered in " + getClass().getSimpleName());
        }
    }

    /**
     * Applies the module. Modules with a single-tensor input override this; the default throws.
     *
     * @param x the input, in the shape the module documents
     * @return the output
     * @throws UnsupportedOperationException if the module does not take a single tensor
     */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement forward(Tensor)");
    }

    /**
     * The direct submodules by name, in registration order.
     *
     * @return an unmodifiable view of the submodules
     */
    public Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /**
     * This module and all descendants with dotted names, depth first in registration order, like
     * {@code named_modules()}.
     *
     * @return a new map whose keys end in '.' ("" for this module, "fc0." for a child)
     */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        for (var e : children.entrySet()) e.getValue().collectModules(prefix + e.getKey() + ".", out);
    }

    private static String strip(String prefix) { return prefix.isEmpty() ? prefix : prefix.substring(0, prefix.length() - 1); }

    /**
     * All parameters with dotted names, in registration order (a tensor shared by two modules appears once), like
     * {@code named_parameters()}.
     *
     * @return a new map from name (e.g. {@code fc0.weight}) to the module's own parameter tensor
     */
    public LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (var m : namedModules().entrySet()) {
            String prefix = m.getKey();
            for (var p : m.getValue().params.entrySet()) {
                if (seen.add(p.getValue())) out.put(prefix + p.getKey(), p.getValue());
            }
        }
        return out;
    }

    /**
     * All buffers with dotted names, in registration order.
     *
     * @return a new map from name to the module's own buffer tensor
     */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            for (var b : m.getValue().buffers.entrySet()) out.put(m.getKey() + b.getKey(), b.getValue());
        }
        return out;
    }

    /**
     * All parameters, in the order of {@link #namedParameters()}, e.g. to give to an optimizer.
     *
     * @return a new list of the module's own parameter tensors
     */
    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /**
     * The total number of parameter elements.
     *
     * @return the sum of {@code numel()} over {@link #parameters()}
     */
    public int parameterCount() {
        int n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    /**
     * Parameters and buffers by dotted name, like {@code state_dict()}. The tensors are the module's own (not copies):
     * use {@link #stateDictCopy()} for a snapshot.
     *
     * @return a new map, parameters first, then buffers
     */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = namedParameters();
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers, like
     * {@code load_state_dict(strict=True)}. Everything is validated first — missing keys, unexpected keys, shape and
     * dtype mismatches — and only when all entries match is anything copied, so a failed load leaves the module
     * unchanged. Source tensors may live on another device.
     *
     * @param state tensors by dotted name, e.g. from {@link #stateDictCopy()} or a checkpoint
     * @throws IllegalArgumentException listing every problem, with the key, the expected and the actual value
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            Tensor dst = e.getValue();
            if (src == null) {
                problems.add("missing key '" + e.getKey() + "' (expected shape " + Arrays.toString(dst.shape()) + ", " + dst.dtype() + ")");
            } else if (!Arrays.equals(src.shape(), dst.shape())) {
                problems.add("shape mismatch for '" + e.getKey() + "': expected " + Arrays.toString(dst.shape())
                        + ", got " + Arrays.toString(src.shape()));
            } else if (src.dtype() != dst.dtype()) {
                problems.add("dtype mismatch for '" + e.getKey() + "': expected " + dst.dtype() + ", got " + src.dtype());
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) problems.add("unexpected key '" + k + "' (expected one of " + own.keySet() + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        }
        try (var ignored = GradMode.noGrad()) {
            for (var e : own.entrySet()) e.getValue().copy_(state.get(e.getKey()));
        }
    }

    /**
     * Puts this module and all descendants in training mode (dropout active).
     *
     * @return this module
     */
    public Module train() { return train(true); }

    /**
     * Sets training mode on this module and all descendants, like {@code train(mode)}.
     *
     * @param on true for training mode, false for evaluation mode
     * @return this module
     */
    public Module train(boolean on) {
        for (Module m : namedModules().values()) m.training = on;
        return this;
    }

    /**
     * Puts this module and all descendants in evaluation mode (dropout is the identity).
     *
     * @return this module
     */
    public Module eval() { return train(false); }

    /**
     * Whether this module is in training mode.
     *
     * @return true in training mode (the default), false after {@link #eval()}
     */
    public boolean isTraining() { return training; }

    /** Clears the gradient of every parameter (sets it to null). */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    /**
     * Stops gradients to all parameters (requiresGrad = false), e.g. to fine-tune only some layers.
     *
     * @return this module
     */
    public Module freeze() {
        for (Tensor p : parameters()) p.requiresGrad(false);
        return this;
    }

    /**
     * Trains only the parameters whose dotted name matches: the others stop requiring grad.
     *
     * @param trainable tests a dotted parameter name, e.g. {@code n -> n.startsWith("fc1.")}
     * @return the trainable parameters, to give to an optimizer
     * @throws IllegalArgumentException if no parameter name matches
     */
    public List<Tensor> freezeExcept(java.util.function.Predicate<String> trainable) {
        Map<String, Tensor> named = namedParameters();
        List<Tensor> kept = new ArrayList<>();
        for (var e : named.entrySet()) if (trainable.test(e.getKey())) kept.add(e.getValue());
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("freezeExcept: no parameter name matches (parameters: " + named.keySet() + ")");
        }
        for (var e : named.entrySet()) e.getValue().requiresGrad(kept.contains(e.getValue()));
        return kept;
    }

    /**
     * Makes all parameters trainable again.
     *
     * @return this module
     */
    public Module unfreeze() {
        for (Tensor p : parameters()) p.requiresGrad(true);
        return this;
    }

    /**
     * A copy of the parameters and buffers by dotted name (fresh tensors, detached), e.g. to keep the best weights seen
     * during training and restore them later with {@link #loadStateDict}.
     *
     * @return a new map of new tensors, in {@link #stateDict()} order
     */
    public Map<String, Tensor> stateDictCopy() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        try (var ignored = GradMode.noGrad()) {
            for (var e : stateDict().entrySet()) out.put(e.getKey(), e.getValue().detach().clone());
        }
        return out;
    }

    /**
     * An independent deep copy of this module, like Python's {@code copy.deepcopy(model)}: same structure and class,
     * its own parameter and buffer tensors with equal values (parameters keep their requiresGrad flag; gradients are
     * not copied), its own random generators continuing from the same state. Shared submodules or tensors stay shared
     * within the copy. Hooks set on hook points are carried over as they are (the same function objects). Works by
     * copying fields reflectively, so a user subclass in another named module must open its package to
     * {@code dev.sluice}.
     *
     * @param <M> the type the caller expects (this module's class or a supertype)
     * @return the copy
     */
    @SuppressWarnings("unchecked")
    public <M extends Module> M deepCopy() {
        try (var ignored = GradMode.noGrad()) {
            return (M) ModuleCopier.copy(this, new IdentityHashMap<>());
        }
    }

    /**
     * Moves every parameter and buffer of this module tree to {@code device}, in place, like {@code model.to(device)}
     * (fields and registrations both point to the moved tensors; tensors shared between modules stay shared).
     * Parameters stay leaves that require grad; their gradients are dropped. Create optimizers after moving.
     *
     * @param <M> the type the caller expects (this module's class or a supertype)
     * @param device the target device
     * @return this module
     */
    @SuppressWarnings("unchecked")
    public <M extends Module> M to(dev.sluice.tensor.Device device) {
        IdentityHashMap<Object, Object> moved = new IdentityHashMap<>();
        try (var ignored = GradMode.noGrad()) {
            for (Module m : namedModules().values()) ModuleCopier.moveTensors(m, device, moved);
        }
        return (M) this;
    }

    /**
     * The device of this module's parameters: where its inputs must be.
     *
     * @return the parameters' device, or the CPU for a module without parameters
     * @throws IllegalStateException if the parameters span several devices
     */
    public dev.sluice.tensor.Device device() {
        dev.sluice.tensor.Device d = null;
        for (var e : namedParameters().entrySet()) {
            if (d == null) d = e.getValue().device();
            else if (!d.equals(e.getValue().device())) {
                throw new IllegalStateException(getClass().getSimpleName() + ": parameters on " + d + " and " + e.getValue().device()
                        + " (" + e.getKey() + "); move the whole module with to(device)");
            }
        }
        return d == null ? dev.sluice.tensor.Device.CPU : d;
    }

    /** Replaces the registered tensors through {@code move} (for {@link #to}). */
    void replaceRegisteredTensors(java.util.function.UnaryOperator<Tensor> move) {
        params.replaceAll((k, t) -> move.apply(t));
        buffers.replaceAll((k, t) -> move.apply(t));
    }

    /** Field-by-field copy used by {@link #deepCopy()}; copies the bookkeeping maps itself. */
    Module shallowCloneWithMaps(IdentityHashMap<Object, Object> seen) {
        Module c;
        try {
            c = (Module) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e); // Module implements Cloneable
        }
        seen.put(this, c);
        c.params = new LinkedHashMap<>();
        for (var e : params.entrySet()) c.params.put(e.getKey(), (Tensor) ModuleCopier.copyValue(e.getValue(), seen));
        c.buffers = new LinkedHashMap<>();
        for (var e : buffers.entrySet()) c.buffers.put(e.getKey(), (Tensor) ModuleCopier.copyValue(e.getValue(), seen));
        c.children = new LinkedHashMap<>();
        for (var e : children.entrySet()) c.children.put(e.getKey(), (Module) ModuleCopier.copyValue(e.getValue(), seen));
        return c;
    }

    /**
     * Every {@link HookPoint} in this module tree by dotted name (e.g. {@code blocks.0.resid}).
     *
     * @return a new map, in {@link #namedModules()} order
     */
    public LinkedHashMap<String, HookPoint> hookPoints() {
        LinkedHashMap<String, HookPoint> out = new LinkedHashMap<>();
        for (var m : namedModules().entrySet()) {
            if (m.getValue() instanceof HookPoint h && !m.getKey().isEmpty()) out.put(strip(m.getKey()), h);
        }
        return out;
    }

    /** Clears the hooks of all hook points. */
    public void clearHooks() {
        for (HookPoint h : hookPoints().values()) h.setHook(null);
    }
}
