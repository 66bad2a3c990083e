module dev.sluice {
    requires jdk.incubator.vector;
}
