package dev.sluice.docs;

import dev.sluice.io.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Solutions to the exercises of docs/04-new-op.md, compiled with the chapter's {@code Softplus} and checked against
 * PyTorch's numbers (src/test/python/softplus_reference.py) and float64 finite differences.
 */
class Chapter4ExercisesTest {
    private static final String SOLUTION = """
            public final class Solution {
                /** Exercise 1: {softplus(x), d sum(w * softplus(x)) / dx} through the custom op. */
                public static double[][] custom(double[] x, double[] w) {
                    Tensor in = Tensor.of(x, x.length).requiresGrad(true);
                    Tensor out = Softplus.custom(in);
                    out.backward(Tensor.of(w, w.length));
                    return new double[][] {out.toDoubleArray(), in.grad().toDoubleArray()};
                }

                /** Exercise 2: d softplus / dx at each point, composed or custom. */
                public static double[] slope(boolean composed, double... x) {
                    Tensor in = Tensor.of(x, x.length).requiresGrad(true);
                    (composed ? Softplus.composed(in) : Softplus.custom(in)).sum().backward();
                    return in.grad().toDoubleArray();
                }

                /** Exercise 3: log(e^a + e^b) = max(a, b) + softplus(-|a - b|), with rules sigmoid(a - b), sigmoid(b - a). */
                static Tensor logaddexp(Tensor a, Tensor b) {
                    Tensor out;
                    try (var _ = GradMode.noGrad()) {
                        out = a.maximum(b).add(Softplus.custom(a.sub(b).abs().neg()));
                    }
                    return Graph.record("logaddexp", out, new Tensor[] {a, b}, new Tensor[] {a, b}, (g, s) -> {
                        Tensor d = s[0].sub(s[1]);
                        return new Tensor[] {g.mul(d.sigmoid()), g.mul(d.neg().sigmoid())};
                    });
                }

                /** Gradchecks logaddexp at a = b, far apart and random points; throws GradCheck.Failure on a mismatch. */
                public static void gradcheckLogaddexp() {
                    Generator gen = new Generator(11);
                    Tensor a = Tensor.cat(0, Tensor.randn(gen, DType.FLOAT64, 6), Tensor.of(new double[] {0.5, 30, -30}, 3))
                            .detach().requiresGrad(true);
                    Tensor b = Tensor.cat(0, Tensor.randn(gen, DType.FLOAT64, 6), Tensor.of(new double[] {0.5, -15, 20}, 3))
                            .detach().requiresGrad(true);
                    GradCheck.check("logaddexp", in -> logaddexp(in[0], in[1]), a, b);
                }

                public static double[] logaddexpValues(double[] a, double[] b) {
                    return logaddexp(Tensor.of(a, a.length), Tensor.of(b, b.length)).toDoubleArray();
                }
            }
            """;

    private static final BookExercises BOOK = BookExercises.withChapter("04-new-op.md", SOLUTION);

    @Test
    @SuppressWarnings("unchecked")
    void customSoftplusMatchesPyTorch() throws Throwable {
        Map<String, Object> fixture = (Map<String, Object>) Json.parse(
                Files.readString(Path.of("src/test/resources/dev/sluice/docs/softplus-torch.json")));
        double[] x = doubles(fixture.get("x")), w = doubles(fixture.get("w"));
        double[] value = doubles(fixture.get("softplus")), grad = doubles(fixture.get("grad"));
        double[][] ours = BOOK.call("custom", x, w);
        for (int i = 0; i < x.length; i++) {
            assertEquals(value[i], ours[0][i], 1e-15 * Math.abs(value[i]), "softplus(" + x[i] + ")");
            assertEquals(grad[i], ours[1][i], 1e-15 * Math.abs(grad[i]), "gradient at " + x[i]);
        }
    }

    @Test
    void theWhereTrapGivesTheCompositionNaNGradients() throws Throwable {
        double[] composed = BOOK.call("slope", true, new double[] {-700, 0});
        assertTrue(Double.isNaN(composed[0]), "composed gradient at -700: " + composed[0]);
        assertEquals(0.0, composed[1], "composed gradient at exactly 0 (relu and abs give 0 there)");
        double[] custom = BOOK.call("slope", false, new double[] {-700, 0});
        assertEquals(Math.exp(-700), custom[0], 1e-15 * Math.exp(-700));
        assertEquals(0.5, custom[1]);
    }

    @Test
    void logaddexpPassesGradcheckAndMatchesTheDefinition() throws Throwable {
        BOOK.call("gradcheckLogaddexp");
        double[] a = {0.5, 30, -30, 1000}, b = {0.5, -15, 20, 999};
        double[] v = BOOK.call("logaddexpValues", a, b);
        for (int i = 0; i < 3; i++) assertEquals(Math.log(Math.exp(a[i]) + Math.exp(b[i])), v[i], 1e-15 * Math.abs(v[i]));
        assertEquals(1000 + Math.log1p(Math.exp(-1)), v[3], 1e-12, "no overflow at 1000");
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }
}
