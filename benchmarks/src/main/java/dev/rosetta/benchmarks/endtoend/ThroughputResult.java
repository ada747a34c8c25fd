package dev.rosetta.benchmarks.endtoend;

/**
 * One produce or consume round.
 *
 * @param records        records moved
 * @param bytes          value bytes moved (keys are null, headers none)
 * @param nanos          wall time from the first send (or poll) until the last ack (or record)
 * @param proxyCpuNanos  CPU the proxy's I/O threads used during the round, negative when not measured
 * @param proxyUserCpuNanos the user-mode part of {@code proxyCpuNanos}
 * @param brokerCpuNanos CPU the broker process used during the round, negative when not measured
 * @param requestMillis  the client's own average request latency: producer {@code request-latency-avg}
 *                       or consumer {@code fetch-latency-avg}, the time a request spends on the wire and in
 *                       the broker (and the proxy); NaN when the client did not report it
 * @param requestBytes   the client's average request size ({@code request-size-avg}) or fetch response
 *                       size ({@code fetch-size-avg}), bytes
 */
record ThroughputResult(
        long records,
        long bytes,
        long nanos,
        long proxyCpuNanos,
        long proxyUserCpuNanos,
        long brokerCpuNanos,
        double requestMillis,
        double requestBytes) {

    double recordsPerSecond() {
        return records * 1e9 / nanos;
    }

    /** MB = 10^6 bytes. */
    double megabytesPerSecond() {
        return bytes * 1e3 / nanos;
    }

    /** Proxy CPU milliseconds per MB moved, NaN when not measured. */
    double proxyCpuMillisPerMegabyte() {
        return perMegabyte(proxyCpuNanos);
    }

    double proxyUserCpuMillisPerMegabyte() {
        return perMegabyte(proxyUserCpuNanos);
    }

    double brokerCpuMillisPerMegabyte() {
        return perMegabyte(brokerCpuNanos);
    }

    /** The metric named {@code name} in {@code group} of a Kafka client's metrics, NaN when absent. */
    static double clientMetric(
            java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics,
            String group,
            String name) {
        for (var entry : metrics.entrySet()) {
            if (entry.getKey().group().equals(group)
                    && entry.getKey().name().equals(name)
                    && entry.getKey().tags().get("topic") == null
                    && entry.getKey().tags().get("node-id") == null) {
                Object value = entry.getValue().metricValue();
                return value instanceof Number n ? n.doubleValue() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    private double perMegabyte(long cpuNanos) {
        return cpuNanos < 0 ? Double.NaN : (cpuNanos / 1e6) / (bytes / 1e6);
    }
}
