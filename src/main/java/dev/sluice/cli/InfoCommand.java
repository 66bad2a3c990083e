package dev.sluice.cli;

import dev.sluice.backend.cpu.CpuBackend;
import dev.sluice.backend.cpu.Parallel;
import picocli.CommandLine.Command;

/** Prints the runtime configuration: Java, CPU kernels, threads. */
@Command(name = "info", description = "Show the Java runtime, the CPU kernels in use and the thread count.")
final class InfoCommand extends CliCommand {
    @Override
    void validate() {}

    @Override
    int execute() {
        var out = out();
        out.println("java      : " + System.getProperty("java.vm.name") + " " + Runtime.version());
        out.println("cpu       : " + Runtime.getRuntime().availableProcessors() + " logical cores, "
                + System.getProperty("os.arch"));
        out.println("cpu model : " + dev.sluice.backend.cpu.CpuFeatures.get().describe());
        out.println("threads   : " + Parallel.threads());
        out.println("f32 kernels: " + CpuBackend.INSTANCE.float32Kernels().name() + " ("
                + CpuBackend.INSTANCE.float32Kernels().details() + ")");
        String gpu = dev.sluice.backend.cuda.CudaAvailability.unavailableReason();
        if (gpu != null) {
            out.println("devices   : cpu (GPU unavailable: " + gpu + ")");
        } else {
            StringBuilder d = new StringBuilder("cpu");
            for (int i = 0; i < dev.sluice.backend.cuda.CudaAvailability.deviceCount(); i++) {
                d.append(", ").append(dev.sluice.backend.cuda.CudaBackend.forDevice(i).describe());
            }
            out.println("devices   : " + d);
        }
        return 0;
    }
}
