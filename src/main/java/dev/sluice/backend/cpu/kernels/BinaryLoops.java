package dev.sluice.backend.cpu.kernels;

import dev.sluice.backend.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Contiguous loops for {@link VectorFloat32Kernels#binary}: whole unmasked vectors, then one masked vector for the
 * ragged end. A broadcast (stride-0) operand is broadcast once, before the loop.
 */
final class BinaryLoops {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private BinaryLoops() {}

    // add: a[n], b[n] -> out[n] = a + b
    static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOff + i, m).add(FloatVector.fromArray(S, b, bOff + i, m)).intoArray(out, oOff + i, m);
        }
    }

    // mul: a[n], b[n] -> out[n] = a · b
    static void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOff + i, m).mul(FloatVector.fromArray(S, b, bOff + i, m)).intoArray(out, oOff + i, m);
        }
    }

    // general: a[n], b[n] -> out[n] = op(a, b)
    static void general(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorFloat32Kernels.binary(op, FloatVector.fromArray(S, a, aOff + i), FloatVector.fromArray(S, b, bOff + i))
                    .intoArray(out, oOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorFloat32Kernels.binary(op, FloatVector.fromArray(S, a, aOff + i, m), FloatVector.fromArray(S, b, bOff + i, m))
                    .intoArray(out, oOff + i, m);
        }
    }

    // scalarRight: a[n], scalar b -> out[n] = op(a, b)
    static void scalarRight(BinaryOp op, float[] a, int aOff, float b, float[] out, int oOff, int n) {
        FloatVector bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorFloat32Kernels.binary(op, FloatVector.fromArray(S, a, aOff + i), bv).intoArray(out, oOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorFloat32Kernels.binary(op, FloatVector.fromArray(S, a, aOff + i, m), bv).intoArray(out, oOff + i, m);
        }
    }

    // scalarLeft: scalar a, b[n] -> out[n] = op(a, b)
    static void scalarLeft(BinaryOp op, float a, float[] b, int bOff, float[] out, int oOff, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += V) {
            VectorFloat32Kernels.binary(op, av, FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorFloat32Kernels.binary(op, av, FloatVector.fromArray(S, b, bOff + i, m)).intoArray(out, oOff + i, m);
        }
    }
}
