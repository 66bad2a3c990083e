package dev.sluice.ops;

import dev.sluice.autograd.OpTrace;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused masked softmax gives the bits of masked_fill(−∞) followed by softmax, forward and backward: attention
 * switched to it, and every seeded run (and the README's reproductions) must stay bit-identical.
 */
class MaskedSoftmaxTest {

    /** Output and input gradient of fn(x) under the upstream gradient w, as raw bits. */
    private static int[][] run(Tensor x0, Tensor w, java.util.function.Function<Tensor, Tensor> fn) {
        Tensor x = x0.detach().requiresGrad(true);
        Tensor p = fn.apply(x);
        p.mul(w).sum().backward();
        return new int[][] {bits(p.detach().toFloatArray()), bits(x.grad().toFloatArray())};
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    private static Tensor causal(int t) {
        boolean[] m = new boolean[t * t];
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) m[i * t + j] = true;
        return Tensor.of(m, t, t);
    }

    private static void assertSameBits(Tensor x, Tensor mask, String what) {
        Tensor w = Tensor.randn(new Generator(3), DType.FLOAT32, x.shape());
        int[][] fused = run(x, w, t -> t.maskedSoftmax(mask, -1));
        int[][] composite = run(x, w, t -> t.maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(-1));
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < fused[k].length; i++) {
                assertEquals(composite[k][i], fused[k][i], what + (k == 0 ? " output" : " gradient") + " at " + i);
            }
        }
    }

    @Test
    void causalAndPaddingMasksGiveTheCompositesBits() {
        Generator gen = new Generator(11);
        // attention's shapes: a causal [T, T] mask broadcast over batch and heads; T off the vector length too
        for (int t : new int[] {1, 13, 64}) {
            assertSameBits(Tensor.randn(gen, DType.FLOAT32, 3, 2, t, t).mul(4), causal(t), "causal T=" + t);
        }
        // a padding mask [B, 1, 1, Tk] and a full-shape random mask, with a non-contiguous input
        boolean[] pad = new boolean[2 * 37];
        for (int j = 30; j < 37; j++) pad[j] = true;
        for (int j = 33; j < 37; j++) pad[37 + j] = true;
        assertSameBits(Tensor.randn(gen, DType.FLOAT32, 2, 3, 5, 37), Tensor.of(pad, 2, 1, 1, 37), "padding");
        Tensor full = Tensor.rand(gen, DType.FLOAT32, 4, 9, 21).gt(0.7);
        assertSameBits(Tensor.randn(gen, DType.FLOAT32, 4, 21, 9).transpose(1, 2), full, "random mask, transposed input");
    }

    @Test
    void aRowMaskedEverywhereIsNaNAsInTheComposite() {
        Tensor x = Tensor.randn(new Generator(12), DType.FLOAT32, 2, 4);
        Tensor mask = Tensor.of(new boolean[] {true, true, true, true, false, true, false, false}, 2, 4);
        float[] p = x.maskedSoftmax(mask, -1).toFloatArray();
        for (int j = 0; j < 4; j++) assertTrue(Float.isNaN(p[j]), "row 0 is masked everywhere: NaN at " + j);
        assertEquals(0f, p[5]);
        assertEquals(1f, p[4] + p[6] + p[7], 1e-6);
    }

    @Test
    void otherDimsAndDtypesTakeTheCompositeAndBadMasksAreRefused() {
        Generator gen = new Generator(13);
        Tensor mask = causal(6);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 6, 6);
        assertEquals(x.maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(0).toString(), x.maskedSoftmax(mask, 0).toString());
        Tensor x64 = x.to(DType.FLOAT64);
        assertEquals(x64.maskedFill(mask, Double.NEGATIVE_INFINITY).softmax(-1).toString(), x64.maskedSoftmax(mask, -1).toString());
        IllegalArgumentException notBool = assertThrows(IllegalArgumentException.class, () -> x.maskedSoftmax(Tensor.ones(6, 6), -1));
        assertTrue(notBool.getMessage().contains("masked_softmax") && notBool.getMessage().contains("bool"), notBool.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> x.maskedSoftmax(causal(3), -1));
        assertTrue(shape.getMessage().contains("masked_softmax") && shape.getMessage().contains("[3, 3]"), shape.getMessage());
        IllegalArgumentException grows = assertThrows(IllegalArgumentException.class,
                () -> x.maskedSoftmax(Tensor.zeros(DType.BOOL, 2, 6, 6), -1));
        assertTrue(grows.getMessage().contains("[2, 6, 6]") && grows.getMessage().contains("[6, 6]"), grows.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(4).maskedSoftmax(causal(2).reshape(4), -1));
    }

    @Test
    void isOneOpWithOneKernelEachWay() {
        Tensor x = Tensor.randn(new Generator(14), DType.FLOAT32, 2, 8, 8).requiresGrad(true);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (var trace = OpTrace.enable(2, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            x.maskedSoftmax(causal(8), -1).sum().backward();
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("fwd masked_softmax") && out.contains("bwd masked_softmax"), out);
        assertTrue(!out.contains("where") && !out.contains("masked_fill"), "no masked copy is made:\n" + out);
    }
}
