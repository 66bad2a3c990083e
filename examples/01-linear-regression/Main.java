// Example 01: linear regression, twice.
//   ./sluice example 01 [--short]
// First from scratch — a weight tensor, a bias tensor, the loss written out, backward() and a hand-written update —
// then the same fit with nn.Linear, Losses.mse and optim.SGD, to show what those three classes do for you.
import dev.sluice.autograd.GradMode;
import dev.sluice.nn.Linear;
import dev.sluice.nn.Losses;
import dev.sluice.optim.SGD;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Arrays;

public class Main {
    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--short");
        int steps = quick ? 50 : 200;      // it converges in ~30 steps; the full run just watches it settle
        Generator gen = new Generator(0);

        // Data: y = x·[3, -2, 0.5]ᵀ + 1 plus a little noise. x is [N, 3], y is [N, 1].
        Tensor trueW = Tensor.of(new float[] {3, -2, 0.5f}, 3, 1);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 512, 3);
        Tensor y = x.matmul(trueW).add(1.0).add(Tensor.randn(gen, DType.FLOAT32, 512, 1).mul(0.1));

        // --- 1. From scratch: parameters are leaf tensors that require grad ---
        Tensor w = Tensor.zeros(3, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);
        double lr = 0.1;
        for (int step = 0; step <= steps; step++) {
            Tensor pred = x.matmul(w).add(b);                 // [N, 1]; each op records a node of the backward graph
            Tensor loss = pred.sub(y).square().mean();         // mean squared error, a scalar
            w.setGrad(null);                                   // gradients accumulate: clear them before each backward
            b.setGrad(null);
            loss.backward();                                   // fills w.grad() and b.grad()
            try (var noGrad = GradMode.noGrad()) {             // the update itself must not be recorded
                w.sub_(w.grad().mul(lr));
                b.sub_(b.grad().mul(lr));
            }
            if (step % (steps / 5) == 0) System.out.printf("scratch step %4d  loss %.5f%n", step, loss.item());
        }
        System.out.println("scratch w = " + fmt(w) + "  b = " + fmt(b) + "   (true: [3.000, -2.000, 0.500], 1.000)");

        // --- 2. The same with the library: Linear holds w and b, SGD does the update, Losses.mse the loss ---
        Linear model = new Linear(3, 1, true, gen);
        SGD opt = new SGD(model.parameters(), lr);
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step <= steps; step++) {
            Tensor loss = Losses.mse(model.forward(x), y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
            if (step % (steps / 5) == 0) System.out.printf("library step %4d  loss %.5f%n", step, loss.item());
        }
        // Linear stores its weight as [out, in] (PyTorch's layout), here [1, 3]
        System.out.println("library w = " + fmt(model.weight()) + "  b = " + fmt(model.bias()));
        System.out.printf("library loss %.5f -> %.5f%n", first, last);
    }

    static String fmt(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        for (float v : t.toFloatArray()) sb.append(sb.length() > 1 ? ", " : "").append(String.format("%.3f", v));
        return sb.append("]").toString();
    }
}
