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

    /** Checks {@code condition} at steps k, 2k, 3k, ... */
    public StopRule(int every, BooleanSupplier condition) {
        if (every <= 0) throw new IllegalArgumentException("StopRule: must check every k >= 1 steps, got " + every);
        this.every = every;
        this.condition = condition;
    }

    /** True when {@code step} (1-based, steps done so far) is a check step and the condition holds. */
    public boolean shouldStop(int step) {
        if (step <= 0 || step % every != 0) return false;
        checks++;
        return condition.getAsBoolean();
    }

    /** How many times the condition was evaluated. */
    public int checks() { return checks; }
}
