package dev.sluice.backend;

import dev.sluice.backend.cpu.CpuBackend;
import dev.sluice.backend.cuda.CudaBackend;
import dev.sluice.tensor.Device;

/** Finds the backend for a device. */
public final class Backends {
    private Backends() {}

    /** The backend serving {@code device}, or an error saying why there is none. */
    public static Backend of(Device device) {
        if (device.kind() == Device.Kind.CPU) return CpuBackend.INSTANCE;
        return CudaBackend.forDevice(device.index());
    }
}
