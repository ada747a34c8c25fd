package dev.rosetta.benchmarks.endtoend;

/**
 * One way for the clients to reach the broker: directly, through the pass-through proxy, a TCP
 * relay, or a proxy translating every record. The first target of a run is the baseline every
 * other is compared with.
 *
 * @param name               short label in the report ("direct", "proxy", "translating")
 * @param bootstrapServers   what the clients put in {@code bootstrap.servers}
 * @param proxyCpu           CPU of the proxy's I/O threads, {@link CpuMeter#NONE} for the direct path
 * @param proxyUserCpu       the user-mode part of {@code proxyCpu} (the rest is the kernel copying socket data)
 * @param minThroughputRatio design target: throughput at least this fraction of the baseline's; NaN = not checked
 * @param maxAddedP99Millis  design target: p99 latency at most this much above the baseline's; NaN = not checked
 * @param minMegabytesPerCore design target: at least this many MB per CPU second of the proxy's I/O threads; NaN = not checked
 * @param readsSchemaId      the schema id every value a consumer reads through this target must carry; -1 = not checked
 * @param storesSchemaId     the schema id every value produced through this target must be stored with; -1 = not checked
 */
record Target(
        String name,
        String bootstrapServers,
        CpuMeter proxyCpu,
        CpuMeter proxyUserCpu,
        double minThroughputRatio,
        double maxAddedP99Millis,
        double minMegabytesPerCore,
        int readsSchemaId,
        int storesSchemaId) {

    /** Pass-through targets (proxy, relay): >= 95% of direct, p99 + 1 ms at most. */
    Target(String name, String bootstrapServers, CpuMeter proxyCpu, CpuMeter proxyUserCpu) {
        this(
                name,
                bootstrapServers,
                proxyCpu,
                proxyUserCpu,
                Report.THROUGHPUT_TARGET,
                Report.ADDED_P99_TARGET_MS,
                Double.NaN,
                -1,
                -1);
    }

    static Target direct(String bootstrapServers) {
        return new Target(
                "direct", bootstrapServers, CpuMeter.NONE, CpuMeter.NONE, Double.NaN, Double.NaN, Double.NaN, -1, -1);
    }

    /** The same target, checking that it delivers and stores records of these schema ids. */
    Target expecting(int reads, int stores) {
        return new Target(
                name,
                bootstrapServers,
                proxyCpu,
                proxyUserCpu,
                minThroughputRatio,
                maxAddedP99Millis,
                minMegabytesPerCore,
                reads,
                stores);
    }
}
