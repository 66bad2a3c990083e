package dev.sluice.nn;

import dev.sluice.tensor.Tensor;

/** Applies modules in order. Submodules are named "0", "1", ... so state-dict keys read {@code 0.weight}. */
public final class Sequential extends Module {
    private final Module[] modules;

    /**
     * Registers the modules as "0", "1", ... in order, like {@code nn.Sequential(*modules)}.
     *
     * @param modules the layers, applied first to last
     */
    public Sequential(Module... modules) {
        this.modules = modules.clone();
        for (int i = 0; i < modules.length; i++) register(Integer.toString(i), modules[i]);
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : modules) x = m.forward(x);
        return x;
    }

    /**
     * The i-th module.
     *
     * @param i the position, in [0, size())
     * @return the module registered as {@code "i"}
     */
    public Module get(int i) { return modules[i]; }

    /**
     * The number of modules.
     *
     * @return the number of layers
     */
    public int size() { return modules.length; }
}
