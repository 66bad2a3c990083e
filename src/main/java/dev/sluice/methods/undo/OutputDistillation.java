package dev.sluice.methods.undo;

import dev.sluice.autograd.GradMode;
import dev.sluice.nn.Losses;
import dev.sluice.nn.Module;
import dev.sluice.optim.LrSchedule;
import dev.sluice.optim.Optimizer;
import dev.sluice.tensor.Tensor;

import java.util.function.IntFunction;

/**
 * UNDO's third step: train a (noised) student to match a teacher's outputs with the forward KL at temperature 1,
 * {@code (1/|M|) Σ_{positions ∈ M} Σ_v p_T(v)·[log p_T(v) − log p_S(v)]} (papers.md §2.1), the teacher read under
 * no-grad. Works for any models whose {@code forward(inputs)} gives logits [..., V]: Sluice's {@link dev.sluice.nn.GPT}
 * and the Hugging Face models of {@code dev.sluice.models} alike. The data mix should include forget-domain text
 * (gotcha 3 of the note): the student learns the teacher's suppressed outputs there.
 * {@snippet :
 * CausalLM teacher = HfModels.load(Path.of("unlearned"));          // after GradDiff / MaxEnt / RMU
 * CausalLM student = teacher.deepCopy();
 * ShrinkPerturb.builder(0.5, 0.1, 42).build().apply(student);
 * Tensor blocks = TokenBlocks.fromFile(tok, Path.of("retain.txt"), 128);   // [N, 128]
 * Optimizer opt = new AdamW(student.parameters(), 3e-4);
 * OutputDistillation.Result r = OutputDistillation.run(student, teacher,
 *         step -> blocks.narrow(0, (step * 8) % (blocks.size(0) - 7), 8), opt, 1000,
 *         new StopRule(50, () -> false));
 * HfModels.save(student, Path.of("undo-student"));
 * }
 */
public final class OutputDistillation {
    private OutputDistillation() {}

    /**
     * How a distillation run ended.
     *
     * @param steps the optimiser steps taken
     * @param lastLoss the last step's loss (NaN when no step was taken)
     * @param stopped whether the stop rule ended the run before maxSteps
     */
    public record Result(int steps, double lastLoss, boolean stopped) {}

    /**
     * The distillation loss on one batch: forward KL(teacher ‖ student) at temperature 1, averaged over the positions
     * of the mask.
     *
     * @param student the model being trained
     * @param teacher the model whose outputs are matched (run under no-grad)
     * @param inputs the batch, as both models' {@code forward} takes it (token ids [B, T] for a language model)
     * @param mask float [B, T] (1 where the position counts, e.g. not padding), or null for every position
     * @return the scalar loss, differentiable in the student's parameters
     */
    public static Tensor loss(Module student, Module teacher, Tensor inputs, Tensor mask) {
        Tensor teacherLogits;
        try (var ignored = GradMode.noGrad()) {
            teacherLogits = teacher.forward(inputs);
        }
        return Losses.forwardKl(student.forward(inputs), teacherLogits, 1.0, mask);
    }

    /**
     * The distillation loss evaluated under no-grad (e.g. for a stop rule or a report).
     *
     * @param student the student
     * @param teacher the teacher
     * @param inputs the batch
     * @param mask the positions that count, or null for all
     * @return the mean forward KL per position, in nats
     */
    public static double kl(Module student, Module teacher, Tensor inputs, Tensor mask) {
        try (var ignored = GradMode.noGrad()) {
            return loss(student, teacher, inputs, mask).item();
        }
    }

    /**
     * Distils for up to {@code maxSteps} optimiser steps, one batch per step, stopping early when the stop rule says so
     * (it is asked after every step; {@link StopRule} evaluates its condition every k steps).
     *
     * @param student the model being trained (its optimiser is {@code opt})
     * @param teacher the model whose outputs are matched
     * @param batches the batch for each 0-based step
     * @param opt an optimiser over the student's parameters
     * @param maxSteps the most steps, non-negative
     * @param stop the stop rule, or null to run all steps
     * @return the number of steps, the last loss and whether the rule stopped the run
     * @throws IllegalArgumentException if maxSteps is negative
     */
    public static Result run(Module student, Module teacher, IntFunction<Tensor> batches, Optimizer opt, int maxSteps, StopRule stop) {
        return run(student, teacher, batches, opt, maxSteps, stop, null);
    }

    /**
     * As {@link #run(Module, Module, IntFunction, Optimizer, int, StopRule)}, with the optimiser's learning rate set
     * from a schedule before every step (e.g. {@link LrSchedule#warmupCosine} over {@code maxSteps}).
     *
     * @param student the model being trained (its optimiser is {@code opt})
     * @param teacher the model whose outputs are matched
     * @param batches the batch for each 0-based step
     * @param opt an optimiser over the student's parameters
     * @param maxSteps the most steps, non-negative
     * @param stop the stop rule, or null to run all steps
     * @param schedule the learning rate of each 0-based step, or null to keep the optimiser's
     * @return the number of steps, the last loss and whether the rule stopped the run
     * @throws IllegalArgumentException if maxSteps is negative
     */
    public static Result run(Module student, Module teacher, IntFunction<Tensor> batches, Optimizer opt, int maxSteps, StopRule stop,
                             LrSchedule schedule) {
        if (maxSteps < 0) throw new IllegalArgumentException("OutputDistillation.run: maxSteps must be >= 0, got " + maxSteps);
        double last = Double.NaN;
        for (int step = 1; step <= maxSteps; step++) {
            if (schedule != null) opt.setLr(schedule.lr(step - 1));
            opt.zeroGrad();
            Tensor l = loss(student, teacher, batches.apply(step - 1), null);
            l.backward();
            opt.step();
            last = l.item();
            if (stop != null && stop.shouldStop(step)) return new Result(step, last, step < maxSteps);
        }
        return new Result(maxSteps, last, false);
    }
}
