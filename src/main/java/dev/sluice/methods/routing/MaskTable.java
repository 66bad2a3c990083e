package dev.sluice.methods.routing;

import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router's table of masks (one row per label or token), kept on the CPU and copied once to the device the routed
 * data lives on (the last one asked for), so routing a GPU model costs no copy per batch.
 */
final class MaskTable {
    private final Tensor table;
    private Tensor onDevice;

    MaskTable(Tensor table) {
        this.table = table;
        this.onDevice = table;
    }

    /** The table itself (on the CPU). */
    Tensor table() { return table; }

    /** The table on {@code device}. */
    synchronized Tensor on(Device device) {
        if (!onDevice.device().equals(device)) onDevice = table.to(device);
        return onDevice;
    }

    /** The same mask at every hook point, in the order given. */
    static Map<String, Tensor> atEach(List<String> hookPoints, Tensor mask) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String h : hookPoints) out.put(h, mask);
        return out;
    }
}
