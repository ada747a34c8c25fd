package dev.rosetta.proxy.net;

/** Where a client connection goes upstream: the bootstrap servers (node id -1), or one broker by node id. */
record UpstreamTarget(int nodeId) {
    static final UpstreamTarget BOOTSTRAP = new UpstreamTarget(-1);

    boolean isBootstrap() {
        return nodeId < 0;
    }

    @Override
    public String toString() {
        return isBootstrap() ? "bootstrap" : "broker " + nodeId;
    }
}
