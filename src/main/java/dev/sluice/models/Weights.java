package dev.sluice.models;

import dev.sluice.nn.Init;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where a model's constructor gets each parameter, by Hugging Face name: fresh values or a checkpoint's tensors. */
abstract class Weights {
    enum Kind { MATRIX, BIAS, NORM_WEIGHT, NORM_BIAS }

    abstract Tensor get(String name, int[] shape, Kind kind);

    /** New values: matrices N(0, std²), biases and norm shifts 0, norm scales 1 (Hugging Face's _init_weights). */
    static Weights random(Generator gen, double std) {
        return new Weights() {
            @Override
            Tensor get(String name, int[] shape, Kind kind) {
                return switch (kind) {
                    case MATRIX -> Init.normal(Tensor.zeros(shape), std, gen);
                    case BIAS, NORM_BIAS -> Tensor.zeros(shape);
                    case NORM_WEIGHT -> Tensor.ones(shape);
                };
            }
        };
    }

    /** A checkpoint's tensors; problems are collected and reported together by {@link #check}. */
    static final class Loaded extends Weights {
        private final String source;
        private final Map<String, Tensor> tensors;
        private final Set<String> used = new LinkedHashSet<>();
        private final List<String> problems = new ArrayList<>();

        Loaded(String source, Map<String, Tensor> tensors) {
            this.source = source;
            this.tensors = tensors;
        }

        @Override
        Tensor get(String name, int[] shape, Kind kind) {
            Tensor t = tensors.get(name);
            used.add(name);
            if (t == null) {
                problems.add("missing parameter '" + name + "' (expected shape " + Arrays.toString(shape) + ")");
                return Tensor.zeros(shape);
            }
            if (!Arrays.equals(t.shape(), shape)) {
                problems.add("parameter '" + name + "' has shape " + Arrays.toString(t.shape()) + " in the checkpoint, but the"
                        + " config needs " + Arrays.toString(shape));
                return Tensor.zeros(shape);
            }
            if (t.dtype() != dev.sluice.tensor.DType.FLOAT32) {
                problems.add("parameter '" + name + "' has dtype " + t.dtype() + "; expected a floating-point tensor (F32, F16 or BF16)");
                return Tensor.zeros(shape);
            }
            return t;
        }

        /** Marks a checkpoint tensor as consumed without a parameter (e.g. a buffer Hugging Face also ignores). */
        void ignore(String name) { used.add(name); }

        Set<String> names() { return tensors.keySet(); }

        void check() {
            List<String> all = new ArrayList<>(problems);
            Map<String, Tensor> unexpected = new LinkedHashMap<>();
            for (var e : tensors.entrySet()) if (!used.contains(e.getKey())) unexpected.put(e.getKey(), e.getValue());
            for (var e : unexpected.entrySet()) {
                all.add("unexpected parameter '" + e.getKey() + "' " + Arrays.toString(e.getValue().shape())
                        + " (no such parameter in this architecture and config)");
            }
            if (!all.isEmpty()) {
                throw new IllegalArgumentException(source + " does not fit the config: " + String.join("; ", all));
            }
        }
    }
}
