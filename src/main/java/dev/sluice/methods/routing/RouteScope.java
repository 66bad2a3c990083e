package dev.sluice.methods.routing;

import dev.sluice.nn.HookPoint;
import dev.sluice.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Masks installed at hook points for the forward passes run inside the scope (the backward pass reads the masks
 * recorded in the graph, so it may run inside or after). Closing restores the hooks that were there before.
 */
public final class RouteScope implements AutoCloseable {
    private final Map<HookPoint, UnaryOperator<Tensor>> previous = new LinkedHashMap<>();
    private boolean closed;

    RouteScope() {}

    void install(HookPoint point, Tensor mask) {
        UnaryOperator<Tensor> before = point.hook();
        previous.put(point, before);
        // an existing hook (e.g. an activation recorder) still sees the tensor; routing applies to what it returns
        point.setHook(before == null ? x -> x.route(mask) : x -> before.apply(x).route(mask));
    }

    /** Restores the previous hooks. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (var e : previous.entrySet()) e.getKey().setHook(e.getValue());
    }
}
