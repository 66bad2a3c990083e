package dev.sluice.cli;

import dev.sluice.backend.cuda.CudaBackend;
import dev.sluice.tensor.Device;
import picocli.CommandLine.Option;

/**
 * The --device option, mixed into every command that can run on a GPU ({@code @Mixin DeviceOption device}): parsed,
 * and for a CUDA device checked at once (the driver loaded, the device opened), so a bad name or a missing GPU is one
 * clear line before any work.
 */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu (default), cuda or cuda:N; SLUICE_CUDA=emulate makes cuda:0 the CPU emulator of the CUDA kernels.")
    String spec = "cpu";

    /** The device; a {@link UserError} for an unknown name or an unavailable GPU. */
    Device resolve() {
        try {
            Device d = Device.parse(spec);
            if (d.kind() == Device.Kind.CUDA) CudaBackend.forDevice(d.index());
            return d;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            throw new UserError(String.valueOf(e.getMessage()));
        }
    }
}
