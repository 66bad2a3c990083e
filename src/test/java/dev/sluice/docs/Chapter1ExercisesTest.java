package dev.sluice.docs;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Solutions to the exercises of docs/01-scalar-autodiff.md, compiled together with the chapter's own {@code Value}
 * class and checked against Sluice in float64.
 */
class Chapter1ExercisesTest {
    private static final String SOLUTION = """
            public final class Solution {
                // Exercise 1: an op written outside Value: compute the output, then set its gradient rule
                static Value sigmoid(Value x) {
                    Value out = new Value(1 / (1 + Math.exp(-x.data)), "sigmoid", x);
                    out.backward = () -> x.grad += out.data * (1 - out.data) * out.grad;
                    return out;
                }

                // Exercise 1, second way: a composition, whose gradient the engine derives from exp, add and pow
                static Value sigmoidComposed(Value x) {
                    return x.neg().exp().add(1).pow(-1);
                }

                /** {value, gradient} of sigmoid at x, by the hand-written rule (composed = false) or the composition. */
                public static double[] sigmoidAt(double at, boolean composed) {
                    Value x = new Value(at);
                    Value y = composed ? sigmoidComposed(x) : sigmoid(x);
                    y.backward();
                    return new double[] {y.data, x.grad};
                }

                // Exercise 2: a chain of n steps y = tanh(y·0.5 + x); returns d y / d x
                public static double chainGradient(int n) {
                    Value x = new Value(0.3);
                    Value y = x;
                    for (int i = 0; i < n; i++) y = y.mul(0.5).add(x).tanh();
                    y.backward();
                    return x.grad;
                }

                // Exercise 2: the use-counting walk written recursively, on a chain of n steps
                public static int recursiveCount(int n) {
                    Value x = new Value(0.3);
                    Value y = x;
                    for (int i = 0; i < n; i++) y = y.mul(0.5).add(x).tanh();
                    Map<Value, Integer> uses = new IdentityHashMap<>();
                    countUses(y, uses);
                    return uses.size();
                }

                private static void countUses(Value v, Map<Value, Integer> uses) {
                    for (Value c : v.children) {
                        if (uses.merge(c, 1, Integer::sum) == 1) countUses(c, uses);
                    }
                }

                // Exercise 3: two backward passes without resetting grad; returns x.grad after each
                public static double[] twoBackwards(boolean resetInnerGrads) {
                    Value x = new Value(3);
                    Value y = x.mul(x).add(x);
                    y.backward();
                    double first = x.grad;
                    if (resetInnerGrads) zeroInnerGrads(y);
                    y.backward();
                    return new double[] {first, x.grad};
                }

                // Sluice keeps no gradient on inner nodes: reset them, leaving the leaves' sums alone
                static void zeroInnerGrads(Value root) {
                    Deque<Value> stack = new ArrayDeque<>(List.of(root));
                    Set<Value> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                    while (!stack.isEmpty()) {
                        Value v = stack.pop();
                        if (!seen.add(v) || v.children.length == 0) continue;
                        v.grad = 0;
                        for (Value c : v.children) stack.push(c);
                    }
                }
            }
            """;

    private static final BookExercises BOOK = BookExercises.withChapter("01-scalar-autodiff.md", SOLUTION);

    @Test
    void sigmoidWrittenOutsideValueMatchesSluice() throws Throwable {
        for (double at : new double[] {-2, 0, 3}) {
            Tensor x = Tensor.scalar(at, DType.FLOAT64).requiresGrad(true);
            Tensor y = x.sigmoid();
            y.backward();
            for (boolean composed : new boolean[] {false, true}) {
                double[] r = BOOK.call("sigmoidAt", at, composed);
                assertEquals(y.item(), r[0], 1e-15, "sigmoid(" + at + ")" + (composed ? " composed" : ""));
                assertEquals(x.grad().item(), r[1], 1e-15, "sigmoid'(" + at + ")" + (composed ? " composed" : ""));
            }
        }
    }

    @Test
    void aHundredThousandStepChainNeedsNoRecursion() throws Throwable {
        double g = BOOK.call("chainGradient", 100_000);
        assertTrue(Double.isFinite(g) && g > 0, "gradient through 100,000 steps: " + g);
        // the same walk written recursively overflows a 1 MiB stack on the same graph
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                BOOK.call("recursiveCount", 100_000);
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "recursive-walk", 1 << 20);
        t.start();
        t.join();
        assertInstanceOf(StackOverflowError.class, thrown[0], "a recursive walk of a 100,000-step chain");
    }

    @Test
    void chainGradientMatchesSluice() throws Throwable {
        Tensor x = Tensor.scalar(0.3, DType.FLOAT64).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 1000; i++) y = y.mul(0.5).add(x).tanh();
        y.backward();
        double g = BOOK.call("chainGradient", 1000);
        assertEquals(x.grad().item(), g, 1e-12 * Math.abs(g));
    }

    @Test
    void gradientsAccumulateOverBackwardsAsSluiceLeavesDo() throws Throwable {
        // y = x·x + x at x = 3: dy/dx = 7. Value keeps a grad on every node, so the second pass also re-adds the inner
        // node's stale gradient: x gets 1 + 3·2 + 3·2 = 13 more instead of 7, 20 in all
        double[] stale = BOOK.call("twoBackwards", false);
        assertEquals(7, stale[0]);
        assertEquals(20, stale[1]);
        double[] reset = BOOK.call("twoBackwards", true);
        assertEquals(14, reset[1], "with inner grads reset, the leaf sums two passes: 2 · 7");
        Tensor x = Tensor.scalar(3, DType.FLOAT64).requiresGrad(true);
        Tensor y = x.mul(x).add(x);
        y.backward(null, true);
        y.backward(null, true);
        assertEquals(reset[1], x.grad().item(), "Sluice stores gradients on leaves only");
    }
}
