package dev.rosetta.benchmarks.endtoend;

/**
 * One way for the clients to reach the broker: directly, or through a Rosetta proxy (today
 * pass-through; a translating proxy is another {@code Target} with its own bootstrap address and
 * topics routed in its configuration). The first target of a run is the baseline every other is
 * compared with.
 *
 * @param name             short label in the report ("direct", "proxy")
 * @param bootstrapServers what the clients put in {@code bootstrap.servers}
 * @param proxyCpu         CPU of the proxy's I/O threads, {@link CpuMeter#NONE} for the direct path
 * @param proxyUserCpu     the user-mode part of {@code proxyCpu} (the rest is the kernel copying socket data)
 */
record Target(String name, String bootstrapServers, CpuMeter proxyCpu, CpuMeter proxyUserCpu) {

    static Target direct(String bootstrapServers) {
        return new Target("direct", bootstrapServers, CpuMeter.NONE, CpuMeter.NONE);
    }
}
