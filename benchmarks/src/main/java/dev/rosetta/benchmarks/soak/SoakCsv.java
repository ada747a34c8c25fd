package dev.rosetta.benchmarks.soak;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The soak's samples and route changes as CSV files (bytes, counts and seconds as read; empty where unknown). */
final class SoakCsv {
    private SoakCsv() {}

    static void samples(Path file, List<Sample> samples, List<String> readers) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            StringBuilder header = new StringBuilder("seconds,heap_used,heap_committed,old_gen_used,"
                    + "old_gen_after_gc,non_heap_used,metaspace_used,rss,jdk_direct_buffers,netty_pool_direct,netty_pool_heap,"
                    + "gc_count,gc_pause_seconds,gc_pause_max_seconds,threads,connections_active,connections_accepted,"
                    + "rosetta_produce_records,rosetta_consume_records,rosetta_cpu_seconds,routes_revision,acked");
            for (String r : readers) {
                header.append(",read_")
                        .append(r.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_$", ""));
            }
            header.append(",load1,live_heap_after_forced_gc\n");
            w.write(header.toString());
            for (Sample s : samples) {
                StringBuilder row = new StringBuilder();
                row.append(String.format(Locale.ROOT, "%.1f", s.seconds()));
                for (double v : new double[] {
                    s.heapUsed(),
                    s.heapCommitted(),
                    s.oldGenUsed(),
                    s.liveDataAfterGc(),
                    s.nonHeapUsed(),
                    s.metaspaceUsed(),
                    s.rss(),
                    s.directBuffers(),
                    s.nettyDirect(),
                    s.nettyHeap(),
                    s.gcCount(),
                }) {
                    row.append(',').append(number(v, 0));
                }
                row.append(',')
                        .append(number(s.gcPauseSeconds(), 4))
                        .append(',')
                        .append(number(s.gcPauseMaxSeconds(), 4));
                for (double v : new double[] {
                    s.threads(),
                    s.connectionsActive(),
                    s.connectionsAccepted(),
                    s.rosettaProduceRecords(),
                    s.rosettaConsumeRecords(),
                }) {
                    row.append(',').append(number(v, 0));
                }
                row.append(',').append(number(s.cpuSeconds(), 2)).append(',').append(number(s.routesRevision(), 0));
                row.append(',').append(s.acked());
                for (long c : s.consumed()) {
                    row.append(',').append(c);
                }
                row.append(',').append(number(s.load1(), 2)).append(',').append(number(s.forcedGcLiveHeap(), 0));
                w.write(row.append('\n').toString());
            }
        }
    }

    static void routeChanges(Path file, List<RouteOperator.Event> events) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("seconds,step,description,revision,produce_v2_percent,consume_v2_percent,ok\n");
            for (RouteOperator.Event e : events) {
                w.write(String.format(
                        Locale.ROOT,
                        "%.1f,%s,\"%s\",%d,%s,%s,%s%n",
                        e.seconds(),
                        e.label(),
                        e.description().replace("\"", "'"),
                        e.revision(),
                        number(e.produceV2Percent(), 3),
                        number(e.consumeV2Percent(), 3),
                        e.ok()));
            }
        }
    }

    private static String number(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "";
        }
        return decimals == 0 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
