/**
 * Sluice: an automatic-differentiation tensor engine with hand-written kernels, built to control where gradients
 * flow and what a model keeps.
 *
 * <p>The library needs only {@code java.base} and {@code jdk.incubator.vector}. Everything else is optional
 * ({@code requires static}: resolved only when something adds it): picocli for the command line, JCuda for the
 * {@code cuda} backend (found at run time; see the README's GPU section), {@code java.desktop} for the figures the
 * reproductions draw, and {@code jdk.management} for the benchmarks' allocation counts and the JVM's vector flags.
 * The exported packages are the public API; {@code dev.sluice.ops}, {@code dev.sluice.backend} and the command line's
 * packages are internal and may change in any release.
 */
module dev.sluice {
    requires jdk.incubator.vector;
    requires static info.picocli;
    // ThreadMXBean.getTotalThreadAllocatedBytes (benchmarks) and HotSpot's UseAVX/MaxVectorSize flags (CpuFeatures)
    requires static jdk.management;
    // javax.imageio and java.awt.image: the reproductions write their figures as PNG
    requires static java.desktop;
    // the CUDA driver API for the cuda backend (an automatic module; loaded only when a CUDA device is used)
    requires static jcuda;

    exports dev.sluice;
    exports dev.sluice.tensor;
    exports dev.sluice.autograd;
    exports dev.sluice.data;
    exports dev.sluice.io;
    exports dev.sluice.models;
    exports dev.sluice.nn;
    exports dev.sluice.nn.functional;
    exports dev.sluice.optim;
    exports dev.sluice.text;
    exports dev.sluice.methods.routing;
    exports dev.sluice.methods.undo;
    exports dev.sluice.methods.recontext;
    exports dev.sluice.distributed;

    // picocli reads the command classes reflectively
    opens dev.sluice.cli to info.picocli;

    // where a sweep's configs run besides this JVM: the sluice-spark artifact provides one (on the class path)
    uses dev.sluice.experiments.sweep.SweepBackend;
}
