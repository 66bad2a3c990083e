package dev.sluice.experiments.sweep;

import java.util.List;
import java.util.Map;

/**
 * A reproduction that a sweep can run one config at a time. {@link #run} must depend on the point alone (its seed
 * and parameters), never on what ran before in the same JVM, so that a config gives the same result run alone, in a
 * sequential sweep or as a task on any Spark executor.
 */
public interface SweepExperiment {
    /** The name a sweep gives, e.g. {@code undo-arithmetic}. */
    String name();

    /** The command that runs one config alone, e.g. {@code undo arithmetic}; {@link #commandArgs} are its options. */
    String command();

    /** The swept parameters, in table order, with the value a sweep uses when one is not given. */
    Map<String, Double> parameters();

    /** The options that make {@link #command()} run exactly this point alone (and write the same JSON). */
    List<String> commandArgs(SweepPoint point);

    /** One config's results: the JSON the single-config command writes, without its wall-clock fields. */
    Map<String, Object> run(SweepPoint point);

    /** The table's metric columns: a column name and the path to its number in {@link #run}'s JSON. */
    List<Column> columns();

    /** The metric the sweep's figure plots against the first parameter (mean over seeds, and each seed). */
    Column figureMetric();

    /**
     * A metric column. {@code path} is a {@code /}-separated path through the result's maps; a segment
     * {@code key=value} (or several joined by {@code &}) picks the element of a list whose keys have those values;
     * {@code {param}} is replaced by
     * the point's value of that parameter as Java writes a double ({@code 0.3}, {@code 1.0}).
     */
    record Column(String title, String path) {}
}
