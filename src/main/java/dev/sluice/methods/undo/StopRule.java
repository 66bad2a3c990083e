package dev.sluice.methods.undo;

import java.util.function.BooleanSupplier;

/**
 * A stop predicate checked only every k steps (the check itself may cost an evaluation pass), as UNDO's distillation
 * does: "stop when the student's retain metric is within 5% of the teacher's", checked every 20 or 50 steps.
 */
public final class StopRule {
    private final int every;
    private final BooleanSupplier condition;
    private int checks;

    /**
     * Checks {@code condition} at steps k, 2k, 3k, ...
     *
     * @param every the check interval k, at least 1
     * @param condition the (possibly costly) stop test
     * @throws IllegalArgumentException if {@code every} is not positive
     */
    public StopRule(int every, BooleanSupplier condition) {
        if (every <= 0) throw new IllegalArgumentException("StopRule: must check every k >= 1 steps, got " + every);
        this.every = every;
        this.condition = condition;
    }

    /**
     * Whether to stop after {@code step} steps: true when it is a check step and the condition holds.
     *
     * @param step the number of steps done so far (1-based)
     * @return the condition's value on a check step, false otherwise
     */
    public boolean shouldStop(int step) {
        if (step <= 0 || step % every != 0) return false;
        checks++;
        return condition.getAsBoolean();
    }

    /**
     * How many times the condition was evaluated.
     *
     * @return the number of checks so far
     */
    public int checks() { return checks; }
}
