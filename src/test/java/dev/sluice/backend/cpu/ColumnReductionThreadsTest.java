package dev.sluice.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A bias gradient sums a [tokens, features] gradient over its rows; the columns are shared out between threads, and
 * each column must still be the same in-order sum over the rows, whatever the thread count.
 */
class ColumnReductionThreadsTest {
    @Test
    void columnSumsAreBitIdenticalOnOneAndManyThreadsAndMatchADoubleSum() {
        int rows = 2048, cols = 384 + 5;
        Tensor g = Tensor.randn(new Generator(9), DType.FLOAT32, rows, cols);
        float[] one, many;
        try (var limit = Parallel.limitThreads(1)) {
            one = g.sum(0).toFloatArray();
        }
        many = g.sum(0).toFloatArray();
        float[] x = g.toFloatArray();
        for (int j = 0; j < cols; j++) {
            assertEquals(Float.floatToRawIntBits(one[j]), Float.floatToRawIntBits(many[j]), "column " + j);
            double exact = 0;
            for (int i = 0; i < rows; i++) exact += x[i * cols + j];
            assertEquals(exact, many[j], 1e-3, "column " + j);
        }
    }
}
