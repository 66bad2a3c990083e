package dev.sluice.ops;

import dev.sluice.tensor.Tensor;
import dev.sluice.testing.OpCheck;
import org.junit.jupiter.api.Test;

import static dev.sluice.testing.OpCheck.Domain.AWAY_FROM_ZERO;
import static dev.sluice.testing.OpCheck.Domain.POSITIVE;
import static dev.sluice.testing.OpCheck.op;

/**
 * Every differentiable op through the one helper: float32 forward vs float64 reference, float64 gradients vs finite
 * differences, float32 gradients vs float64 — over contiguous, transposed and strided inputs and broadcasting shapes.
 */
class OpGradientTest {
    @Test
    void unaryOps() {
        op("neg", in -> in[0].neg()).input(3, 4).run();
        op("exp", in -> in[0].exp()).input(3, 4).run();
        op("log", in -> in[0].log()).input(POSITIVE, 3, 4).run();
        op("sqrt", in -> in[0].sqrt()).input(POSITIVE, 3, 4).run();
        op("rsqrt", in -> in[0].rsqrt()).input(POSITIVE, 3, 4).run();
        op("abs", in -> in[0].abs()).input(AWAY_FROM_ZERO, 3, 4).run();
        op("relu", in -> in[0].relu()).input(AWAY_FROM_ZERO, 3, 4).run();
        op("gelu", in -> in[0].gelu()).input(3, 4).run();
        op("gelu_tanh", in -> in[0].geluTanh()).input(3, 4).run();
        op("silu", in -> in[0].silu()).input(3, 4).run();
        op("sigmoid", in -> in[0].sigmoid()).input(3, 4).run();
        op("tanh", in -> in[0].tanh()).input(3, 4).run();
        op("square", in -> in[0].square()).input(3, 4).run();
        op("reciprocal", in -> in[0].reciprocal()).input(AWAY_FROM_ZERO, 3, 4).run();
    }

    @Test
    void binaryOpsWithBroadcasting() {
        op("add", in -> in[0].add(in[1])).input(2, 3, 4).input(3, 1).run();
        op("sub", in -> in[0].sub(in[1])).input(4).input(3, 4).run();
        op("mul", in -> in[0].mul(in[1])).input(2, 1, 4).input(3, 1).run();
        op("div", in -> in[0].div(in[1])).input(3, 4).input(POSITIVE, 4).run();
        op("pow", in -> in[0].pow(in[1])).input(POSITIVE, 3, 4).input(2, 1, 4).run();
        op("maximum", in -> in[0].maximum(in[1])).input(3, 4).input(3, 4).run();
        op("minimum", in -> in[0].minimum(in[1])).input(3, 1).input(1, 4).run();
    }

    @Test
    void scalarAndClampOps() {
        op("add_scalar", in -> in[0].add(2.5).mul(-1.5).sub(0.25).div(4)).input(3, 4).run();
        op("pow_scalar", in -> in[0].pow(3.0)).input(3, 4).run();
        op("pow_half", in -> in[0].pow(0.5)).input(POSITIVE, 3, 4).run();
        op("clamp", in -> in[0].clamp(-0.5, 0.7)).input(3, 4).run();
        op("clamp_min", in -> in[0].clamp(0.1, Double.NaN)).input(3, 4).run();
    }

    @Test
    void selectionOps() {
        Tensor cond = Tensor.of(new boolean[] {true, false, false, true}, 4);
        op("where", in -> Tensor.where(in[2], in[0], in[1])).input(3, 4).input(3, 1).constant(cond).run();
        Tensor mask = Tensor.of(new boolean[] {true, false, true}, 3, 1);
        op("masked_fill", in -> in[0].maskedFill(in[1], -2)).input(3, 4).constant(mask).run();
    }

    @Test
    void reductions() {
        op("sum_all", in -> in[0].sum()).input(3, 4).run();
        op("sum_dims", in -> in[0].sum(new int[] {0, 2}, true)).input(2, 3, 4).run();
        op("sum_dim", in -> in[0].sum(-1)).input(2, 3, 4).run();
        op("mean", in -> in[0].mean(new int[] {1}, false)).input(2, 3, 4).run();
        op("var", in -> in[0].var(new int[] {0, 2}, 1, false)).input(2, 3, 4).run();
        op("var_population", in -> in[0].var(new int[] {1}, 0, true)).input(3, 4).run();
        op("std", in -> in[0].std(new int[] {-1}, 1, false)).input(3, 5).run();
        op("amax", in -> in[0].amax(new int[] {1}, false)).input(3, 4).run();
        op("amin", in -> in[0].amin(new int[] {0, 1}, true)).input(3, 4).run();
        op("max_dim", in -> in[0].max(1, false).values()).input(3, 4).run();
        op("min_dim", in -> in[0].min(0, true).values()).input(3, 4).run();
        op("logsumexp", in -> in[0].logsumexp(new int[] {-1}, false)).input(3, 4).run();
    }

    @Test
    void movementOps() {
        op("reshape", in -> in[0].reshape(4, -1).mul(in[0].reshape(4, 3))).input(3, 4).run();
        op("permute", in -> in[0].permute(2, 0, 1)).input(2, 3, 4).run();
        op("transpose", in -> in[0].transpose(0, 2).contiguous()).input(2, 3, 4).run();
        op("narrow", in -> in[0].narrow(1, 1, 2)).input(3, 4).run();
        op("slice_step", in -> in[0].slice(-1, 1, 5, 2)).input(3, 5).run();
        op("select", in -> in[0].select(0, -1)).input(3, 4).run();
        op("expand", in -> in[0].expand(2, 3, 4)).input(3, 1).run();
        op("squeeze_unsqueeze", in -> in[0].unsqueeze(1).squeeze().unsqueeze(-1)).input(3, 4).run();
        op("flatten", in -> in[0].flatten(1, 2)).input(2, 3, 4).run();
        op("cat", in -> Tensor.cat(1, in[0], in[1])).input(3, 2).input(3, 4).run();
        op("stack", in -> Tensor.stack(0, in[0], in[1])).input(3, 4).input(3, 4).run();
        op("split", in -> in[0].split(2, 1)[1]).input(3, 5).run();
        op("chunk", in -> in[0].chunk(2, 0)[0].mul(2)).input(3, 4).run();
        op("clone", in -> in[0].clone()).input(3, 4).run();
    }

    @Test
    void matmul() {
        op("matmul_2d", in -> in[0].matmul(in[1])).input(3, 4).input(4, 5).run();
        op("matmul_batched_broadcast", in -> in[0].matmul(in[1])).input(2, 3, 4).input(4, 2).run();
        op("matmul_batch_dims", in -> in[0].matmul(in[1])).input(2, 1, 3, 4).input(3, 4, 2).run();
        op("matmul_vector_right", in -> in[0].matmul(in[1])).input(3, 4).input(4).run();
        op("matmul_vector_left", in -> in[0].matmul(in[1])).input(4).input(4, 3).run();
        op("matmul_dot", in -> in[0].matmul(in[1])).input(5).input(5).run();
    }

    @Test
    void linearWithTheBiasFusedIntoTheGemm() {
        op("linear_bias", in -> LinearAlgebra.linear(in[0], in[1], in[2])).input(4, 3).input(5, 3).input(5).run();
        op("linear_batched", in -> LinearAlgebra.linear(in[0], in[1], in[2])).input(2, 3, 4).input(6, 4).input(6).run();
        op("linear_no_bias", in -> LinearAlgebra.linear(in[0], in[1], null)).input(3, 4).input(2, 4).run();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LinearAlgebra.linear(dev.sluice.tensor.Tensor.zeros(2, 3), dev.sluice.tensor.Tensor.zeros(4, 5), null));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("linear") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    @Test
    void linearWithTheReluFusedIntoTheGemm() {
        op("linear_relu", in -> LinearAlgebra.linearRelu(in[0], in[1], in[2])).input(4, 3).input(5, 3).input(5).run();
        op("linear_relu_batched", in -> LinearAlgebra.linearRelu(in[0], in[1], in[2])).input(2, 3, 7).input(13, 7).input(13).run();
        op("linear_relu_no_bias", in -> LinearAlgebra.linearRelu(in[0], in[1], null)).input(1, 4).input(2, 4).run();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LinearAlgebra.linearRelu(dev.sluice.tensor.Tensor.zeros(2, 3), dev.sluice.tensor.Tensor.zeros(4, 3),
                        dev.sluice.tensor.Tensor.zeros(5)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("linear_relu") && e.getMessage().contains("[5]")
                && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void neuralOps() {
        op("softmax", in -> in[0].softmax(-1)).input(3, 5).run();
        op("softmax_dim0", in -> in[0].softmax(0)).input(3, 5).run();
        op("log_softmax", in -> in[0].logSoftmax(-1)).input(2, 3, 5).run();
        Tensor future = Tensor.of(new boolean[] {false, true, true, false, false, false, true, false, false, false,
                false, false, false, false, true}, 3, 5);
        op("masked_softmax", in -> in[0].maskedSoftmax(in[1], -1)).input(2, 3, 5).constant(future).run();
        op("masked_softmax_dim0", in -> in[0].maskedSoftmax(in[1], 0)).input(3, 5).constant(future).run();
        op("layer_norm", in -> NeuralOps.layerNorm(in[0], new int[] {5}, in[1], in[2], 1e-5)).input(3, 5).input(5).input(5).run();
        op("layer_norm_plain", in -> NeuralOps.layerNorm(in[0], new int[] {3, 4}, null, null, 1e-5)).input(2, 3, 4).run();
    }

    @Test
    void indexingOps() {
        Tensor idx = Tensor.of(new long[] {2, 0, 1, 1, 3, 0}, 3, 2);
        op("gather", in -> in[0].gather(1, in[1])).input(3, 4).constant(idx).run();
        Tensor sel = Tensor.of(new long[] {3, 0, 3}, 3);
        op("index_select", in -> in[0].indexSelect(1, in[1])).input(2, 4).constant(sel).run();
        Tensor scatterIdx = Tensor.of(new long[] {0, 2, 2, 1}, 1, 4);
        op("scatter_add", in -> in[0].scatterAdd(0, in[2], in[1])).input(3, 4).input(1, 4).constant(scatterIdx).run();
        Tensor tokens = Tensor.of(new long[] {1, 4, 4, 0}, 2, 2);
        op("embedding", in -> Indexing.embedding(in[0], in[1])).input(5, 3).constant(tokens).run();
    }
}
