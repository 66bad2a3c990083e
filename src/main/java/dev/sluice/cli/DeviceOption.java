package dev.sluice.cli;

import dev.sluice.backend.cuda.CudaBackend;
import dev.sluice.tensor.Device;

/** The commands' --device option: parsed, and for a CUDA device checked at once, so a missing GPU is one clear line. */
final class DeviceOption {
    private DeviceOption() {}

    /** The device, or null after printing "sluice COMMAND: why" to stderr (unknown name, GPU unavailable). */
    static Device resolve(String spec, String command) {
        try {
            Device d = Device.parse(spec);
            if (d.kind() == Device.Kind.CUDA) CudaBackend.forDevice(d.index());
            return d;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            System.err.println("sluice " + command + ": " + e.getMessage());
            return null;
        }
    }
}
