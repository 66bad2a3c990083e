package dev.sluice.experiments.routing;

import dev.sluice.io.FashionMnist;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PartitionedAutoencoderTest {
    private static final Path DATA = FashionMnist.defaultDirectory();

    @Test
    void certificatesSendNoGradientIntoTheEncoder() {
        PartitionedAutoencoderModel m = new PartitionedAutoencoderModel(20, new Generator(1));
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT32, 4, 20);
        Tensor z = m.encode(x);
        m.certify(0, z).sum().add(m.certify(1, z).sum()).backward();
        for (var e : m.namedParameters().entrySet()) {
            if (e.getKey().startsWith("encoder.") || e.getKey().startsWith("decoder.")) {
                assertNull(e.getValue().grad(), e.getKey() + " must receive no gradient from the certificates");
            } else {
                assertNotNull(e.getValue().grad(), e.getKey());
            }
        }
    }

    @Test
    void routingBlocksTheOtherHalfForEachGroup() {
        var cfg = PartitionedAutoencoder.Config.defaults();
        PartitionedAutoencoderModel m = new PartitionedAutoencoderModel(20, new Generator(1));
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT32, 2, 20);
        Tensor z = m.encode(x).detach().requiresGrad(true);
        try (var ignored = dev.sluice.methods.routing.GradientRouting.apply(m, PartitionedAutoencoder.router(cfg), Tensor.of(new long[] {3, 8}, 2))) {
            m.decode(z).square().sum().backward();
        }
        float[] g = z.grad().toFloatArray();
        for (int j = 0; j < 32; j++) {
            assertEquals(j < 16, g[j] != 0, "group A example, unit " + j);       // label 3 → first half only
            assertEquals(j >= 16, g[32 + j] != 0, "group B example, unit " + j); // label 8 → second half only
        }
    }

    /** Shortened reproduction (4 epochs on 30k images; measured gains +0.36 / +0.47 with the full test set): the routed split must beat the control with a margin. */
    @Test
    void shortenedRunSplitsTheLatentByGroup(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(DATA.resolve("train-images-idx3-ubyte.gz")), "Fashion-MNIST not installed at " + DATA);
        var cfg = PartitionedAutoencoder.Config.defaults().withEpochs(4).withLimits(30_000, 3_000);
        var r = PartitionedAutoencoder.run(cfg, dir.resolve("fig.png"), p -> {});
        System.out.printf("routed rho %.3f %.3f, control rho %.3f %.3f, decoder MAE routed %.4f %.4f control %.4f %.4f%n",
                r.routed().rho(0), r.routed().rho(1), r.control().rho(0), r.control().rho(1),
                r.routed().decoderMae()[0], r.routed().decoderMae()[1], r.control().decoderMae()[0], r.control().decoderMae()[1]);
        for (int h = 0; h < 2; h++) {
            assertTrue(r.routed().rho(h) - r.control().rho(h) >= 0.20, "half " + h + ": routed rho " + r.routed().rho(h)
                    + " vs control " + r.control().rho(h));
            assertTrue(r.routed().rho(h) >= 1.25, "half " + h + ": routed rho " + r.routed().rho(h));
            assertTrue(r.routed().decoderMae()[h] <= 1.2 * r.control().decoderMae()[h], "decoder MAE group " + h);
        }
        assertTrue(Files.size(dir.resolve("fig.png")) > 1000, "figure written");
    }
}
