package dev.sluice.spark;

import dev.sluice.Sluice;
import dev.sluice.io.FashionMnist;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data-parallel Fashion-MNIST job as a Spark application, for {@code spark-submit} (or {@code ./sluice
 * spark-train}): N barrier tasks train the MLP from step-addressed shards and print the loss every few steps, the
 * time per step, and whether all ranks ended with the same bits.
 * <pre>
 * spark-submit --master spark://host:7077 --class dev.sluice.spark.TrainFashionMnist \
 *     --jars sluice-0.1.0-SNAPSHOT.jar sluice-spark-0.1.0-SNAPSHOT.jar --workers 2 --steps 200 --data /shared/fashion-mnist
 * </pre>
 * Options (all optional): {@code --workers N} (2), {@code --steps N} (200), {@code --batch N} global (256),
 * {@code --hidden 512,256}, {@code --lr 1e-3}, {@code --weight-decay 1e-4}, {@code --seed 0}, {@code --train-limit N}
 * (0: all 60,000), {@code --transport ring|allgather} (ring), {@code --data DIR} (read on every executor),
 * {@code --checkpoint FILE} with {@code --every K} (50), {@code --master URL} (when not given by spark-submit).
 */
public final class TrainFashionMnist {
    private TrainFashionMnist() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        List<String> known = List.of("--workers", "--steps", "--batch", "--hidden", "--lr", "--weight-decay", "--seed", "--train-limit",
                "--transport", "--data", "--checkpoint", "--every", "--master");
        for (int i = 0; i < args.length; i++) {
            if (!known.contains(args[i]) || i + 1 == args.length) {
                System.err.println("TrainFashionMnist: unknown option or missing value: " + args[i] + " (options: " + String.join(" ", known) + ")");
                System.exit(2);
            }
            o.put(args[i], args[++i]);
        }
        int workers = Integer.parseInt(o.getOrDefault("--workers", "2"));
        int[] hidden = Arrays.stream(o.getOrDefault("--hidden", "512,256").split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        var job = new FashionMnistDataParallel(o.getOrDefault("--data", FashionMnist.defaultDirectory().toString()),
                Integer.parseInt(o.getOrDefault("--train-limit", "0")), hidden, Integer.parseInt(o.getOrDefault("--batch", "256")),
                Integer.parseInt(o.getOrDefault("--steps", "200")), Double.parseDouble(o.getOrDefault("--lr", "1e-3")),
                Double.parseDouble(o.getOrDefault("--weight-decay", "1e-4")), Long.parseLong(o.getOrDefault("--seed", "0")),
                o.get("--checkpoint"), Integer.parseInt(o.getOrDefault("--every", "50")));
        var transport = switch (o.getOrDefault("--transport", "ring")) {
            case "ring" -> SparkDataParallel.Transport.RING;
            case "allgather" -> SparkDataParallel.Transport.ALL_GATHER;
            default -> throw new IllegalArgumentException("--transport must be ring or allgather, got " + o.get("--transport"));
        };
        SparkConf conf = new SparkConf().setAppName("sluice data-parallel fashion-mnist").setIfMissing("spark.ui.showConsoleProgress", "false");
        if (o.containsKey("--master")) conf.setMaster(o.get("--master"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            System.out.printf(Locale.ROOT, "Fashion-MNIST MLP %s, global batch %d, %d workers over %s, %d steps, on %s%n",
                    Arrays.toString(hidden), job.globalBatch(), workers, transport, job.steps(), sc.master());
            long t0 = System.nanoTime();
            List<Timed> ranks = SparkDataParallel.run(sc, workers, transport, (comm, ctx) -> {
                long s = System.nanoTime();
                var r = job.train(comm);
                return new Timed(r, (System.nanoTime() - s) / 1e9, Sluice.kernels().name(), ctx.getTaskInfos()[ctx.partitionId()].address());
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            var r0 = ranks.get(0).result();
            for (int i = 0; i < r0.losses().length; i++) {
                int step = r0.firstStep() + i + 1;
                if (step % Math.max(1, job.steps() / 10) == 0 || step == job.steps()) System.out.printf(Locale.ROOT, "step %5d  loss %.4f%n", step, r0.losses()[i]);
            }
            boolean same = true;
            for (Timed t : ranks) same &= Arrays.equals(t.result().parameters(), r0.parameters());
            for (Timed t : ranks) {
                System.out.printf(Locale.ROOT, "rank %d on %s (%s kernels): steps %d..%d in %.1f s, %.1f ms per step%n", t.result().rank(),
                        t.where(), t.kernels(), t.result().firstStep(), t.result().stepsDone(), t.seconds(),
                        1e3 * t.seconds() / Math.max(1, t.result().stepsDone() - t.result().firstStep()));
            }
            System.out.printf(Locale.ROOT, "all ranks hold the same parameters: %s; stage %.1f s%n", same, seconds);
            if (!same) System.exit(1);
        }
    }

    /** A rank's result with its training time, kernels and executor address. */
    record Timed(FashionMnistDataParallel.Result result, double seconds, String kernels, String where) implements java.io.Serializable {}
}
