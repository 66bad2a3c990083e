package dev.sluice.docs;

import dev.sluice.backend.BinaryOp;
import dev.sluice.backend.ReduceOp;
import dev.sluice.backend.cpu.kernels.Float32Kernels;
import dev.sluice.backend.cpu.kernels.KernelDispatch;
import dev.sluice.bench.MemoryBench;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Solutions to the exercises of docs/05-kernels.md, checked against float64 references and the real kernels. */
class Chapter5ExercisesTest {
    // a static final species: C2 only intrinsifies what it can constant-fold
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    // Exercise 1, scalar: one double accumulator
    static float sumOfSquares(float[] x) {
        double acc = 0;
        for (float v : x) acc += (double) v * v;
        return (float) acc;
    }

    // Exercise 1, vector: four independent accumulators (add latency), fma, one masked vector for the tail
    static float sumOfSquaresVector(float[] x) {
        int n = x.length;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int end = n - 4 * V; i <= end; i += 4 * V) {
            FloatVector v0 = FloatVector.fromArray(S, x, i), v1 = FloatVector.fromArray(S, x, i + V);
            FloatVector v2 = FloatVector.fromArray(S, x, i + 2 * V), v3 = FloatVector.fromArray(S, x, i + 3 * V);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            a0 = v.fma(v, a0);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, i, m); // inactive lanes load 0, and 0·0 adds nothing
            a0 = v.fma(v, a0);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Test
    void sumOfSquaresAgreesWithFloat64() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int n : new int[] {0, 1, 15, 16, 17, 1000, 100_003}) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
            double exact = 0;
            for (float v : x) exact += (double) v * v;
            assertEquals(exact, sumOfSquares(x), Math.ulp((float) exact), "scalar, n=" + n);
            // float lanes: each partial sum has rounding error ~ eps·(its length); bound it by eps·n·exact
            assertEquals(exact, sumOfSquaresVector(x), 1e-7 * Math.max(1, n / (4.0 * V)) * exact + 1e-30, "vector, n=" + n);
        }
    }

    @Test
    void addAndMulAgreeToTheBitTheSumDoesNot() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 10_007;
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        Float32Kernels fast = KernelDispatch.float32(), ref = KernelDispatch.scalar();
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL}) {
            float[] o1 = new float[n], o2 = new float[n];
            fast.binary(op, a, 0, 1, b, 0, 1, o1, 0, n);
            ref.binary(op, a, 0, 1, b, 0, 1, o2, 0, n);
            assertArrayEquals(o2, o1, 0f, op + ": both are the correctly rounded float result");
        }
        // the sum: the reference accumulates in double, the vector kernel in float lanes, in another order
        double exact = 0;
        for (float v : a) exact += v;
        float s1 = fast.reduce(ReduceOp.SUM, a, 0, n), s2 = ref.reduce(ReduceOp.SUM, a, 0, n);
        assertEquals((float) exact, s2, 0f, "the reference rounds the double sum once");
        // not asserted bit-equal: float lanes in another order usually round differently (and per vector width)
        assertEquals(exact, s1, 1e-3, "the vector sum is within float32 rounding");
    }

    @Test
    void bytesPerElementAsTheBenchmarkCountsThem() {
        int n = 64 * 1024;
        // reads plus writes, 4 bytes each: a+b reads two and writes one; the row vector is reused from cache;
        // softmax reads x and writes y; its backward reads y and g and writes dx
        Map<String, Long> mine = Map.of("add a+b", 12L, "mul by row vector", 8L, "softmax rows", 8L, "softmax backward", 12L);
        Map<String, Long> bench = MemoryBench.run(n, 1024, 1, 0.0).stream()
                .collect(Collectors.toMap(MemoryBench.Row::kernel, r -> r.bytes() / r.elements()));
        for (var e : mine.entrySet()) assertEquals(e.getValue(), bench.get(e.getKey()), e.getKey());
    }
}
