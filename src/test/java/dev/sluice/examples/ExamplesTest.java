package dev.sluice.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs every program of examples/ in its short form, as {@code ./sluice example NN --short} does: a child JVM with the
 * JDK's source launcher against the compiled classes, on the module path (so an example using a non-exported package
 * fails to compile) or, for the example marked {@code // sluice-example: class-path}, on the class path. Each test
 * then checks that the program did what its comments claim, from what it printed.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("examples");
    private static final Path CLASSES = Path.of("target", "classes");
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final boolean FASHION_MNIST = Files.exists(Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"));

    /** A finished child: its exit code and what it wrote to standard output and error. */
    record Run(int exit, String out, String err) {
        /** The first group of the first match of {@code regex} in the output, as a number. */
        double number(String regex) { return Double.parseDouble(group(regex, 1)); }

        String group(String regex, int group) {
            Matcher m = Pattern.compile(regex).matcher(out);
            assertTrue(m.find(), "output has /" + regex + "/:\n" + out);
            return m.group(group);
        }

        /** Every match of {@code regex}'s first group, as numbers. */
        List<Double> numbers(String regex) {
            Matcher m = Pattern.compile(regex).matcher(out);
            List<Double> all = new ArrayList<>();
            while (m.find()) all.add(Double.parseDouble(m.group(1)));
            assertFalse(all.isEmpty(), "output has /" + regex + "/:\n" + out);
            return all;
        }
    }

    /** The example directory whose name starts with {@code number}, e.g. "03" → examples/03-char-gpt. */
    private static Path example(String number) throws IOException {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(number + "-")).findFirst().orElseThrow();
        }
    }

    /** Runs an example with the source launcher, as the launcher script does, and requires exit code 0. */
    private static Run run(String number, String... args) throws Exception {
        Run r = launch(number, true, args);
        assertEquals(0, r.exit(), "example " + number + " failed:\n" + r.out() + r.err());
        return r;
    }

    private static Run launch(String number, boolean addVectorModule, String... args) throws Exception {
        Path source = example(number).resolve("Main.java");
        // the launcher's rule: a line "// sluice-example: class-path" makes it a class-path application
        boolean classPath = Pattern.compile("(?m)^// sluice-example: class-path").matcher(Files.readString(source)).find();
        List<String> cmd = new ArrayList<>(List.of(JAVA_HOME.resolve("bin/java").toString()));
        if (classPath) {
            if (addVectorModule) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", CLASSES.toString()));
        } else {
            cmd.addAll(List.of("--enable-native-access=dev.sluice", "-p", CLASSES.toString(), "--add-modules", "dev.sluice"));
        }
        cmd.add(source.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("example-out", ".txt"), err = Files.createTempFile("example-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("example " + number + " ran over 180 s:\n" + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    @Test
    void everyExampleHasATestAndAnEntryInTheReadme() throws Exception {
        Set<String> dirs;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            dirs = s.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> tested = new TreeSet<>();
        for (var m : ExamplesTest.class.getDeclaredMethods()) {
            if (m.getName().matches("example\\d\\d.*")) tested.add(m.getName().substring(7, 9));
        }
        assertEquals(tested, dirs.stream().map(d -> d.substring(0, 2)).collect(Collectors.toCollection(TreeSet::new)),
                "one test per example directory " + dirs);
        String readme = Files.readString(EXAMPLES.resolve("README.md"));
        for (String d : dirs) {
            assertTrue(Files.exists(EXAMPLES.resolve(d).resolve("Main.java")), d + " has a Main.java");
            assertTrue(readme.contains("./sluice example " + d.substring(0, 2)), "examples/README.md gives the command for " + d);
        }
    }

    @Test
    void example01FitsTheLineBothWays() throws Exception {
        Run r = run("01", "--short");
        String[] w = r.group("scratch w = \\[([^]]*)]", 1).split(", ");
        assertArrayEquals(new double[] {3, -2, 0.5}, Stream.of(w).mapToDouble(Double::parseDouble).toArray(), 0.02, r.out());
        assertEquals(1.0, r.number("scratch w = .*b = \\[([-0-9.]+)]"), 0.02, r.out());
        String[] lib = r.group("library w = \\[([^]]*)]", 1).split(", ");
        for (int i = 0; i < 3; i++) {
            assertEquals(Double.parseDouble(w[i]), Double.parseDouble(lib[i]), 0.005, "hand-written SGD and optim.SGD agree: " + r.out());
        }
        List<Double> loss = r.numbers("library loss ([0-9.]+) ->");
        assertTrue(r.number("-> ([0-9.]+)") < 0.02 && r.number("-> ([0-9.]+)") < loss.get(0) / 100, r.out());
    }

    @Test
    void example02LearnsFashionMnist() throws Exception {
        assumeTrue(FASHION_MNIST, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        Run r = run("02", "--short");
        double before = r.number("before training: test accuracy ([0-9.]+)");
        List<Double> acc = r.numbers("test accuracy ([0-9.]+)  \\(");
        List<Double> loss = r.numbers("train loss ([0-9.]+)");
        assertEquals(2, acc.size(), r.out());
        assertTrue(before < 0.2, "an untrained model guesses: " + before);
        assertTrue(acc.get(1) >= 0.6, "2 epochs on 2,000 images reach 60% on 1,000 test images (0.69 measured): " + r.out());
        assertTrue(loss.get(1) < loss.get(0), "the training loss fell: " + loss);
    }

    @Test
    void example03TrainsACharacterGptAndSamples() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/bible")), "the King James Bible is not installed (apt-get install bible-kjv)");
        Run r = run("03", "--short");
        double uniform = r.number("ln \\d+ = ([0-9.]+) nats");
        List<Double> val = r.numbers("validation loss ([0-9.]+)");
        assertEquals(uniform, val.get(0), 0.15, "an untrained model is close to a uniform guess: " + val);
        assertTrue(val.get(val.size() - 1) < 0.7 * uniform, "60 steps cut the held-out loss by 30%: " + val);
        String sample = r.out().substring(r.out().indexOf("--- sample"));
        String text = sample.substring(sample.indexOf('\n') + 1);
        assertTrue(text.startsWith("And God said"), "the sample continues the prompt: " + text);
        assertTrue(text.strip().length() >= "And God said".length() + 60, "80 characters were sampled: " + text);
    }

    @Test
    void example04RoutingLocalisesEachGroupInItsHalf() throws Exception {
        assumeTrue(FASHION_MNIST, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        Run r = run("04", "--short");
        assertTrue(r.out().contains("dress (3) -> unit 0: 1, unit 63: 0; sneaker (7) -> unit 0: 0, unit 63: 1"), r.out());
        String pair = "([0-9.]+) / ([0-9.]+)";
        String acc = "clothes / shoes\\+bags accuracy: intact " + pair + ", units 0..31 ablated " + pair + ", units 32..63 ablated " + pair;
        double[] routed = six(r, "routed\\s+" + acc), control = six(r, "control\\s+" + acc);
        // [clothes, shoes] intact, without units 0..31, without units 32..63
        for (double[] m : new double[][] {routed, control}) assertTrue(m[0] > 0.55 && m[1] > 0.55, "both models learned: " + r.out());
        assertTrue(routed[2] < 0.1 && routed[5] < 0.1, "ablating a group's half erases that group: " + r.out());
        assertTrue(routed[3] > 0.2 && routed[4] > 0.2, "...and leaves some of the other: " + r.out());
        assertTrue(routed[0] - routed[2] > routed[1] - routed[3] + 0.2, "units 0..31 hold the clothes: " + r.out());
        assertTrue(routed[1] - routed[5] > routed[0] - routed[4] + 0.2, "units 32..63 hold the shoes and bags: " + r.out());
        for (int i = 2; i < 6; i++) assertTrue(control[i] > 0.25, "unrouted, no half holds a group alone: " + r.out());
    }

    private static double[] six(Run r, String regex) {
        double[] v = new double[6];
        for (int i = 0; i < 6; i++) v[i] = Double.parseDouble(r.group(regex, i + 1));
        return v;
    }

    @Test
    void example05UndoResistsTheRelearningAttackBetterThanUnlearningAlone() throws Exception {
        Run r = run("05", "--short");
        String acc = "retain accuracy ([0-9.]+)  forget accuracy ([0-9.]+)";
        assertTrue(r.number("pretrained\\s+" + acc) >= 0.95 && Double.parseDouble(r.group("pretrained\\s+" + acc, 2)) >= 0.95,
                "pretraining learned both operations: " + r.out());
        assertTrue(r.number("unlearned\\s+" + acc) >= 0.95, "unlearning kept addition: " + r.out());
        assertTrue(Double.parseDouble(r.group("unlearned\\s+" + acc, 2)) < 0.2, "unlearning hid multiplication: " + r.out());
        assertTrue(r.number("UNDO \\(\\d+ distillation steps\\)\\s+" + acc) >= 0.95, "the distilled student kept addition: " + r.out());
        double unlearned = last(r.group("attack on unlearned .*: \\[(.*)]", 1)), undo = last(r.group("attack on UNDO .*: \\[(.*)]", 1));
        assertTrue(unlearned > 0.25, "the attack brings multiplication back to the unlearned model: " + r.out());
        assertTrue(undo < unlearned - 0.15, "UNDO's student relearns far less: " + r.out());
    }

    private static double last(String list) {
        String[] parts = list.split(", ");
        return Double.parseDouble(parts[parts.length - 1]);
    }

    @Test
    void example06CustomOpPassesGradcheckAndAWrongRuleFails() throws Exception {
        Run r = run("06");
        assertEquals("[log_cosh, accumulate_grad]", r.group("custom op's graph: (.*)", 1), "one node for the custom op");
        assertTrue(r.number("max \\|gradient difference\\| ([0-9.e+-]+)") < 1e-12, r.out());
        assertTrue(r.out().contains("gradcheck log_cosh: passed") && r.out().contains("gradcheck weighted log_cosh: passed"), r.out());
        assertTrue(r.out().contains("gradcheck log_cosh_wrong: failed as it should: gradcheck(weighted log_cosh_wrong): Jacobian mismatch"), r.out());
    }

    @Test
    void example07PrintsTheGraphWithSharedNodesLeavesAndTheRoute() throws Exception {
        Run r = run("07");
        assertTrue(r.out().contains("de/da = 2ab + c = -2.0, de/db = a^2 = 4.0, de/dc = a = 2.0"), r.out());
        assertTrue(r.out().contains("└── accumulate_grad  -> a.grad  (#4, shown above)"), "a's two paths meet in one node: " + r.out());
        String mlp = r.out().substring(r.out().indexOf("MLP 4-8-3"));
        int route = mlp.indexOf("route"), fc0 = mlp.indexOf("fc0.weight.grad"), fc1 = mlp.indexOf("fc1.weight.grad");
        assertTrue(route > 0 && route < fc0 && fc0 < fc1, "the route node sits between fc1's linear and fc0's parameters: " + mlp);
        assertTrue(r.number("Graphviz DOT: [0-9]+ lines, ([0-9]+) mention the route") >= 1, "GraphDot draws the route node: " + r.out());
    }

    @Test
    void example08RunsOnTheClassPathAndStrictModeRefusesTheScalarFallback(@TempDir Path classes) throws Exception {
        assumeTrue(FASHION_MNIST, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        Run r = run("08", "--short");
        assertTrue(r.out().contains(", 2 threads, strict mode true"), r.out());
        assertTrue(r.out().startsWith("Sluice kernels: vector-"), "--add-modules gives the vector kernels: " + r.out());
        assertTrue(r.number("200 test images one at a time: accuracy ([0-9.]+)") > 0.6, r.out());

        Run missing = launch("08", false, "--short");
        assertEquals(1, missing.exit(), "without --add-modules strict mode stops the app: " + missing.out() + missing.err());
        assertTrue(missing.err().contains("cannot start: ") && missing.err().contains("--add-modules jdk.incubator.vector"), missing.err());

        // On the class path nothing stops an example from using an internal package; compile it as a module user would
        Process javac = new ProcessBuilder(JAVA_HOME.resolve("bin/javac").toString(), "-d", classes.toString(),
                "-p", CLASSES.toString(), "--add-modules", "dev.sluice", example("08").resolve("Main.java").toString())
                .redirectErrorStream(true).start();
        String log = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), "example 08 uses only exported packages:\n" + log);
    }
}
