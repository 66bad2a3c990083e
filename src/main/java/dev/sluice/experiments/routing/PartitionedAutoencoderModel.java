package dev.sluice.experiments.routing;

import dev.sluice.nn.Activation;
import dev.sluice.nn.ActivationLayer;
import dev.sluice.nn.HookPoint;
import dev.sluice.nn.Linear;
import dev.sluice.nn.MLP;
import dev.sluice.nn.Module;
import dev.sluice.nn.Sequential;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/**
 * The paper's partitioned-latent autoencoder (papers.md §1.5): encoder 784→256→128→32 (ReLU; last layer linear
 * without bias), decoder 32→128→256→784, and two certificate decoders 16→128→256→784 that read the detached halves
 * of the latent. The decoder reads the latent through hook point {@code latent}, where routing masks go.
 */
public final class PartitionedAutoencoderModel extends Module {
    /** Latent width; each certificate reads half of it. */
    public static final int LATENT = 32, HALF = LATENT / 2;

    private final Sequential encoder;
    private final HookPoint latent;
    private final MLP decoder;
    private final MLP[] certificates;

    /** A fresh model (PyTorch-default uniform init) for images of {@code pixels} values. */
    public PartitionedAutoencoderModel(int pixels, Generator gen) {
        encoder = register("encoder", new Sequential(new Linear(pixels, 256, gen), new ActivationLayer(Activation.RELU),
                new Linear(256, 128, gen), new ActivationLayer(Activation.RELU), new Linear(128, LATENT, false, gen)));
        latent = register("latent", new HookPoint());
        decoder = register("decoder", new MLP(new int[] {LATENT, 128, 256, pixels}, Activation.RELU, gen));
        certificates = new MLP[] {
                register("cert0", new MLP(new int[] {HALF, 128, 256, pixels}, Activation.RELU, gen)),
                register("cert1", new MLP(new int[] {HALF, 128, 256, pixels}, Activation.RELU, gen))};
    }

    /** The latent code z [batch, 32]. */
    public Tensor encode(Tensor x) { return encoder.forward(x); }

    /** The decoder's reconstruction from z, read through the {@code latent} hook point. */
    public Tensor decode(Tensor z) { return decoder.forward(latent.forward(z)); }

    /**
     * Certificate h's reconstruction from half h of z, detached: a certificate learns to read what the half holds but
     * sends no gradient into the encoder.
     */
    public Tensor certify(int h, Tensor z) { return certificates[h].forward(z.narrow(1, h * HALF, HALF).detach()); }

    @Override
    public Tensor forward(Tensor x) { return decode(encode(x)); }
}
