// Example 04: gradient routing. Clothes (classes 0-4) may only train hidden units 0..31, shoes and bags (5-9) only
// units 32..63; the forward pass is unchanged. Then ablating units 0..31 should erase the clothes and keep the rest.
//   ./sluice example 04 [--short]        (full: 10,000 images, 3 epochs; --short: 3,000, 2 epochs)
import dev.sluice.autograd.GradMode;
import dev.sluice.data.*;
import dev.sluice.io.FashionMnist;
import dev.sluice.methods.routing.*;
import dev.sluice.nn.*;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.*;

public class Main {
    public static void main(String[] args) throws Exception {
        int n = java.util.List.of(args).contains("--short") ? 3000 : 10000, epochs = n > 3000 ? 3 : 2;
        FashionMnist.Split tr = FashionMnist.load(true), te = FashionMnist.load(false);
        TensorDataset train = new TensorDataset(tr.imagesTensor(), tr.labelsTensor()).head(n);
        TensorDataset test = new TensorDataset(te.imagesTensor(), te.labelsTensor());
        // The masks depend on the data: each example gets the mask row of its own label
        LabelRouter router = LabelRouter.builder(10, 64)
                .route(new int[] {0, 1, 2, 3, 4}, Masks.only(64, 0, 32))
                .route(new int[] {5, 6, 7, 8, 9}, Masks.only(64, 32, 64))
                .at("hidden0").build();
        float[] m = router.masks(Tensor.of(new long[] {3, 7}, 2)).get("hidden0").toFloatArray(); // [2, 64]
        System.out.printf("masks: label 3 -> unit 0: %.0f, unit 63: %.0f; label 7 -> unit 0: %.0f, unit 63: %.0f%n",
                m[0], m[63], m[64], m[127]);
        for (boolean routed : new boolean[] {true, false}) {   // the control trains the same model without masks
            Generator gen = new Generator(0);
            MLP model = new MLP(new int[] {784, 64, 10}, Activation.RELU, gen);
            Adam opt = new Adam(model.parameters(), 1e-3);
            for (int e = 0; e < epochs; e++) {
                for (Batch b : new DataLoader(train, 64, true, false, gen)) {
                    opt.zeroGrad();
                    // the masks live for this step's backward; a null resource (the control) is simply skipped
                    try (var scope = routed ? GradientRouting.apply(model, router, b.targets()) : null) {
                        Losses.crossEntropy(model.forward(b.inputs()), b.targets()).backward();
                    }
                    opt.step();
                }
            }
            String before = accuracies(model, test);
            model.ablateHidden(0, 0, 32);                          // zero units 0..31, their weights in and out
            System.out.printf("%-8s clothes / shoes+bags accuracy: before ablation %s, after %s%n",
                    routed ? "routed" : "control", before, accuracies(model, test));
        }
    }

    static String accuracies(MLP model, TensorDataset test) {
        try (var noGrad = GradMode.noGrad()) {
            Tensor hit = model.forward(test.inputs()).argmax(1).eq(test.targets()).to(DType.FLOAT32);
            Tensor clothes = test.targets().lt(5).to(DType.FLOAT32);
            double a = hit.mul(clothes).sum().item() / clothes.sum().item();
            double b = hit.mul(clothes.neg().add(1)).sum().item() / clothes.neg().add(1).sum().item();
            return String.format("%.3f / %.3f", a, b);
        }
    }
}
