/** A consumer application as a named module: Sluice on the module path, nothing else. */
module consumer.app {
    requires dev.sluice;
}
