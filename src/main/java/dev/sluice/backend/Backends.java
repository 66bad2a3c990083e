package dev.sluice.backend;

import dev.sluice.backend.cpu.CpuBackend;
import dev.sluice.tensor.Device;

/** Finds the backend for a device. */
public final class Backends {
    private Backends() {}

    /** The backend serving {@code device}, or an error saying why there is none. */
    public static Backend of(Device device) {
        if (device.kind() == Device.Kind.CPU) return CpuBackend.INSTANCE;
        throw new UnsupportedOperationException("GPU unavailable: device " + device
                + " requested, but this build of Sluice has no CUDA backend yet (only cpu is available)");
    }
}
