package dev.sluice.experiments.routing;

import dev.sluice.autograd.GradMode;
import dev.sluice.data.Batch;
import dev.sluice.data.DataLoader;
import dev.sluice.data.TensorDataset;
import dev.sluice.experiments.plot.ImageGrid;
import dev.sluice.experiments.plot.Png;
import dev.sluice.io.FashionMnist;
import dev.sluice.methods.routing.GradientRouting;
import dev.sluice.methods.routing.LabelRouter;
import dev.sluice.methods.routing.Masks;
import dev.sluice.methods.routing.RouteScope;
import dev.sluice.nn.Losses;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reproduction 1 of gradient routing (papers.md §1.5): split a Fashion-MNIST autoencoder's latent by class group.
 * Group A's images send gradient only into the first half of the latent, group B's only into the second; a control
 * run is identical with an all-ones mask. Certificate decoders, trained on the detached halves, then show what each
 * half encodes: ρ_h = certificate MAE on the other group / on its own group.
 */
public final class PartitionedAutoencoder {
    /** Run settings; the defaults are the note's (10 epochs, batch 256, Adam lr 1e-3 with L2 5e-5, L1 3e-3 on z). */
    public record Config(Path dataDir, int[] groupA, int epochs, int batchSize, double lr, double l2, double latentL1,
                         long seed, int trainLimit, int testLimit) {
        public Config {
            groupA = groupA.clone();
            if (groupA.length == 0 || groupA.length >= 10) {
                throw new IllegalArgumentException("group A must hold between 1 and 9 of the 10 classes, got " + Arrays.toString(groupA));
            }
            for (int c : groupA) if (c < 0 || c > 9) throw new IllegalArgumentException("class " + c + " outside 0..9");
            if (epochs <= 0 || batchSize <= 0) throw new IllegalArgumentException("epochs and batch size must be positive");
        }

        public static Config defaults() {
            return new Config(FashionMnist.defaultDirectory(), new int[] {0, 1, 2, 3, 4}, 10, 256, 1e-3, 5e-5, 3e-3, 0, 0, 0);
        }

        public Config withEpochs(int e) { return new Config(dataDir, groupA, e, batchSize, lr, l2, latentL1, seed, trainLimit, testLimit); }
        public Config withLimits(int train, int test) { return new Config(dataDir, groupA, epochs, batchSize, lr, l2, latentL1, seed, train, test); }
        public Config withSeed(long s) { return new Config(dataDir, groupA, epochs, batchSize, lr, l2, latentL1, s, trainLimit, testLimit); }
        public Config withGroupA(int[] a) { return new Config(dataDir, a, epochs, batchSize, lr, l2, latentL1, seed, trainLimit, testLimit); }

        boolean inA(int label) {
            for (int c : groupA) if (c == label) return true;
            return false;
        }
    }

    /** Test-set numbers of one trained model. mae[g] is per group (0 = A, 1 = B); certMae[h][g] per certificate h. */
    public record Evaluation(double[] decoderMae, double[][] certMae, double finalLoss) {
        /** ρ_h = MAE of certificate h on the other group / on its own group (h = 0 owns A, h = 1 owns B). */
        public double rho(int h) { return certMae[h][1 - h] / certMae[h][h]; }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rho", List.of(rho(0), rho(1)));
            m.put("decoder_mae", Map.of("A", decoderMae[0], "B", decoderMae[1]));
            m.put("cert_mae", List.of(Map.of("A", certMae[0][0], "B", certMae[0][1]), Map.of("A", certMae[1][0], "B", certMae[1][1])));
            m.put("final_train_loss", finalLoss);
            return m;
        }
    }

    /** Routed and control results with the note's pass criteria evaluated on them. */
    public record Result(Config config, Evaluation routed, Evaluation control, double seconds) {
        public boolean rhoAtLeast130() { return routed.rho(0) >= 1.30 && routed.rho(1) >= 1.30; }
        public boolean rhoGainAtLeast030() { return routed.rho(0) - control.rho(0) >= 0.30 && routed.rho(1) - control.rho(1) >= 0.30; }
        public boolean decoderWithin115() {
            return routed.decoderMae()[0] <= 1.15 * control.decoderMae()[0] && routed.decoderMae()[1] <= 1.15 * control.decoderMae()[1];
        }
        public boolean passed() { return rhoAtLeast130() && rhoGainAtLeast030() && decoderWithin115(); }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", "gradient-routing-partitioned-autoencoder");
            m.put("group_a", Arrays.stream(config.groupA()).boxed().toList());
            m.put("epochs", config.epochs());
            m.put("batch_size", config.batchSize());
            m.put("seed", config.seed());
            m.put("train_limit", config.trainLimit());
            m.put("routed", routed.toJson());
            m.put("control", control.toJson());
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("rho_routed_at_least_1.30", rhoAtLeast130());
            c.put("rho_gain_over_control_at_least_0.30", rhoGainAtLeast030());
            c.put("decoder_mae_within_1.15x_control", decoderWithin115());
            c.put("passed", passed());
            m.put("criteria", c);
            m.put("note_reference", Map.of("routed_rho", List.of(1.84, 1.50), "control_rho", List.of(1.14, 0.85),
                    "routed_decoder_mae", List.of(0.161, 0.180), "control_decoder_mae", List.of(0.156, 0.179)));
            m.put("seconds", seconds);
            return m;
        }
    }

    /** Progress of one epoch of one run. */
    public record Progress(String run, int epoch, double loss, double seconds) {}

    private PartitionedAutoencoder() {}

    /** Trains the routed model and the control on the same data and seed, evaluates both; optionally writes the PNG. */
    public static Result run(Config cfg, Path figure, Consumer<Progress> progress) throws IOException {
        TensorDataset train = dataset(FashionMnist.load(cfg.dataDir(), true), cfg.trainLimit());
        TensorDataset test = dataset(FashionMnist.load(cfg.dataDir(), false), cfg.testLimit());
        long start = System.nanoTime();
        Trained routed = train(cfg, train, true, progress);
        Trained control = train(cfg, train, false, progress);
        Evaluation er = evaluate(routed.model(), test, cfg, routed.finalLoss());
        Evaluation ec = evaluate(control.model(), test, cfg, control.finalLoss());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (figure != null) Png.write(figure(routed.model(), control.model(), test, cfg).render(
                "Fashion-MNIST autoencoder, latent split by class group A=" + Arrays.toString(cfg.groupA()) + ": routed vs control"), figure);
        return new Result(cfg, er, ec, seconds);
    }

    /** A trained model and its last epoch's mean training loss. */
    record Trained(PartitionedAutoencoderModel model, double finalLoss) {}

    /** The router: group A → [1₁₆, 0₁₆], group B → [0₁₆, 1₁₆] at the {@code latent} hook point. */
    public static LabelRouter router(Config cfg) {
        int[] a = cfg.groupA();
        int[] b = java.util.stream.IntStream.range(0, 10).filter(c -> !cfg.inA(c)).toArray();
        int w = PartitionedAutoencoderModel.LATENT, h = PartitionedAutoencoderModel.HALF;
        return LabelRouter.builder(10, w).route(a, Masks.only(w, 0, h)).route(b, Masks.only(w, h, w)).at("latent").build();
    }

    /** The training loss of one batch: decoder MAE + L1 on z + both certificates' MAE (one backward for all). */
    public static Tensor loss(PartitionedAutoencoderModel model, Tensor x, double latentL1) {
        Tensor z = model.encode(x);
        Tensor loss = Losses.l1(model.decode(z), x).add(z.abs().sum(1).mean().mul(latentL1));
        for (int h = 0; h < 2; h++) loss = loss.add(Losses.l1(model.certify(h, z), x));
        return loss;
    }

    static Trained train(Config cfg, TensorDataset data, boolean routed, Consumer<Progress> progress) {
        Generator gen = new Generator(cfg.seed());
        PartitionedAutoencoderModel model = new PartitionedAutoencoderModel(data.inputs().size(1), gen);
        Adam opt = Adam.withL2(model.parameters(), cfg.lr(), cfg.l2());
        LabelRouter router = router(cfg);
        DataLoader loader = new DataLoader(data, cfg.batchSize(), true, false, gen);
        double lastLoss = Double.NaN;
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double sum = 0;
            int n = 0;
            for (Batch batch : loader) {
                opt.zeroGrad();
                Tensor loss;
                // the control installs nothing: an all-ones mask is bit-identical to no routing (tested)
                try (RouteScope ignored = routed ? GradientRouting.apply(model, router, batch.targets()) : GradientRouting.apply(model, Map.of())) {
                    loss = loss(model, batch.inputs(), cfg.latentL1());
                }
                loss.backward();
                opt.step();
                sum += loss.item() * batch.size();
                n += batch.size();
            }
            lastLoss = sum / n;
            progress.accept(new Progress(routed ? "routed" : "control", epoch, sum / n, (System.nanoTime() - t0) / 1e9));
        }
        return new Trained(model, lastLoss);
    }

    /** Per-group mean (over images) of the per-image mean absolute pixel error, for the decoder and each certificate. */
    static Evaluation evaluate(PartitionedAutoencoderModel model, TensorDataset test, Config cfg, double finalLoss) {
        double[] dec = new double[2];
        double[][] cert = new double[2][2];
        long[] count = new long[2];
        model.eval();
        try (var ignored = GradMode.noGrad()) {
            for (Batch batch : new DataLoader(test, 1000, false, false, null)) {
                Tensor x = batch.inputs();
                Tensor z = model.encode(x);
                double[] d = perImageMae(model.decode(z), x);
                double[][] c = {perImageMae(model.certify(0, z), x), perImageMae(model.certify(1, z), x)};
                long[] labels = batch.targets().to(dev.sluice.tensor.DType.INT64).toLongArray();
                for (int i = 0; i < labels.length; i++) {
                    int g = cfg.inA((int) labels[i]) ? 0 : 1;
                    count[g]++;
                    dec[g] += d[i];
                    cert[0][g] += c[0][i];
                    cert[1][g] += c[1][i];
                }
            }
        }
        model.train();
        for (int g = 0; g < 2; g++) {
            dec[g] /= count[g];
            cert[0][g] /= count[g];
            cert[1][g] /= count[g];
        }
        return new Evaluation(dec, cert, finalLoss);
    }

    private static ImageGrid figure(PartitionedAutoencoderModel routed, PartitionedAutoencoderModel control, TensorDataset test, Config cfg) {
        // six test images of each group, A first
        long[] labels = test.targets().toLongArray();
        List<Integer> pick = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            int taken = 0;
            for (int i = 0; i < labels.length && taken < 6; i++) {
                if ((cfg.inA((int) labels[i]) ? 0 : 1) == g) {
                    pick.add(i);
                    taken++;
                }
            }
        }
        Tensor x = test.inputs().indexSelect(0, Tensor.of(pick.stream().mapToLong(Integer::longValue).toArray(), pick.size()));
        ImageGrid grid = new ImageGrid(28, 28, 2, -1, 1).row("input (6 A, 6 B)", rows(x));
        try (var ignored = GradMode.noGrad()) {
            for (var e : Map.of("routed", routed, "control", control).entrySet().stream().sorted(Map.Entry.<String, PartitionedAutoencoderModel>comparingByKey().reversed()).toList()) {
                PartitionedAutoencoderModel m = e.getValue();
                Tensor z = m.encode(x);
                grid.row(e.getKey() + ": decoder", rows(m.decode(z)));
                grid.row(e.getKey() + ": cert z[0:16] (A)", rows(m.certify(0, z)));
                grid.row(e.getKey() + ": cert z[16:32] (B)", rows(m.certify(1, z)));
            }
        }
        return grid;
    }

    private static double[] perImageMae(Tensor pred, Tensor x) { return pred.sub(x).abs().mean(1).toDoubleArray(); }

    private static float[][] rows(Tensor images) {
        int n = images.size(0), d = images.size(1);
        float[] all = images.contiguous().toFloatArray();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = Arrays.copyOfRange(all, i * d, (i + 1) * d);
        return out;
    }

    /** Pixels scaled to [−1, 1], flattened to [N, 784]; labels int64. */
    static TensorDataset dataset(FashionMnist.Split split, int limit) {
        int n = limit == 0 ? split.count() : Math.min(limit, split.count());
        Tensor images = split.imagesTensor().narrow(0, 0, n).mul(2.0).sub(1.0).contiguous();
        return new TensorDataset(images, split.labelsTensor().narrow(0, 0, n).contiguous());
    }
}
