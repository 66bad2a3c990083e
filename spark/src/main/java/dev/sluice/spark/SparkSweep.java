package dev.sluice.spark;

import dev.sluice.experiments.sweep.Sweep;
import dev.sluice.experiments.sweep.SweepBackend;
import dev.sluice.experiments.sweep.SweepPoint;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The sweep backend that runs each config as one Spark task (found by {@code sluice sweep --master URL} through
 * {@link java.util.ServiceLoader}). Configs are independent, so this is a plain stage, not a barrier one: a failed
 * config is retried alone (up to {@code spark.task.maxFailures}), and a config gives the same result on any executor
 * because {@link dev.sluice.experiments.sweep.SweepExperiment#run} depends on the point alone.
 */
public final class SparkSweep implements SweepBackend {
    /** What a task sends back: the result text, where it ran and how long it took. */
    record Done(String text, String executor, double seconds) implements Serializable {}

    @Override
    public String name() { return "spark"; }

    /** Starts a Spark application on {@code master} for the sweep and stops it afterwards. */
    @Override
    public List<String> runAll(List<SweepPoint> points, String master, Consumer<String> progress) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("sluice sweep " + points.get(0).experiment())
                .setIfMissing("spark.ui.showConsoleProgress", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            return runAll(sc, points, progress);
        }
    }

    /** Runs the sweep in an application that is already running (a notebook's or a job's own context). */
    public static List<String> runAll(JavaSparkContext sc, List<SweepPoint> points, Consumer<String> progress) {
        List<Done> done = run(sc, points);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Done d = done.get(i);
            progress.accept(String.format(Locale.ROOT, "%s done on executor %s (%.1f s)", points.get(i).label(), d.executor(), d.seconds()));
            texts.add(d.text());
        }
        return texts;
    }

    /** One task per point, results in the points' order. */
    static List<Done> run(JavaSparkContext sc, List<SweepPoint> points) {
        return sc.parallelize(points, points.size()).map(p -> {
            long t0 = System.nanoTime();
            String text = Sweep.runOne(p);
            return new Done(text, SparkEnv.get().executorId(), (System.nanoTime() - t0) / 1e9);
        }).collect();
    }
}
