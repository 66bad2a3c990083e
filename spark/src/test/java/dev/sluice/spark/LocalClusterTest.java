package dev.sluice.spark;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Spark's local-cluster[2,1,1024]: a master and two workers in this JVM, each worker launching its executor as a
 * separate JVM, as on a real standalone cluster. A worker builds the executor's class path from SPARK_HOME/jars, so
 * this test lays out such a folder with links to the jars of its own class path (SPARK_HOME is set by the pom), and
 * gives the executors the module's classes through spark.executor.extraClassPath.
 */
class LocalClusterTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() throws IOException {
        Path home = Path.of(System.getenv("SPARK_HOME"));
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        List<String> dirs = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                dirs.add(p.toAbsolutePath().toString());
            } else if (entry.endsWith(".jar") && Files.exists(p)) {
                Path link = jars.resolve(p.getFileName());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, p.toRealPath());
            }
        }
        SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("sluice-local-cluster-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.memory", "1024m")
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, dirs));
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
    }

    @AfterAll
    static void stop() { if (sc != null) sc.close(); }

    /** A rank's result, the process it ran in and the kernels Sluice used there. */
    record Ran(long pid, String kernels, FashionMnistDataParallel.Result result) implements Serializable {
        Ran(FashionMnistDataParallel.Result result) { this(ProcessHandle.current().pid(), dev.sluice.Sluice.kernels().name(), result); }
    }

    @Test
    void trainingAcrossTwoExecutorJvmsEqualsTheInProcessReference() throws Exception {
        List<FashionMnistDataParallel.Result> reference = SparkDataParallelTest.inProcess(SparkDataParallelTest.JOB, 2);
        List<Ran> ran = SparkDataParallel.run(sc, 2, SparkDataParallel.Transport.RING,
                (comm, ctx) -> new Ran(SparkDataParallelTest.JOB.train(comm)));
        long self = ProcessHandle.current().pid();
        assertNotEquals(self, ran.get(0).pid(), "rank 0 ran in an executor JVM");
        assertNotEquals(self, ran.get(1).pid(), "rank 1 ran in an executor JVM");
        assertNotEquals(ran.get(0).pid(), ran.get(1).pid(), "the ranks ran in two executor JVMs");
        assertTrue(dev.sluice.Sluice.kernels().vectorized(), "the driver (surefire's argLine) runs the vector kernels");
        for (int r = 0; r < 2; r++) {
            // the executors were started with Spark's default JVM options only: they include the vector module
            assertEquals(dev.sluice.Sluice.kernels().name(), ran.get(r).kernels(), "rank " + r + " runs the vector kernels");
            SparkDataParallelTest.assertSameBits(reference.get(r).parameters(), ran.get(r).result().parameters(), "rank " + r);
        }
    }

    /** Kills its own executor JVM: rank 1, before step 13, in the stage's first attempt. */
    static void killExecutorOnce(int step, int rank) {
        if (rank == 1 && step == 13 && BarrierTaskContext.get().stageAttemptNumber() == 0) Runtime.getRuntime().halt(137);
    }

    @Test
    void aKilledExecutorRerunsTheStageFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
        var job = SparkDataParallelTest.JOB.withCheckpoint(dir.resolve("mlp.safetensors").toString(), 5);
        List<FashionMnistDataParallel.Result> straight = SparkDataParallelTest.inProcess(SparkDataParallelTest.JOB, 2);
        List<Ran> ran = SparkDataParallel.run(sc, 2, SparkDataParallel.Transport.RING,
                (comm, ctx) -> new Ran(job.train(comm, LocalClusterTest::killExecutorOnce)));
        for (int r = 0; r < 2; r++) {
            var got = ran.get(r).result();
            assertEquals(10, got.firstStep(), "rank " + r + " resumed at the last checkpoint before the kill");
            assertEquals(10, got.losses().length, "rank " + r + " ran steps 10..19 once each");
            SparkDataParallelTest.assertSameBits(straight.get(r).parameters(), got.parameters(), "rank " + r + " after the kill");
        }
    }

    /**
     * A sweep's configs run in the executor JVMs give the same result text, byte for byte, as in this JVM (this caught
     * a result map whose key order came from Map.of, which differs between JVMs).
     */
    @Test
    void sweepConfigsInExecutorJvmsGiveTheBytesOfARunHere() {
        var undo = dev.sluice.experiments.sweep.Sweep.experiment("undo-arithmetic");
        var points = dev.sluice.experiments.sweep.Sweep.grid(undo, List.of(0L, 1L), java.util.Map.of("alpha", List.of(0.8)), true);
        List<String> lines = new ArrayList<>();
        List<String> remote = SparkSweep.runAll(sc, points, lines::add);
        for (int i = 0; i < points.size(); i++) {
            assertEquals(dev.sluice.experiments.sweep.Sweep.runOne(points.get(i)), remote.get(i), points.get(i).label());
            assertFalse(lines.get(i).contains("executor driver"), lines.get(i));
        }
    }
}
