package dev.sluice.ops;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Storage;
import dev.sluice.backend.View;
import dev.sluice.internal.Internals;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Device;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.*;

/** Mixing devices in one op is an error naming both devices (checked with a stand-in device that has no kernels). */
class DeviceMixingTest {
    /** A tensor whose storage claims to live on cuda:0; any kernel call on it fails loudly. */
    private static Tensor fakeCudaTensor(int... shape) {
        Backend fake = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("device")) return Device.cuda(0);
                    throw new AssertionError("kernel " + method.getName() + " must not run on mixed devices");
                });
        Storage storage = new Storage(DType.FLOAT32, View.numel(shape)) {
            @Override
            public Backend backend() { return fake; }
        };
        return Internals.wrap(View.contiguous(storage, shape));
    }

    private static void assertNamesBoth(Throwable e, String op) {
        assertTrue(e.getMessage().startsWith(op + ":") && e.getMessage().contains("cpu") && e.getMessage().contains("cuda:0"),
                e.getMessage());
    }

    @Test
    void binaryOpsMatmulCatAndIndexingRejectMixedDevices() {
        Tensor cpu = Tensor.ones(2, 2), gpu = fakeCudaTensor(2, 2);
        assertEquals(Device.cuda(0), gpu.device());
        assertNamesBoth(assertThrows(IllegalArgumentException.class, () -> cpu.add(gpu)), "add");
        assertNamesBoth(assertThrows(IllegalArgumentException.class, () -> cpu.mul(gpu)), "mul");
        assertNamesBoth(assertThrows(IllegalArgumentException.class, () -> cpu.matmul(gpu)), "matmul");
        assertNamesBoth(assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0, cpu, gpu)), "cat");
        assertNamesBoth(assertThrows(IllegalArgumentException.class, () -> Tensor.where(cpu.gt(0), cpu, gpu)), "where");
        assertNamesBoth(assertThrows(IllegalArgumentException.class, () -> cpu.add_(gpu)), "add_");
        // copy_ is the exception, as in PyTorch: it copies the source over to the target's device first
        // (cross-device copy_ is tested on a real device in GpuMethodsTest)
    }

}
