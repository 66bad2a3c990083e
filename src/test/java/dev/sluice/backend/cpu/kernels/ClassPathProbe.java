package dev.sluice.backend.cpu.kernels;

import dev.sluice.tensor.Tensor;
import java.util.Arrays;

/**
 * Child-process main for {@link ClassPathFallbackTest}: runs a float32 matmul through the public tensor API on a
 * plain class path (no jdk.incubator.vector) and prints which kernels were used and the result.
 */
public final class ClassPathProbe {
    private ClassPathProbe() {}

    public static void main(String[] args) {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        float[] c = a.matmul(b).toFloatArray();
        // a second product, after the kernels were chosen, must not warn again
        float[] d = a.matmul(b).toFloatArray();
        System.out.println("kernels=" + KernelDispatch.float32().name());
        System.out.println("result=" + Arrays.toString(c));
        System.out.println("again=" + Arrays.toString(d));
    }
}
