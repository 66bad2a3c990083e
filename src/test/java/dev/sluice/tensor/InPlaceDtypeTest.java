package dev.sluice.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** In-place ops refuse results their target's dtype cannot hold, instead of truncating them silently. */
class InPlaceDtypeTest {
    private static void assertMessage(Throwable t, String... parts) {
        for (String p : parts) assertTrue(t.getMessage().contains(p), "message should contain '" + p + "': " + t.getMessage());
    }

    @Test
    void floatResultsCannotBeWrittenIntoIntegerTargets() {
        // PyTorch: torch.arange(5).div_(torch.full((), 2)) raises "result type Float can't be cast to the desired
        // output type Long": div is true division, so its result is float even for two integer operands.
        Tensor ints = Tensor.arange(5);
        var e = assertThrows(IllegalArgumentException.class, () -> ints.div_(Tensor.full(2, DType.INT64, 5)));
        assertMessage(e, "div_", "result type float32", "int64", "[5]");
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, ints.toLongArray(), "the target is left unchanged");
        // PyTorch: torch.arange(3).add_(torch.tensor(0.5)) raises the same (a float operand promotes the result)
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).add_(Tensor.scalar(0.5)));
        assertMessage(e, "add_", "float32", "int64");
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).sub_(Tensor.ones(3)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).mul_(0.5));
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).add_(Tensor.arange(3), 0.5));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT32, 3).mul_(Tensor.ones(DType.FLOAT64, 3)));
    }

    @Test
    void boolTargetsTakeOnlyBoolResults() {
        // PyTorch: canCast(Long, Bool) is false: torch.zeros(2, dtype=torch.bool).add_(torch.ones(2, dtype=torch.long)) raises
        Tensor mask = Tensor.zeros(DType.BOOL, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> mask.add_(Tensor.ones(DType.INT64, 2)));
        assertMessage(e, "add_", "int64", "bool");
        assertThrows(IllegalArgumentException.class, () -> mask.mul_(2));
        assertArrayEquals(new boolean[] {true, true}, mask.add_(Tensor.ones(DType.BOOL, 2)).toBooleanArray());
    }

    @Test
    void castsThatKeepTheMeaningStillWork() {
        // PyTorch: an integer result may be written into a float target, int64 into int32, float64 into float32
        assertArrayEquals(new float[] {1, 2, 3}, Tensor.ones(3).add_(Tensor.arange(3)).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0.5f}, Tensor.ones(2).div_(Tensor.full(2, DType.INT64, 2)).toFloatArray());
        assertArrayEquals(new int[] {2, 3}, Tensor.of(new int[] {1, 2}).add_(Tensor.ones(DType.INT64, 2)).toIntArray());
        assertArrayEquals(new float[] {2, 2}, Tensor.ones(2).mul_(Tensor.full(2, DType.FLOAT64, 2)).toFloatArray());
        assertArrayEquals(new long[] {0, 2, 4}, Tensor.arange(3).mul_(2).toLongArray());
    }

    @Test
    void copyAndFillCastButRefuseValuesAnIntegerCannotHold() {
        // PyTorch: copy_ and fill_ cast (fractions truncate)...
        assertArrayEquals(new long[] {1, 1}, Tensor.zeros(DType.INT64, 2).copy_(Tensor.full(1.7, 2)).toLongArray());
        assertArrayEquals(new long[] {2, 2}, Tensor.zeros(DType.INT64, 2).fill_(2.9).toLongArray());
        // ...but torch.zeros(2, dtype=torch.long).fill_(float('nan')) raises "value cannot be converted to type
        // int64_t without overflow" (c10::checked_convert), and so do infinities and out-of-range values.
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT64, 2).fill_(Double.NaN));
        assertMessage(e, "fill_", "NaN", "int64");
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT32, 2).fill_(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT32, 2).fill_(3e9));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT64, 2).fill_(1e19));
        assertThrows(IllegalArgumentException.class, () -> Tensor.full(Double.NaN, DType.INT64, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.INT64, 2).maskedFill_(Tensor.ones(DType.BOOL, 2), Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.INT32, 2).maskedFill(Tensor.ones(DType.BOOL, 2), Double.POSITIVE_INFINITY));
        assertArrayEquals(new long[] {Long.MIN_VALUE}, Tensor.zeros(DType.INT64, 1).fill_(-0x1p63).toLongArray());
        assertArrayEquals(new int[] {Integer.MAX_VALUE}, Tensor.zeros(DType.INT32, 1).fill_(Integer.MAX_VALUE).toIntArray());
        // a float target takes anything
        assertTrue(Double.isNaN(Tensor.zeros(2).fill_(Double.NaN).toFloatArray()[0]));
    }

    @Test
    void outOfPlaceOpsWithLargeScalarsWidenInsteadOfOverflowing() {
        // PyTorch: torch.arange(2) + 1e20 is a float tensor (the scalar is a Python float)
        Tensor r = Tensor.arange(2).add(1e20);
        assertEquals(DType.FLOAT32, r.dtype());
        assertEquals(1e20, r.toDoubleArray()[1], 1e13);
    }
}
