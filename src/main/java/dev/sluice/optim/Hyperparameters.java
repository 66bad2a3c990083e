package dev.sluice.optim;

/**
 * Checks of optimizer hyper-parameters, with PyTorch's wording ("Invalid learning rate", ...). A NaN or infinite
 * coefficient would not fail at once: it turns every parameter into NaN on the first step, far from its cause.
 */
final class Hyperparameters {
    private Hyperparameters() {}

    /** lr finite and ≥ 0. */
    static double learningRate(String owner, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(owner + ": Invalid learning rate: " + lr + " (expected a finite value >= 0)");
        }
        return lr;
    }

    /** A finite coefficient ≥ 0 (weight decay, eps, momentum). */
    static double nonNegative(String owner, String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(owner + ": Invalid " + what + " value: " + value + " (expected a finite value >= 0)");
        }
        return value;
    }

    /** An Adam beta in [0, 1). */
    static double beta(String owner, int index, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(owner + ": Invalid beta parameter at index " + index + ": " + beta
                    + " (expected 0 <= beta < 1)");
        }
        return beta;
    }
}
