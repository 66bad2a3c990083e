package dev.sluice.optim;

/** A learning rate as a function of the (0-based) step. */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate at a step.
     *
     * @param step the 0-based optimizer step
     * @return the learning rate to use for that step
     */
    double lr(int step);

    /**
     * The same rate at every step.
     *
     * @param lr the learning rate, finite and at least 0
     * @return a schedule that always returns {@code lr}
     * @throws IllegalArgumentException if {@code lr} is negative, NaN or infinite
     */
    static LrSchedule constant(double lr) {
        Hyperparameters.learningRate("LrSchedule.constant", lr);
        return step -> lr;
    }

    /**
     * Linear warm-up then cosine decay, as GPT-2-style training uses: lr(s) = maxLr·(s+1)/warmup for s &lt; warmup (so
     * the last warm-up step reaches maxLr); then minLr + ½(1 + cos(π·q))·(maxLr − minLr) with q = (s − warmup)/(total −
     * warmup); minLr from step {@code total} on.
     *
     * @param warmup the number of warm-up steps (0 for none)
     * @param total the step at which the decay reaches {@code minLr}
     * @param maxLr the peak rate, reached at the end of warm-up
     * @param minLr the final rate
     * @return the schedule
     * @throws IllegalArgumentException unless 0 ≤ warmup ≤ total
     */
    static LrSchedule warmupCosine(int warmup, int total, double maxLr, double minLr) {
        if (warmup < 0 || total < warmup) {
            throw new IllegalArgumentException("warmupCosine: need 0 <= warmup <= total, got warmup=" + warmup + ", total=" + total);
        }
        Hyperparameters.learningRate("warmupCosine (maxLr)", maxLr);
        Hyperparameters.learningRate("warmupCosine (minLr)", minLr);
        return step -> {
            if (step < warmup) return maxLr * (step + 1) / warmup;
            if (step >= total) return minLr;
            double q = (double) (step - warmup) / (total - warmup);
            return minLr + 0.5 * (1 + Math.cos(Math.PI * q)) * (maxLr - minLr);
        };
    }
}
