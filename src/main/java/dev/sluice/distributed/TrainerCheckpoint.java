package dev.sluice.distributed;

import dev.sluice.Sluice;
import dev.sluice.io.Json;
import dev.sluice.io.SafeTensors;
import dev.sluice.io.SafeTensorsFile;
import dev.sluice.nn.Module;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A data-parallel run's checkpoint: one safetensors file, written atomically (a crash leaves the previous checkpoint
 * whole), holding the model's state dict under {@code model.<name>}, Adam's moments under
 * {@code optim.<name>.exp_avg} / {@code .exp_avg_sq}, and in the metadata the step (the number of steps done, which is
 * also the data position: see {@link ShardSource}), each parameter's Adam update count, the world size and the
 * Sluice version. One file, so the model and the optimizer can never come from different steps.
 */
final class TrainerCheckpoint {
    static final String STEP = "sluice.distributed.step";
    private static final String PARAM_STEPS = "sluice.distributed.param_steps";

    private TrainerCheckpoint() {}

    static void write(Path file, Module model, Adam opt, int step, int worldSize) throws IOException {
        List<String> names = names(model, opt);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : model.stateDict().entrySet()) tensors.put("model." + e.getKey(), e.getValue());
        List<Integer> paramSteps = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Adam.ParamState s = opt.state(i);
            paramSteps.add(s.step());
            if (s.step() > 0) {
                tensors.put("optim." + names.get(i) + ".exp_avg", s.expAvg());
                tensors.put("optim." + names.get(i) + ".exp_avg_sq", s.expAvgSq());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(STEP, Integer.toString(step));
        meta.put(PARAM_STEPS, Json.write(paramSteps));
        meta.put("sluice.distributed.world_size", Integer.toString(worldSize));
        meta.put("sluice.version", Sluice.version());
        meta.put("sluice.module", model.getClass().getName());
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Loads the checkpoint into the model and the optimizer; validates everything first, so a file that does not fit
     * leaves both untouched.
     *
     * @return the step the checkpoint was written after
     */
    static int read(Path file, Module model, Adam opt) throws IOException {
        SafeTensorsFile f = SafeTensors.read(file);
        Map<String, String> meta = f.metadata() == null ? Map.of() : f.metadata();
        List<String> names = names(model, opt);
        if (!meta.containsKey(STEP) || !meta.containsKey(PARAM_STEPS)) {
            throw new IllegalArgumentException("DistributedTrainer: " + file + " is not a DistributedTrainer checkpoint (no " + STEP + " metadata)");
        }
        int step = Integer.parseInt(meta.get(STEP));
        List<?> paramSteps = (List<?>) Json.parse(meta.get(PARAM_STEPS));
        if (paramSteps.size() != names.size()) {
            throw new IllegalArgumentException("DistributedTrainer: " + file + " holds optimizer state for " + paramSteps.size()
                    + " parameters, the optimizer has " + names.size());
        }
        List<Adam.ParamState> states = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int t = ((Number) paramSteps.get(i)).intValue();
            String m = "optim." + names.get(i) + ".exp_avg", v = m + "_sq";
            if (t > 0 && (!f.contains(m) || !f.contains(v))) {
                throw new IllegalArgumentException("DistributedTrainer: " + file + " lacks the Adam moments of " + names.get(i));
            }
            if (t > 0 && !java.util.Arrays.equals(f.tensor(m).shape(), opt.params().get(i).shape())) {
                throw new IllegalArgumentException("DistributedTrainer: " + file + " holds moments of shape "
                        + java.util.Arrays.toString(f.tensor(m).shape()) + " for " + names.get(i) + ", which has shape "
                        + java.util.Arrays.toString(opt.params().get(i).shape()));
            }
            states.add(t == 0 ? new Adam.ParamState(null, null, 0) : new Adam.ParamState(f.tensor(m), f.tensor(v), t));
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String n : f.names()) if (n.startsWith("model.")) state.put(n.substring("model.".length()), f.tensor(n));
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DistributedTrainer: " + file + " does not fit the model: " + e.getMessage(), e);
        }
        for (int i = 0; i < states.size(); i++) opt.loadState(i, states.get(i));
        return step;
    }

    /** The optimizer's parameters' names in the model. */
    static List<String> names(Module model, Adam opt) {
        IdentityHashMap<Tensor, String> byTensor = new IdentityHashMap<>();
        for (var e : model.namedParameters().entrySet()) byTensor.put(e.getValue(), e.getKey());
        List<String> names = new ArrayList<>();
        for (Tensor p : opt.params()) {
            String n = byTensor.get(p);
            if (n == null) throw new IllegalArgumentException("DistributedTrainer: the optimizer holds a tensor that is not a parameter of the model");
            names.add(n);
        }
        return names;
    }
}
