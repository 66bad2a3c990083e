package dev.sluice.nn;

import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;

/**
 * Deep copy of a module tree for {@link Module#deepCopy()}: modules, tensors and generators are copied once each (an
 * identity map keeps sharing intact); immutable values (numbers, enums, records such as configs) and functions are
 * shared.
 */
final class ModuleCopier {
    private ModuleCopier() {}

    static Module copy(Module m, IdentityHashMap<Object, Object> seen) {
        Object done = seen.get(m);
        if (done != null) return (Module) done;
        Module c = m.shallowCloneWithMaps(seen);
        for (Class<?> k = m.getClass(); k != Module.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                try {
                    f.setAccessible(true);
                    f.set(c, copyValue(f.get(m), seen));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("deepCopy: cannot copy field '" + f.getName() + "' of "
                            + k.getName() + " (a module outside dev.sluice must open its package to dev.sluice): " + e, e);
                }
            }
        }
        return c;
    }

    /** Moves the tensors one module holds (registrations and fields) to a device, each tensor once (for Module.to). */
    static void moveTensors(Module m, dev.sluice.tensor.Device device, IdentityHashMap<Object, Object> moved) {
        java.util.function.UnaryOperator<Tensor> move = t -> (Tensor) moved.computeIfAbsent(t, x -> {
            if (t.device().equals(device)) return t;
            Tensor c = t.detach().to(device);
            if (t.isLeaf() && t.requiresGrad()) c.requiresGrad(true);
            return c;
        });
        m.replaceRegisteredTensors(move);
        for (Class<?> k = m.getClass(); k != Module.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                try {
                    f.setAccessible(true);
                    Object v = f.get(m);
                    if (v instanceof Tensor t) f.set(m, move.apply(t));
                    else if (v instanceof Tensor[] arr) for (int i = 0; i < arr.length; i++) if (arr[i] != null) arr[i] = move.apply(arr[i]);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    if (e instanceof UnsupportedOperationException u) throw u;
                    throw new IllegalStateException("to(" + device + "): cannot move field '" + f.getName() + "' of "
                            + k.getName() + " (a module outside dev.sluice must open its package to dev.sluice): " + e, e);
                }
            }
        }
    }

    static Object copyValue(Object v, IdentityHashMap<Object, Object> seen) {
        if (v == null) return null;
        Object done = seen.get(v);
        if (done != null) return done;
        Object c;
        if (v instanceof Module m) {
            return copy(m, seen);
        } else if (v instanceof Tensor t) {
            Tensor copy = t.detach().clone();
            if (t.isLeaf() && t.requiresGrad()) copy.requiresGrad(true);
            c = copy;
        } else if (v instanceof Generator g) {
            c = g.copy();
        } else if (v instanceof Object[] arr && (arr instanceof Module[] || arr instanceof Tensor[])) {
            Object[] out = arr.clone();
            seen.put(v, out);
            for (int i = 0; i < out.length; i++) out[i] = copyValue(arr[i], seen);
            return out;
        } else {
            return v; // immutable or a function: shared
        }
        seen.put(v, c);
        return c;
    }
}
