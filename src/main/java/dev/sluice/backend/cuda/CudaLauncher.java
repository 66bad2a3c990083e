package dev.sluice.backend.cuda;

/**
 * Launches a kernel of sluice.fatbin on the device's stream, after checking the arguments against the kernel's PTX
 * parameter list. Arguments map to the kernel's parameters in order: Integer → int, Long → 64-bit (device pointers
 * and seeds), Float → float, Double → double, int[] → a struct passed by value (a packed {@link CudaLayout}).
 */
final class CudaLauncher {
    private final CudaContext ctx;

    CudaLauncher(CudaContext ctx) { this.ctx = ctx; }

    void launch(String kernel, LaunchConfig cfg, Object... args) {
        KernelSignature.check(kernel, ctx.module().signature(kernel), args);
        ctx.makeCurrent();
        ctx.driver().launch(kernel, cfg, args);
    }
}
