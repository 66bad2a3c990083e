package dev.sluice.backend.cuda;

import jcuda.Pointer;

/**
 * Launches a kernel of sluice.fatbin on the device's stream. Arguments map to the kernel's parameters in order:
 * Integer → int, Long → 64-bit (device pointers and seeds), Float → float, Double → double, int[] → a struct passed
 * by value (a packed {@link CudaLayout}).
 */
final class CudaLauncher {
    private final CudaContext ctx;

    CudaLauncher(CudaContext ctx) { this.ctx = ctx; }

    static Pointer param(Object a) {
        return switch (a) {
            case Integer i -> Pointer.to(new int[] {i});
            case Long l -> Pointer.to(new long[] {l});
            case Float f -> Pointer.to(new float[] {f});
            case Double d -> Pointer.to(new double[] {d});
            case int[] struct -> Pointer.to(struct);
            default -> throw new IllegalArgumentException("kernel argument of type " + a.getClass().getSimpleName());
        };
    }

    void launch(String kernel, LaunchConfig cfg, Object... args) {
        KernelSignature.check(kernel, ctx.module().signature(kernel), args);
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) params[i] = param(args[i]);
        ctx.makeCurrent();
        CudaDriver.launch(ctx.module().function(kernel), cfg, ctx.stream(), Pointer.to(params));
    }
}
