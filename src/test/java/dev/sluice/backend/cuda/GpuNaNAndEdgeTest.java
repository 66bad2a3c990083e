package dev.sluice.backend.cuda;

import dev.sluice.ops.LinearAlgebra;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * NaN propagation and edge-point gradients on cuda:0 are PyTorch's, as on the CPU: relu keeps NaN (its kernel and the
 * GEMM's fused epilogue), and pow's gradients at a zero base are finite where PyTorch's are.
 */
class GpuNaNAndEdgeTest {
    private static final Device GPU = Device.cuda(0);

    @BeforeEach
    void gpu() { GpuRequirement.require(); }

    @Test
    void reluKeepsNaN() {
        // PyTorch: torch.relu(torch.tensor([nan, -1., 2.], device='cuda')) is [nan, 0., 2.]
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.of(new double[] {Double.NaN, -1, 2, -0.0}, 4).to(dt).to(GPU).requiresGrad(true);
            Tensor y = x.relu();
            double[] v = y.toDoubleArray();
            assertTrue(Double.isNaN(v[0]), dt + " relu(NaN)");
            assertArrayEquals(new double[] {0, 2, 0}, new double[] {v[1], v[2], v[3]});
            y.sum().backward();
            // threshold_backward: x <= 0 ? 0 : grad, so the NaN element passes its gradient
            assertArrayEquals(new double[] {1, 0, 1, 0}, x.grad().toDoubleArray());
        }
        // the GEMM's fused ReLU: a NaN in row 0 of x makes row 0 of the output NaN
        Tensor x = Tensor.of(new float[] {Float.NaN, 1, 1, 2}, 2, 2).to(GPU);
        Tensor w = Tensor.of(new float[] {1, -1, -1, 1}, 2, 2).to(GPU);
        float[] out = LinearAlgebra.linearRelu(x, w, null).toFloatArray();
        assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]), "fused relu keeps NaN: " + java.util.Arrays.toString(out));
        assertArrayEquals(new float[] {0, 1}, new float[] {out[2], out[3]});
    }

    @Test
    void powGradientsAtAZeroBase() {
        // PyTorch pow_backward: zeros for a zero scalar exponent; pow_backward_exponent: 0 where base == 0 and
        // exponent >= 0
        Tensor x = Tensor.of(new float[] {0, 3}, 2).to(GPU).requiresGrad(true);
        x.pow(0.0).sum().backward();
        assertArrayEquals(new float[] {0, 0}, x.grad().toFloatArray());
        Tensor a = Tensor.of(new float[] {0, 0, 2}, 3).to(GPU).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {0, 2, 3}, 3).to(GPU).requiresGrad(true);
        a.pow(b).sum().backward();
        assertArrayEquals(new float[] {0, 0, 12}, a.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {0, 0, (float) (8 * Math.log(2))}, b.grad().toFloatArray(), 1e-5f);
    }
}
