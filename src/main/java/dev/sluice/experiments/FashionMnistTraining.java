package dev.sluice.experiments;

import dev.sluice.autograd.GradMode;
import dev.sluice.data.Batch;
import dev.sluice.data.DataLoader;
import dev.sluice.data.TensorDataset;
import dev.sluice.io.FashionMnist;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.AdamW;
import dev.sluice.optim.LrSchedule;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The main job: an MLP (784-512-256-10, ReLU) trained with AdamW (cosine learning-rate decay) on Fashion-MNIST,
 * evaluated on the 10,000 test images after every epoch. Everything random (initialisation, shuffling) comes from
 * one seed, so a run is reproducible.
 */
public final class FashionMnistTraining {
    /** Pixel mean and standard deviation of the Fashion-MNIST training set, used to standardise inputs. */
    private static final double PIXEL_MEAN = 0.2860, PIXEL_STD = 0.3530;

    /**
     * @param trainLimit use only the first N training images (0 = all); for quick runs and CI
     * @param testLimit  evaluate on only the first N test images (0 = all)
     * @param device     where the model trains: the data stays on the CPU and each batch is copied there
     */
    public record Config(Path dataDir, int epochs, int batchSize, double lr, double weightDecay, long seed,
                         int trainLimit, int testLimit, int[] hiddenSizes, Device device) {
        public Config {
            if (epochs <= 0) throw new IllegalArgumentException("epochs must be positive, got " + epochs);
            if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
            if (trainLimit < 0 || testLimit < 0) throw new IllegalArgumentException("limits must be >= 0");
            java.util.Objects.requireNonNull(device, "device");
        }

        /** The defaults of {@code sluice train fashion-mnist}. */
        public static Config defaults() {
            return new Config(FashionMnist.defaultDirectory(), 5, 128, 1e-3, 1e-4, 0, 0, 0, new int[] {512, 256}, Device.CPU);
        }

        public Config withEpochs(int e) { return new Config(dataDir, e, batchSize, lr, weightDecay, seed, trainLimit, testLimit, hiddenSizes, device); }
        public Config withLimits(int train, int test) { return new Config(dataDir, epochs, batchSize, lr, weightDecay, seed, train, test, hiddenSizes, device); }
        public Config withHiddenSizes(int... sizes) { return new Config(dataDir, epochs, batchSize, lr, weightDecay, seed, trainLimit, testLimit, sizes, device); }
        public Config withDevice(Device d) { return new Config(dataDir, epochs, batchSize, lr, weightDecay, seed, trainLimit, testLimit, hiddenSizes, d); }
    }

    /** One epoch's numbers: mean training loss and accuracy over the epoch's batches, test accuracy at its end. */
    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testAccuracy,
                             double seconds, double examplesPerSecond) {}

    /**
     * Where the training loss first went NaN or infinite: the epoch (from 1), the step within it (from 1), the step
     * over the whole run (from 1) and the loss. Training stops there, before that step's update.
     */
    public record Divergence(int epoch, int step, int globalStep, double loss) {}

    /**
     * The whole run. {@code seconds} counts training and evaluation, not data loading. After a divergence
     * ({@code diverged} not null) the last epoch is the partial one it happened in: its training loss is the
     * non-finite one and its test accuracy NaN (not evaluated).
     */
    public record Result(Config config, List<EpochStats> epochs, int trainExamples, int testExamples, double seconds,
                         String kernels, int threads, Divergence diverged) {
        public double testAccuracy() { return epochs.getLast().testAccuracy(); }

        /** Examples trained per second over the whole run (training time only; a diverged run's partial epoch included). */
        public double examplesPerSecond() {
            double trainSeconds = 0, examples = 0;
            for (EpochStats e : epochs) {
                trainSeconds += e.seconds();
                examples += e.examplesPerSecond() * e.seconds();
            }
            return examples / trainSeconds;
        }

        /** The JSON object written by {@code --out}. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("task", "fashion-mnist-mlp");
            json.put("test_accuracy", testAccuracy());
            json.put("epochs", epochs.size());
            json.put("seconds", seconds);
            json.put("examples_per_second", examplesPerSecond());
            json.put("train_examples", trainExamples);
            json.put("test_examples", testExamples);
            json.put("batch_size", config.batchSize());
            json.put("learning_rate", config.lr());
            json.put("weight_decay", config.weightDecay());
            json.put("seed", config.seed());
            json.put("device", config.device().toString());
            json.put("kernels", kernels);
            json.put("threads", threads);
            json.put("diverged", diverged != null);
            if (diverged != null) {
                Map<String, Object> at = new LinkedHashMap<>();
                at.put("epoch", diverged.epoch());
                at.put("step", diverged.step());
                at.put("global_step", diverged.globalStep());
                at.put("loss", diverged.loss());
                json.put("diverged_at", at);
            }
            List<Object> perEpoch = new ArrayList<>();
            for (EpochStats e : epochs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epoch", e.epoch());
                m.put("train_loss", e.trainLoss());
                m.put("train_accuracy", e.trainAccuracy());
                m.put("test_accuracy", e.testAccuracy());
                m.put("seconds", e.seconds());
                m.put("examples_per_second", e.examplesPerSecond());
                perEpoch.add(m);
            }
            json.put("per_epoch", perEpoch);
            return json;
        }
    }

    private FashionMnistTraining() {}

    /**
     * Loads the data, trains and evaluates; {@code progress} receives each epoch's numbers as it finishes. A NaN or
     * infinite training loss stops the run (see {@link Result#diverged()}); the partial epoch is not reported to
     * {@code progress}.
     */
    public static Result run(Config cfg, Consumer<EpochStats> progress) throws IOException {
        TensorDataset train = dataset(FashionMnist.load(cfg.dataDir(), true), cfg.trainLimit());
        TensorDataset test = dataset(FashionMnist.load(cfg.dataDir(), false), cfg.testLimit());

        Generator gen = new Generator(cfg.seed());
        int[] sizes = new int[cfg.hiddenSizes().length + 2];
        sizes[0] = train.inputs().size(1);
        System.arraycopy(cfg.hiddenSizes(), 0, sizes, 1, cfg.hiddenSizes().length);
        sizes[sizes.length - 1] = 10;
        MLP model = new MLP(sizes, Activation.RELU, gen).to(cfg.device());
        AdamW optimizer = new AdamW(model.parameters(), cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay());
        DataLoader loader = new DataLoader(train, cfg.batchSize(), true, false, gen);
        // cosine decay to zero over the whole run: the last epochs take small steps, which is worth about a point of
        // test accuracy over a constant rate at this budget
        LrSchedule schedule = LrSchedule.warmupCosine(0, cfg.epochs() * loader.batchesPerEpoch(), cfg.lr(), 0);
        int step = 0;

        List<EpochStats> history = new ArrayList<>();
        Divergence diverged = null;
        long runStart = System.nanoTime();
        for (int epoch = 1; epoch <= cfg.epochs() && diverged == null; epoch++) {
            long start = System.nanoTime();
            model.train();
            double lossSum = 0;
            long correct = 0, seen = 0;
            int stepInEpoch = 0;
            for (Batch batch : loader) {
                stepInEpoch++;
                Tensor targets = batch.targets().to(cfg.device());
                Tensor logits = model.forward(batch.inputs().to(cfg.device()));
                Tensor loss = Losses.crossEntropy(logits, targets);
                double lossValue = loss.item();
                if (!Double.isFinite(lossValue)) {
                    diverged = new Divergence(epoch, stepInEpoch, step + 1, lossValue);
                    lossSum = lossValue;
                    break;
                }
                optimizer.setLr(schedule.lr(step++));
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                lossSum += lossValue * batch.size();
                correct += countCorrect(logits.detach(), targets);
                seen += batch.size();
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            if (diverged != null) {
                history.add(new EpochStats(epoch, lossSum, seen == 0 ? Double.NaN : (double) correct / seen, Double.NaN,
                        trainSeconds, seen / trainSeconds));
                break;
            }
            double testAccuracy = evaluate(model, test);
            EpochStats stats = new EpochStats(epoch, lossSum / seen, (double) correct / seen, testAccuracy,
                    trainSeconds, seen / trainSeconds);
            history.add(stats);
            progress.accept(stats);
        }
        double seconds = (System.nanoTime() - runStart) / 1e9;
        String kernels = cfg.device().equals(Device.CPU) ? dev.sluice.backend.cpu.CpuBackend.INSTANCE.float32Kernels().name()
                : dev.sluice.backend.cuda.CudaBackend.forDevice(cfg.device().index()).describe();
        return new Result(cfg, history, train.size(), test.size(), seconds, kernels, dev.sluice.backend.cpu.Parallel.threads(),
                diverged);
    }

    /** Accuracy of {@code model} on {@code data}, in eval mode without building a graph. */
    public static double evaluate(MLP model, TensorDataset data) {
        model.eval();
        long correct = 0;
        Device d = model.device();
        try (var ignored = GradMode.noGrad()) {
            for (Batch batch : new DataLoader(data, 1000, false, false, null)) {
                correct += countCorrect(model.forward(batch.inputs().to(d)), batch.targets().to(d));
            }
        }
        return (double) correct / data.size();
    }

    private static long countCorrect(Tensor logits, Tensor targets) {
        return (long) logits.argmax(1).eq(targets).to(dev.sluice.tensor.DType.INT64).sum().item();
    }

    /** Images standardised with the training-set pixel statistics, flattened to [N, 784]; int64 labels. */
    private static TensorDataset dataset(FashionMnist.Split split, int limit) {
        int n = limit == 0 ? split.count() : Math.min(limit, split.count());
        Tensor images = split.imagesTensor().narrow(0, 0, n).sub(PIXEL_MEAN).div(PIXEL_STD).contiguous();
        Tensor labels = split.labelsTensor().narrow(0, 0, n).contiguous();
        return new TensorDataset(images, labels);
    }
}
