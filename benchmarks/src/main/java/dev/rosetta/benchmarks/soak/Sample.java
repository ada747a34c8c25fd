package dev.rosetta.benchmarks.soak;

/**
 * What the soak knows about Rosetta and its clients at one moment. Byte and count values are as
 * read (cumulative counters stay cumulative); NaN where a value could not be read.
 *
 * @param seconds               since the producers started
 * @param heapUsed              {@code jvm_memory_used_bytes{area="heap"}}, all pools
 * @param heapCommitted         {@code jvm_memory_committed_bytes{area="heap"}}
 * @param oldGenUsed            the old generation's part of {@code heapUsed}
 * @param liveDataAfterGc       {@code jvm_gc_live_data_size_bytes}: the old generation after the last GC that shrank it
 * @param nonHeapUsed           {@code jvm_memory_used_bytes{area="nonheap"}} (metaspace, code cache)
 * @param metaspaceUsed         its {@code Metaspace} pool: loaded classes (the code cache grows with the JIT, not with leaks)
 * @param rss                   VmRSS of Rosetta's process, from {@code /proc/<pid>/status}
 * @param directBuffers         {@code jvm_buffer_memory_used_bytes{id="direct"}}: the JDK's direct buffers
 * @param nettyDirect           {@code rosetta_proxy_buffer_memory_bytes{kind="direct"}}: the frame pool's direct chunks
 * @param nettyHeap             {@code rosetta_proxy_buffer_memory_bytes{kind="heap"}}
 * @param gcCount               GC pauses so far, the forced full GCs of the soak left out
 * @param gcPauseSeconds        their total time
 * @param gcPauseMaxSeconds     {@code jvm_gc_pause_seconds_max}: the longest pause in Micrometer's recent window
 * @param threads               live threads
 * @param connectionsActive     {@code rosetta_proxy_connections_active}, all labels
 * @param connectionsAccepted   {@code rosetta_proxy_connections_accepted_total}
 * @param rosettaProduceRecords {@code rosetta_records_total{direction="produce"}}, every outcome
 * @param rosettaConsumeRecords {@code rosetta_records_total{direction="consume"}}, every outcome
 * @param cpuSeconds            {@code process_cpu_time_ns_total} in seconds
 * @param routesRevision        {@code rosetta_routes_revision}
 * @param acked                 records the broker acknowledged to the soak's producers (through Rosetta)
 * @param consumed              records each reader has read, in the order of the soak's readers
 * @param load1                 the machine's 1-minute load average
 * @param forcedGcLiveHeap      the old generation right after a forced full GC, NaN for ordinary samples
 */
record Sample(
        double seconds,
        double heapUsed,
        double heapCommitted,
        double oldGenUsed,
        double liveDataAfterGc,
        double nonHeapUsed,
        double metaspaceUsed,
        double rss,
        double directBuffers,
        double nettyDirect,
        double nettyHeap,
        double gcCount,
        double gcPauseSeconds,
        double gcPauseMaxSeconds,
        double threads,
        double connectionsActive,
        double connectionsAccepted,
        double rosettaProduceRecords,
        double rosettaConsumeRecords,
        double cpuSeconds,
        double routesRevision,
        long acked,
        long[] consumed,
        double load1,
        double forcedGcLiveHeap) {

    /**
     * GC causes of the soak's own collections ({@code jcmd GC.class_histogram}, or a
     * {@code GC.run}/{@code System.gc()} by hand), left out of the GC figures.
     */
    static boolean forcedCause(String cause) {
        return cause.equals("Heap Inspection Initiated GC")
                || cause.equals("Diagnostic Command")
                || cause.equals("System.gc()");
    }

    /** Whether this sample was taken right after a forced full GC (its heap figures are then at their floor). */
    boolean forced() {
        return !Double.isNaN(forcedGcLiveHeap);
    }

    static Sample of(
            double seconds,
            PrometheusText m,
            double rss,
            long acked,
            long[] consumed,
            double load1,
            double forcedGcLiveHeap) {
        return new Sample(
                seconds,
                m.sum("jvm_memory_used_bytes", "area", "heap"),
                m.sum("jvm_memory_committed_bytes", "area", "heap"),
                m.sum(
                        "jvm_memory_used_bytes",
                        l -> "heap".equals(l.get("area"))
                                && l.getOrDefault("id", "").contains("Old Gen")),
                m.sum("jvm_gc_live_data_size_bytes"),
                m.sum("jvm_memory_used_bytes", "area", "nonheap"),
                m.sum("jvm_memory_used_bytes", "area", "nonheap", "id", "Metaspace"),
                rss,
                m.sum("jvm_buffer_memory_used_bytes", "id", "direct"),
                m.sum("rosetta_proxy_buffer_memory_bytes", "kind", "direct"),
                m.sum("rosetta_proxy_buffer_memory_bytes", "kind", "heap"),
                orZero(m.sum("jvm_gc_pause_seconds_count", l -> !forcedCause(l.getOrDefault("cause", "")))),
                orZero(m.sum("jvm_gc_pause_seconds_sum", l -> !forcedCause(l.getOrDefault("cause", "")))),
                m.max("jvm_gc_pause_seconds_max", l -> !forcedCause(l.getOrDefault("cause", ""))),
                m.sum("jvm_threads_live_threads"),
                m.sum("rosetta_proxy_connections_active"),
                m.sum("rosetta_proxy_connections_accepted_total"),
                orZero(m.sum("rosetta_records_total", "direction", "produce")),
                orZero(m.sum("rosetta_records_total", "direction", "consume")),
                m.sum("process_cpu_time_ns_total") / 1e9,
                m.sum("rosetta_routes_revision"),
                acked,
                consumed.clone(),
                load1,
                forcedGcLiveHeap);
    }

    /** A sample for a moment Rosetta's metrics could not be read: client figures only. */
    static Sample clientsOnly(double seconds, double rss, long acked, long[] consumed, double load1) {
        double n = Double.NaN;
        return new Sample(
                seconds,
                n,
                n,
                n,
                n,
                n,
                n,
                rss,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                acked,
                consumed.clone(),
                load1,
                n);
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
