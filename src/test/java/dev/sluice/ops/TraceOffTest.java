package dev.sluice.ops;

import dev.sluice.autograd.OpTrace;
import dev.sluice.backend.TracingBackend;
import dev.sluice.backend.cpu.CpuBackend;
import dev.sluice.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The trace's cost when off: ops get the plain backend (no timing wrapper is created), so the only work left on the
 * hot path is the volatile read of {@code Trace.on}.
 */
class TraceOffTest {
    @Test
    void opsReachThePlainBackendWhenTheTraceIsOffAndTheTimingWrapperWhenOn() {
        Tensor t = Tensor.ones(2, 2);
        assertSame(CpuBackend.INSTANCE, Ops.backend(t));
        try (var trace = OpTrace.enable(1, new PrintStream(OutputStream.nullOutputStream()))) {
            assertInstanceOf(TracingBackend.class, Ops.backend(t));
        }
        assertSame(CpuBackend.INSTANCE, Ops.backend(t));
    }
}
