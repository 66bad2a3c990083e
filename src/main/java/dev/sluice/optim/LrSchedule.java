package dev.sluice.optim;

/** A learning rate as a function of the (0-based) step. */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate at a 0-based step. */
    double lr(int step);

    /** The same rate at every step. */
    static LrSchedule constant(double lr) {
        Hyperparameters.learningRate("LrSchedule.constant", lr);
        return step -> lr;
    }

    /**
     * Linear warm-up then cosine decay: lr(s) = maxLr·(s+1)/warmup for s &lt; warmup (so the last warm-up step reaches
     * maxLr); then minLr + ½(1 + cos(π·q))·(maxLr − minLr) with q = (s − warmup)/(total − warmup); minLr from step
     * {@code total} on.
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
