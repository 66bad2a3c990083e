package consumer;

import dev.sluice.KernelInfo;
import dev.sluice.Sluice;

/** Runs the README's examples and trains an MLP; exits non-zero if anything is off. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        KernelInfo k = Sluice.kernels();
        System.out.println("kernels: " + k.name() + " (" + k.details() + "), vectorized " + k.vectorized()
                + (k.fallbackReason() == null ? "" : ", fallback: " + k.fallbackReason()));
        ReadmeExample1.run();
        ReadmeExample2.run();
        ReadmeExample3.run();
        ReadmeExample4.run();
        ReadmeExample5.run();
        // ReadmeExample6 (a Hugging Face model from a directory) and ReadmeExample7 (the GPU) are compiled here only:
        // one needs a downloaded model, the other a CUDA device
        ReadmeExample8.run();   // data-parallel training on two ranks (threads)
        double accuracy = TrainMlp.run();
        System.out.println("mlp training accuracy: " + accuracy + ", threads " + Sluice.threads());
        if (accuracy < 0.95) throw new AssertionError("the MLP did not learn the spirals: accuracy " + accuracy);
        // a product big enough to be split across the pool, so its workers exist when we look at their names
        dev.sluice.tensor.Generator gen = new dev.sluice.tensor.Generator(5);
        dev.sluice.tensor.Tensor a = dev.sluice.tensor.Tensor.randn(gen, dev.sluice.tensor.DType.FLOAT32, 512, 512);
        a.matmul(a).sum().item();
        String pool = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(s -> s.startsWith("sluice-cpu-")).sorted().toList().toString();
        System.out.println("pool threads: " + pool);
        if (!pool.equals("[sluice-cpu-1]")) {
            throw new AssertionError("with 2 threads the pool holds one worker, sluice-cpu-1 (the caller is the other): " + pool);
        }
    }
}
