package dev.sluice.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void basics() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 0, 1}, 3);
        Tensor c = a.mul(b).add(1).relu().sum();
        c.backward();
        assertEquals(2 + 1 + 4 + 5 + 1 + 7, c.item(), 1e-6);
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1}, a.grad().toFloatArray());
        Tensor m = a.detach().matmul(a.detach().t());
        assertArrayEquals(new float[] {14, 32, 32, 77}, m.toFloatArray());
        System.out.println(m);
        System.out.println(a.softmax(1));
    }
}
