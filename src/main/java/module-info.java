/**
 * Sluice: an automatic-differentiation tensor engine with hand-written kernels, built to control where gradients
 * flow and what a model keeps.
 */
module dev.sluice {
    requires jdk.incubator.vector;
    requires info.picocli;
    // ThreadMXBean.getTotalThreadAllocatedBytes: the benchmarks report each training step's garbage
    requires jdk.management;
    // javax.imageio and java.awt.image: the reproductions write their figures as PNG
    requires java.desktop;
    // the CUDA driver API for the cuda backend (an automatic module; loaded only when a CUDA device is used)
    requires jcuda;

    exports dev.sluice.tensor;
    exports dev.sluice.autograd;
    exports dev.sluice.data;
    exports dev.sluice.io;
    exports dev.sluice.nn;
    exports dev.sluice.nn.functional;
    exports dev.sluice.optim;
    exports dev.sluice.methods.routing;
    exports dev.sluice.methods.undo;
    exports dev.sluice.methods.recontext;

    // picocli reads the command classes reflectively
    opens dev.sluice.cli to info.picocli;
}
