package dev.sluice.methods.routing;

import dev.sluice.autograd.HookHandle;
import dev.sluice.nn.Module;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Parameter-level gradient routing (paper App. H): for each data partition, per-parameter gradient multipliers
 * (elementwise, so a region can be part of a tensor, e.g. some rows of a weight). While a partition's scope is open,
 * the gradient reaching each parameter is multiplied by that partition's multiplier before it is accumulated, so
 * a multiplier of 0 keeps that partition's data from changing the parameter at all. Parameters without a multiplier
 * for the partition get the gradient unchanged.
 *
 * <pre>{@code
 * var routing = ParameterRouting.of(model)
 *     .set("forget", name -> !name.startsWith("expert."), 0.0);   // forget data trains only the expert
 * routing.backward("forget", lossOnForgetBatch);
 * routing.backward("retain", lossOnRetainBatch);                    // no multipliers: ordinary gradients
 * optimizer.step();
 * }</pre>
 */
public final class ParameterRouting {
    private final Module model;
    private final Map<String, Tensor> params;
    private final Map<String, Map<String, Tensor>> multipliers = new LinkedHashMap<>();

    private ParameterRouting(Module model) {
        this.model = model;
        this.params = model.namedParameters();
    }

    /**
     * Routing over this model's parameters (as named by {@link Module#namedParameters()} at this moment).
     *
     * @param model the model; build a new routing after surgery that replaces parameters
     * @return a routing with no multipliers yet
     */
    public static ParameterRouting of(Module model) { return new ParameterRouting(model); }

    /**
     * Sets the multiplier of one parameter for one partition: a tensor broadcasting to the parameter's shape without
     * enlarging it (e.g. [out, 1] to scale rows of a weight), real-valued. It is copied to the parameter's dtype and
     * device.
     *
     * @param partition the data partition's name, e.g. "forget"
     * @param param the parameter's dotted name, e.g. "fc0.weight"
     * @param multiplier the elementwise gradient multiplier
     * @return this routing
     * @throws IllegalArgumentException if there is no such parameter or the multiplier does not broadcast to it
     */
    public ParameterRouting set(String partition, String param, Tensor multiplier) {
        Tensor p = params.get(param);
        if (p == null) {
            throw new IllegalArgumentException("ParameterRouting.set: " + model.getClass().getSimpleName() + " has no parameter '"
                    + param + "' (parameters: " + params.keySet() + ")");
        }
        int[] ps = p.shape(), ms = multiplier.shape();
        boolean ok = ms.length <= ps.length;
        for (int i = 0; ok && i < ms.length; i++) {
            int pd = ps[ps.length - ms.length + i];
            ok = ms[i] == pd || ms[i] == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException("ParameterRouting.set: multiplier of shape " + Arrays.toString(ms)
                    + " does not broadcast to parameter '" + param + "' of shape " + Arrays.toString(ps));
        }
        multipliers.computeIfAbsent(partition, k -> new LinkedHashMap<>()).put(param, multiplier.detach().to(p.dtype()).to(p.device()));
        return this;
    }

    /**
     * Sets the same scalar multiplier for every parameter whose name matches (must match at least one).
     *
     * @param partition the data partition's name
     * @param paramNames tests a dotted parameter name
     * @param multiplier the gradient multiplier, e.g. 0 to freeze the parameter for this partition
     * @return this routing
     * @throws IllegalArgumentException if no parameter name matches
     */
    public ParameterRouting set(String partition, Predicate<String> paramNames, double multiplier) {
        int matched = 0;
        for (var e : params.entrySet()) {
            if (!paramNames.test(e.getKey())) continue;
            set(partition, e.getKey(), Tensor.full(multiplier, e.getValue().dtype(), 1));
            matched++;
        }
        if (matched == 0) {
            throw new IllegalArgumentException("ParameterRouting.set: no parameter name matches for partition '" + partition
                    + "' (parameters: " + params.keySet() + ")");
        }
        return this;
    }

    /**
     * The multipliers of a partition by parameter name.
     *
     * @param partition the data partition's name
     * @return an immutable map, empty if none were set
     */
    public Map<String, Tensor> multipliers(String partition) {
        return Map.copyOf(multipliers.getOrDefault(partition, Map.of()));
    }

    /**
     * Opens a scope in which gradients reaching the parameters are multiplied by the partition's multipliers.
     *
     * @param partition the data partition's name (unknown names give a scope that changes nothing)
     * @return a scope whose {@code close()} removes the hooks
     */
    public Scope scope(String partition) {
        List<HookHandle> handles = new ArrayList<>();
        for (var e : multipliers.getOrDefault(partition, Map.of()).entrySet()) {
            Tensor m = e.getValue();
            handles.add(params.get(e.getKey()).registerHook(g -> g.mul(m)));
        }
        return new Scope(handles);
    }

    /**
     * Back-propagates a loss computed on data of one partition, with that partition's multipliers.
     *
     * @param partition the data partition's name
     * @param loss a scalar loss on that partition's data
     * @throws IllegalStateException if the loss does not require grad
     */
    public void backward(String partition, Tensor loss) {
        try (var ignored = scope(partition)) {
            loss.backward();
        }
    }

    /** Removes the partition's gradient hooks when closed. */
    public static final class Scope implements AutoCloseable {
        private final List<HookHandle> handles;

        private Scope(List<HookHandle> handles) { this.handles = handles; }

        @Override
        public void close() {
            for (HookHandle h : handles) h.remove();
        }
    }
}
