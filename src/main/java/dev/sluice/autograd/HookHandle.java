package dev.sluice.autograd;

/** Returned by hook registration; {@link #remove()} unregisters the hook (idempotent). */
@FunctionalInterface
public interface HookHandle {
    /** Unregisters the hook; calling it again does nothing. */
    void remove();
}
