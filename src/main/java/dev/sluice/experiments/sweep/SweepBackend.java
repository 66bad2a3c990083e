package dev.sluice.experiments.sweep;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a sweep's configs run. The core has {@link Sweep#LOCAL} (one after another in this JVM); the optional
 * {@code sluice-spark} artifact provides one that runs each config as a Spark task, found through
 * {@link java.util.ServiceLoader} when it is on the class path.
 */
public interface SweepBackend {
    /** "local" or "spark". */
    String name();

    /**
     * Runs every point and returns each one's result JSON text ({@link SweepExperiment#run} written by
     * {@link Sweep#resultText}), in the order of {@code points}.
     *
     * @param master   where to run (Spark's master URL for the Spark backend; ignored by the local one)
     * @param progress receives one line per finished config
     */
    List<String> runAll(List<SweepPoint> points, String master, Consumer<String> progress) throws Exception;
}
