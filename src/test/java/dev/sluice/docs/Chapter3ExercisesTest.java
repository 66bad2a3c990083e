package dev.sluice.docs;

import dev.sluice.autograd.Node;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Solutions to the exercises of docs/03-graph-and-backward.md, checked against float64 references. */
class Chapter3ExercisesTest {
    @Test
    void countTheDependencies() {
        Tensor x = Tensor.of(new double[] {0.5, -1.0}, 2).requiresGrad(true);
        Tensor y = x.mul(x).add(x.exp().mul(x));
        // iterative walk over nextFunctions, counting edges into each node
        Map<Node, Integer> into = new IdentityHashMap<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(y.gradFn());
        seen.add(y.gradFn());
        int edges = 0;
        Node accumulator = null;
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (n.name().equals("accumulate_grad")) accumulator = n;
            for (Node next : n.nextFunctions()) {
                if (next == null) continue;
                edges++;
                into.merge(next, 1, Integer::sum);
                if (seen.add(next)) stack.push(next);
            }
        }
        assertEquals(5, seen.size(), "add, mul, mul, exp, accumulate_grad");
        assertEquals(7, edges);
        assertEquals(4, into.get(accumulator), "x is used by x·x twice, by exp and by exp(x)·x");

        y.backward(Tensor.ones(DType.FLOAT64, 2));
        double[] g = x.grad().toDoubleArray();
        double[] xs = {0.5, -1.0};
        for (int i = 0; i < 2; i++) assertEquals(2 * xs[i] + Math.exp(xs[i]) * (xs[i] + 1), g[i], 1e-14);
    }

    @Test
    void aHookThatClips() {
        double[] xs = {0.2, -0.9, 1.5}, ws = {3, 2, -1};
        Tensor x = Tensor.of(xs, 3).requiresGrad(true);
        Tensor w = Tensor.of(ws, 3);
        Tensor h = x.mul(w);
        double[] hBefore = h.toDoubleArray();
        h.registerHook(g -> g.clamp(-1, 1));
        h.pow(3).sum().backward(); // d/dh = 3h², clipped to [-1, 1], then times w
        for (int i = 0; i < 3; i++) {
            double hv = xs[i] * ws[i];
            double clipped = Math.max(-1, Math.min(1, 3 * hv * hv));
            assertEquals(clipped * ws[i], x.grad().toDoubleArray()[i], 1e-14, "element " + i);
        }
        assertArrayEquals(hBefore, h.toDoubleArray(), "the hook changes the gradient, not the value");
    }

    @Test
    void deepGraphsOnASmallStack() throws Exception {
        double[] grad = new double[1];
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                Tensor x = Tensor.scalar(0.7, DType.FLOAT64).requiresGrad(true);
                Tensor y = x;
                for (int i = 0; i < 10_000; i++) y = y.tanh();
                y.backward();
                grad[0] = x.grad().item();
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "deep-backward", 256 << 10);
        t.start();
        t.join();
        assertNull(failed[0], "backward through 10,000 ops on a 256 KiB stack");
        double v = 0.7, expected = 1;
        for (int i = 0; i < 10_000; i++) {
            double next = Math.tanh(v);
            expected *= 1 - next * next;
            v = next;
        }
        assertEquals(expected, grad[0], 1e-12 * expected);
    }

    @Test
    void catchTheInPlaceBug() {
        Tensor x = Tensor.of(new double[] {0.1, 0.2}, 2).requiresGrad(true);
        Tensor y = x.exp();
        // while recording, Sluice refuses in-place ops on tensors that require grad outright
        var refused = assertThrows(IllegalStateException.class, () -> y.mul_(2));
        assertTrue(refused.getMessage().contains("in-place operation"), refused.getMessage());
        // under no-grad the write is allowed, and the version counter catches it at backward
        try (var _ = dev.sluice.autograd.GradMode.noGrad()) {
            y.mul_(2);
        }
        var e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("saved by op 'exp'"), e.getMessage());

        Tensor x2 = Tensor.of(new double[] {0.1, 0.2}, 2).requiresGrad(true);
        Tensor y2 = x2.exp();
        Tensor copy = y2.clone();
        try (var _ = dev.sluice.autograd.GradMode.noGrad()) {
            copy.mul_(2); // the copy changes, the saved output does not
        }
        y2.sum().backward();
        assertArrayEquals(new double[] {Math.exp(0.1), Math.exp(0.2)}, x2.grad().toDoubleArray(), 1e-14);
    }
}
