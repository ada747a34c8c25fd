package dev.rosetta.benchmarks.soak;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The soak's samples and route changes as CSV files (bytes, counts and seconds as read; empty where
 * unknown), and read back from them to draw the chart again ({@code --redraw}).
 */
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

    /** The samples of a file {@link #samples(Path, List, List)} wrote. */
    static List<Sample> readSamples(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        Map<String, Integer> column = new HashMap<>();
        List<Integer> readers = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            column.put(header[i], i);
            if (header[i].startsWith("read_")) {
                readers.add(i);
            }
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            java.util.function.ToDoubleFunction<String> v = name -> {
                String raw = f[java.util.Objects.requireNonNull(column.get(name), () -> "no column " + name)];
                return raw.isEmpty() ? Double.NaN : Double.parseDouble(raw);
            };
            long[] consumed =
                    readers.stream().mapToLong(i -> Long.parseLong(f[i])).toArray();
            samples.add(new Sample(
                    v.applyAsDouble("seconds"),
                    v.applyAsDouble("heap_used"),
                    v.applyAsDouble("heap_committed"),
                    v.applyAsDouble("old_gen_used"),
                    v.applyAsDouble("old_gen_after_gc"),
                    v.applyAsDouble("non_heap_used"),
                    v.applyAsDouble("metaspace_used"),
                    v.applyAsDouble("rss"),
                    v.applyAsDouble("jdk_direct_buffers"),
                    v.applyAsDouble("netty_pool_direct"),
                    v.applyAsDouble("netty_pool_heap"),
                    v.applyAsDouble("gc_count"),
                    v.applyAsDouble("gc_pause_seconds"),
                    v.applyAsDouble("gc_pause_max_seconds"),
                    v.applyAsDouble("threads"),
                    v.applyAsDouble("connections_active"),
                    v.applyAsDouble("connections_accepted"),
                    v.applyAsDouble("rosetta_produce_records"),
                    v.applyAsDouble("rosetta_consume_records"),
                    v.applyAsDouble("rosetta_cpu_seconds"),
                    v.applyAsDouble("routes_revision"),
                    (long) v.applyAsDouble("acked"),
                    consumed,
                    v.applyAsDouble("load1"),
                    v.applyAsDouble("live_heap_after_forced_gc")));
        }
        return samples;
    }

    /** The route changes of a file {@link #routeChanges(Path, List)} wrote. */
    static List<RouteOperator.Event> readRouteChanges(Path file) throws IOException {
        List<RouteOperator.Event> events = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            // seconds,step,"description",revision,produce,consume,ok: the description is the one quoted field
            int open = line.indexOf('"');
            int close = line.lastIndexOf('"');
            String[] head = line.substring(0, open).split(",", -1);
            String[] tail = line.substring(close + 2).split(",", -1);
            events.add(new RouteOperator.Event(
                    Double.parseDouble(head[0]),
                    head[1],
                    line.substring(open + 1, close),
                    Long.parseLong(tail[0]),
                    tail[1].isEmpty() ? Double.NaN : Double.parseDouble(tail[1]),
                    tail[2].isEmpty() ? Double.NaN : Double.parseDouble(tail[2]),
                    Boolean.parseBoolean(tail[3]),
                    ""));
        }
        return events;
    }
}
