package dev.sluice.methods.routing;

import java.util.Arrays;

/** Small builders for mask vectors over units. */
public final class Masks {
    private Masks() {}

    /**
     * A mask of n ones: the gradient passes unchanged.
     *
     * @param n the width
     * @return a new array of n ones
     * @throws IllegalArgumentException if n is negative
     */
    public static double[] ones(int n) { return filled(n, 1.0); }

    /**
     * A mask of n copies of a value.
     *
     * @param n the width
     * @param value the multiplier of every unit
     * @return a new array
     * @throws IllegalArgumentException if n is negative
     */
    public static double[] filled(int n, double value) {
        if (n < 0) throw new IllegalArgumentException("Masks: width must be >= 0, got " + n);
        double[] m = new double[n];
        Arrays.fill(m, value);
        return m;
    }

    /**
     * A width-n mask that is {@code inside} on units [from, to) and {@code outside} elsewhere.
     *
     * @param n the width
     * @param from the first unit of the block
     * @param to the end of the block (exclusive)
     * @param inside the multiplier inside the block
     * @param outside the multiplier elsewhere
     * @return a new array
     * @throws IllegalArgumentException if [from, to) is not inside [0, n)
     */
    public static double[] range(int n, int from, int to, double inside, double outside) {
        if (from < 0 || to > n || from > to) {
            throw new IllegalArgumentException("Masks.range: [" + from + ", " + to + ") is not inside [0, " + n + ")");
        }
        double[] m = filled(n, outside);
        Arrays.fill(m, from, to, inside);
        return m;
    }

    /**
     * 1 on units [from, to), 0 elsewhere: only that block of units learns.
     *
     * @param n the width
     * @param from the first unit of the block
     * @param to the end of the block (exclusive)
     * @return a new array
     * @throws IllegalArgumentException if [from, to) is not inside [0, n)
     */
    public static double[] only(int n, int from, int to) { return range(n, from, to, 1.0, 0.0); }
}
