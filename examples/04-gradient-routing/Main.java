// Example 04: gradient routing. Clothes (T-shirt, trouser, pullover, dress, coat, shirt) may only train hidden units
// 0..31, shoes and bags (sandal, sneaker, bag, ankle boot) only units 32..63; the forward pass is unchanged. Ablating
// one half then erases the group routed there, while in an unrouted model either half costs both groups a little.
// The other group suffers too: the output layer is trained on every example, so it reads every unit.
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
                .route(new int[] {0, 1, 2, 3, 4, 6}, Masks.only(64, 0, 32))
                .route(new int[] {5, 7, 8, 9}, Masks.only(64, 32, 64))
                .at("hidden0").build();
        float[] m = router.masks(Tensor.of(new long[] {3, 7}, 2)).get("hidden0").toFloatArray(); // [2, 64]
        System.out.printf("masks: dress (3) -> unit 0: %.0f, unit 63: %.0f; sneaker (7) -> unit 0: %.0f, unit 63: %.0f%n",
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
            MLP noClothesUnits = model.deepCopy(), noShoeUnits = model.deepCopy();
            noClothesUnits.ablateHidden(0, 0, 32);                 // zero units 0..31: their weights in and out
            noShoeUnits.ablateHidden(0, 32, 64);
            System.out.printf("%-8s clothes / shoes+bags accuracy: intact %s, units 0..31 ablated %s, units 32..63 ablated %s%n",
                    routed ? "routed" : "control", accuracies(model, test), accuracies(noClothesUnits, test), accuracies(noShoeUnits, test));
        }
    }

    static String accuracies(MLP model, TensorDataset test) {
        try (var noGrad = GradMode.noGrad()) {
            Tensor hit = model.forward(test.inputs()).argmax(1).eq(test.targets()).to(DType.FLOAT32);
            Tensor y = test.targets(), clothes = y.lt(5).logicalOr(y.eq(6)).to(DType.FLOAT32);
            double a = hit.mul(clothes).sum().item() / clothes.sum().item();
            double b = hit.mul(clothes.neg().add(1)).sum().item() / clothes.neg().add(1).sum().item();
            return String.format("%.3f / %.3f", a, b);
        }
    }
}
