package dev.rosetta.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import dev.rosetta.benchmarks.endtoend.BenchmarkTopics;
import dev.rosetta.benchmarks.endtoend.BrokerProcess;
import dev.rosetta.benchmarks.endtoend.Payload;
import dev.rosetta.proxy.embedded.EmbeddedRegistry;
import dev.rosetta.translators.registry.RegisteredSchema;

/**
 * The soak: Rosetta as it ships ({@code rosetta.jar proxy --config}, its own JVM, Netty leak
 * detection on) translating between a real broker (its own JVM) and Kafka clients for a set time,
 * while its route is ramped and rolled back through the admin API; Rosetta is sampled from its
 * {@code /metrics} and {@code /proc} every few seconds. See {@link SoakOptions#USAGE} and
 * benchmarks/README.md, section "Soak".
 *
 * <p>The workload ({@link Clients}): two keyed producers write Avro {@code orders-value} v1
 * through Rosetta at a fixed rate; the route stores records as v1, and its produce rollout stores
 * a share of keys as v2. Three consumer groups read through Rosetta: {@code soak-v1} (a client-id
 * override: always v1), {@code soak-v2} (always v2) and {@code soak-canary} (no override: the
 * route's consume version, v1, with its rollout of v2). A direct reader records what the broker
 * stores. At every route change ({@link RouteOperator}) a short-lived producer writes a few hundred
 * records on a new connection. Every few minutes a forced full GC in Rosetta measures its live
 * heap, per class.
 *
 * <p>At the end every count is reconciled ({@link Reconciliation}), memory figures are judged
 * ({@link Growth}), Netty's leak reports in Rosetta's log are counted, and the samples are
 * written as {@code soak.csv} and drawn as {@code soak.png} ({@link SoakChart}).
 */
public final class Soak {
    static final String TOPIC = "soak-orders";
    static final String SUBJECT = "orders-value";
    private static final double MIB = 1024.0 * 1024;

    private final SoakOptions options;
    private final ByteArrayOutputStream summary = new ByteArrayOutputStream();
    private final PrintStream report = new PrintStream(summary, true, StandardCharsets.UTF_8);
    private final List<Sample> samples = new ArrayList<>();
    private final List<ClassHistogram> histograms = new ArrayList<>();
    private int sampleErrors;

    private Soak(SoakOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (SoakOptions.HelpRequested help) {
            System.out.print(SoakOptions.USAGE);
            System.exit(0);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            Path redraw = options.redraw();
            if (redraw != null) {
                System.out.println("drew " + SoakChart.redraw(redraw));
                System.exit(0);
                return;
            }
            code = new Soak(options).run();
        } catch (Exception | Error e) { // exit either way: the shutdown hooks stop the broker and Rosetta
            System.err.println("the soak failed to run: " + e);
            e.printStackTrace();
            code = 3;
        }
        System.exit(code);
    }

    /** Both to the console and to summary.txt. */
    private void say(String format, @Nullable Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        System.out.println(line);
        report.println(line);
    }

    private int run() throws Exception {
        Path dir = options.out();
        Files.createDirectories(dir.resolve("histograms"));
        Path jar = options.jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Rosetta jar at " + jar.toAbsolutePath()
                    + ": build it (mvn -B -ntp -q -pl benchmarks -am package -DskipTests) or pass --jar");
        }
        Path contracts = options.examples().resolve("contracts");
        Path translators = options.examples().resolve("translators");
        if (!Files.isDirectory(contracts) || !Files.isDirectory(translators)) {
            throw new IllegalStateException("no contracts/ and translators/ under "
                    + options.examples().toAbsolutePath() + ": run from the repository root or pass --examples");
        }
        say("# Rosetta soak, %s", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        say(
                "# machine: %d cores, %s, Java %s, nice %s (the broker and Rosetta inherit it), load average %s",
                Machine.cores(),
                Machine.memory(),
                System.getProperty("java.version"),
                Machine.niceness(),
                Machine.loadAverages());
        say("# Rosetta: %s, %s", jar, Machine.version(jar));
        say("# %s", options.describe());
        say("# output: %s", dir.toAbsolutePath());
        try (BrokerProcess broker = BrokerProcess.start(options.brokerJvmOptions(), Duration.ofSeconds(90), 0);
                EmbeddedRegistry registry = EmbeddedRegistry.start(contracts);
                Admin admin = Admin.create(adminProps(broker.bootstrapServers()))) {
            RegisteredSchema s1 = registry.schema(SUBJECT, 1)
                    .orElseThrow(() -> new IllegalStateException(SUBJECT + " v1 not in " + contracts));
            RegisteredSchema s2 = registry.schema(SUBJECT, 2)
                    .orElseThrow(() -> new IllegalStateException(SUBJECT + " v2 not in " + contracts));
            Payload.AvroOrders payload = (Payload.AvroOrders) Payload.avroOrders(
                    options.recordBytes(),
                    new Schema.Parser().parse(s1.schema()),
                    s1.id(),
                    new Schema.Parser().parse(s2.schema()),
                    s2.id());
            new BenchmarkTopics(admin, options.partitions()).create(TOPIC);
            int bootstrapPort = BrokerProcess.freePort();
            int adminPort = BrokerProcess.freePort();
            String adminUrl = "http://127.0.0.1:" + adminPort;
            Path config = dir.resolve("rosetta.yaml");
            Files.writeString(
                    config,
                    config(
                            broker.bootstrapServers(),
                            registry.url(),
                            translators,
                            bootstrapPort,
                            adminPort,
                            dir.resolve("rosetta-audit.jsonl")));
            List<String> jvm = new ArrayList<>(options.rosettaJvmOptions());
            jvm.add("-Dio.netty.leakDetection.level=" + options.leakDetection());
            say(
                    "# broker %s, registry %s (v1 = schema id %d, v2 = %d), Rosetta at 127.0.0.1:%d, admin API %s",
                    broker.bootstrapServers(), registry.url(), s1.id(), s2.id(), bootstrapPort, adminUrl);
            try (RosettaProcess rosetta = RosettaProcess.start(
                    jar, config, jvm, dir.resolve("rosetta.log"), adminUrl, Duration.ofSeconds(90))) {
                say("# Rosetta pid %d, log %s", rosetta.pid(), rosetta.log());
                Clients clients = new Clients(
                        TOPIC,
                        options.partitions(),
                        "127.0.0.1:" + bootstrapPort,
                        broker.bootstrapServers(),
                        payload,
                        s1.id(),
                        s2.id());
                clients.startReaders(Duration.ofSeconds(90));
                RouteOperator operator = new RouteOperator(rosetta, TOPIC);
                long t0 = System.nanoTime();
                clients.startProducers(options.rate());
                double stoppedAt = drive(t0, rosetta, clients, operator);
                Map<Integer, Long> ends = drain(t0, admin, rosetta, clients);
                return judge(rosetta, clients, operator.events(), ends, stoppedAt);
            }
        } finally {
            Files.writeString(dir.resolve("summary.txt"), summary.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * The soak itself, for {@code --duration}: samples, route changes with a visitor each, forced
     * full GCs. Returns when the producers are to stop (seconds since {@code t0}).
     */
    private double drive(long t0, RosettaProcess rosetta, Clients clients, RouteOperator operator)
            throws IOException, InterruptedException {
        long duration = options.duration().toNanos();
        long interval = options.sampleInterval().toNanos();
        long rolloutEvery = options.rolloutEvery().toNanos();
        List<Long> gcAt = forcedGcTimes();
        int gcIndex = 0;
        long nextSample = t0;
        long nextStep = t0 + rolloutEvery;
        long lastProgress = 0;
        say(
                "%n%7s %8s %8s %8s %8s %8s %6s %6s %6s %9s %9s %5s %s",
                "t(s)",
                "heap",
                "oldGC",
                "RSS",
                "netty",
                "direct",
                "GC/min",
                "conns",
                "thr",
                "acked/s",
                "read/s",
                "rev",
                "(MiB; rates since the last sample)");
        while (true) {
            long now = System.nanoTime();
            if (now - t0 >= duration) {
                break;
            }
            long gcDue = gcIndex < gcAt.size() ? t0 + gcAt.get(gcIndex) : Long.MAX_VALUE;
            long due = Math.min(Math.min(nextSample, nextStep), Math.min(gcDue, t0 + duration));
            if (due > now) {
                TimeUnit.NANOSECONDS.sleep(due - now);
                continue;
            }
            if (!rosetta.isAlive()) {
                say("Rosetta exited during the soak; its log: %s", rosetta.log());
                break;
            }
            if (now >= nextStep) {
                double seconds = seconds(t0);
                RouteOperator.Event e = operator.step(seconds);
                say(
                        "%7.0f route change: %s -> revision %d, produce v2 %s%%, consume (no override) v2 %s%%%s",
                        seconds,
                        e.description(),
                        e.revision(),
                        RouteOperator.plain(e.produceV2Percent()),
                        RouteOperator.plain(e.consumeV2Percent()),
                        e.ok() ? "" : " FAILED: " + e.error());
                if (options.visitorRecords() > 0) {
                    clients.startVisitor(options.visitorRecords());
                }
                nextStep += rolloutEvery;
            }
            if (now >= gcDue) {
                gcIndex++;
                forcedGc(t0, rosetta, clients);
            }
            if (now >= nextSample) {
                samples.add(sample(seconds(t0), rosetta, clients, false));
                if (now - lastProgress >= TimeUnit.SECONDS.toNanos(30) || samples.size() <= 2) {
                    lastProgress = now;
                    progress();
                }
                nextSample += interval;
            }
        }
        return seconds(t0);
    }

    /** A full GC in Rosetta, with its class histogram (kept in histograms/) and a sample right after it. */
    private void forcedGc(long t0, RosettaProcess rosetta, Clients clients) throws IOException {
        String text = rosetta.classHistogram();
        Sample s = sample(seconds(t0), rosetta, clients, true);
        samples.add(s);
        ClassHistogram h = ClassHistogram.parse(s.seconds(), text);
        histograms.add(h);
        Files.writeString(
                options.out().resolve("histograms").resolve(String.format(Locale.ROOT, "%05.0fs.txt", s.seconds())),
                text);
        say(
                "%7.0f forced full GC: live heap (old gen after it) %.1f MiB (class histogram: %.1f MiB), RSS %.1f MiB",
                s.seconds(), s.forcedGcLiveHeap() / MIB, h.totalBytes() / MIB, s.rss() / MIB);
    }

    /** Forced GCs from the end of the warm-up, every {@code --gc-every}, and one shortly before the end. */
    private List<Long> forcedGcTimes() {
        long last = options.duration().toNanos() - 3 * options.sampleInterval().toNanos();
        List<Long> at = new ArrayList<>();
        long every = options.gcEvery().toNanos();
        if (every > 0) {
            for (long t = options.warmup().toNanos(); t < last; t += every) {
                at.add(t);
            }
        }
        // one near the end, so that leaked buffers are found while traffic still allocates (Netty reports then)
        if (last > 0 && (at.isEmpty() || last - at.get(at.size() - 1) > TimeUnit.SECONDS.toNanos(60))) {
            at.add(last);
        }
        return at;
    }

    /**
     * Stops the producers, then waits until every reader has read everything the broker stores.
     * Returns the broker's end offsets.
     */
    private Map<Integer, Long> drain(long t0, Admin admin, RosettaProcess rosetta, Clients clients) throws Exception {
        say("%7.0f stopping the producers", seconds(t0));
        clients.stopProducers(Duration.ofMinutes(3));
        Map<Integer, Long> ends = endOffsets(admin, options.partitions());
        say(
                "%7.0f producers stopped; the broker holds %,d records; waiting for the readers to catch up",
                seconds(t0), ends.values().stream().mapToLong(Long::longValue).sum());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long nextSample = System.nanoTime() + options.sampleInterval().toNanos();
        while (!clients.caughtUp(ends)) {
            if (System.nanoTime() > deadline) {
                say("readers did not catch up within 3 minutes:");
                for (Reader r : clients.readers()) {
                    say("  %s at %s", r.name(), positions(r, options.partitions()));
                }
                break;
            }
            if (System.nanoTime() > nextSample) {
                samples.add(sample(seconds(t0), rosetta, clients, false));
                nextSample += options.sampleInterval().toNanos();
            }
            Thread.sleep(100);
        }
        samples.add(sample(seconds(t0), rosetta, clients, false));
        clients.stopReaders();
        return ends;
    }

    /** The verdicts, the summary, the CSV and the chart; returns the exit status. */
    private int judge(
            RosettaProcess rosetta,
            Clients clients,
            List<RouteOperator.Event> events,
            Map<Integer, Long> ends,
            double stoppedAt)
            throws IOException {
        PrometheusText last = rosetta.metrics(); // every client stopped: Rosetta's counts are final
        int leaksBeforeStop = rosetta.logLines("LEAK:").size();
        int rosettaExit = rosetta.stop();
        List<String> leaks = rosetta.logLines("LEAK:");
        List<String> errors = rosetta.logLines(" ERROR ");
        List<String> warnings = rosetta.logLines(" WARN ");
        Reconciliation counts =
                Reconciliation.of(TOPIC, ends, clients.stored(), clients.groups(), clients.producers(), last);
        double warm = options.warmup().toSeconds();
        List<Growth> memory = memoryFigures(warm, stoppedAt);
        long failedChanges = events.stream().filter(e -> !e.ok()).count();
        List<String> readerNames = clients.readers().stream().map(Reader::name).toList();

        say(
                "%n## Samples from the end of the warm-up (%s) until the producers stopped: medians of each half and"
                        + " the range",
                SoakOptions.seconds(options.warmup()));
        say(
                "%-44s %6s %10s %10s %10s %10s %10s %12s  %s",
                "figure",
                "n",
                "median",
                "min",
                "max",
                "1st half",
                "2nd half",
                "slope/hour",
                "verdict (allowed growth)");
        for (Growth g : memory) {
            say(
                    "%-44s %6d %10s %10s %10s %10s %10s %12s  %s%s",
                    g.what() + (g.unit().isEmpty() ? "" : " (" + g.unit() + ")"),
                    g.values(),
                    g.format(g.median()),
                    g.format(g.min()),
                    g.format(g.max()),
                    g.format(g.firstHalf()),
                    g.format(g.secondHalf()),
                    g.format(g.slopePerHour()),
                    g.verdict(),
                    g.checked() ? " (" + g.format(g.allowed()) + ")" : "");
        }
        rates(readerNames, warm, stoppedAt);
        liveHeapByClass(warm);

        say("%n## Route changes: %d through the admin API, %d failed", events.size(), failedChanges);
        say(
                "## Records: %,d stored (%,d as v1, %,d as v2) from %d producers (%d short-lived)",
                ends.values().stream().mapToLong(Long::longValue).sum(),
                counts.storedV1(),
                counts.storedV2(),
                clients.producers().size(),
                clients.visitors());
        for (PacedProducer p : clients.steadyProducers()) {
            say(
                    "   %s: %,d acknowledged, %,d failed, schedule restarted %d times after stalls > 1 s%s",
                    p.name(),
                    p.acked(),
                    p.failed(),
                    p.scheduleResets(),
                    p.firstError() == null ? "" : ", " + p.firstError());
        }
        for (Reader r : clients.readers()) {
            if (r.firstProblem() != null || r.commitFailures() > 0) {
                say("   %s: first problem %s; %d failed commits", r.name(), r.firstProblem(), r.commitFailures());
            }
        }
        say("%n## Reconciliation");
        counts.print(System.out);
        counts.print(report);

        say("%n## Rosetta's log (%s)", rosetta.log());
        say(
                "   Netty leak reports (LEAK:) at level %s: %d (%d before Rosetta was stopped)",
                options.leakDetection(), leaks.size(), leaksBeforeStop);
        if (!leaks.isEmpty()) {
            rosetta.logFrom("LEAK:", 30).forEach(l -> say("     %s", l));
        }
        say(
                "   ERROR lines: %d, WARN lines: %d; Rosetta's exit code after SIGTERM: %d (143 = 128 + SIGTERM, the"
                        + " JVM's usual)",
                errors.size(), warnings.size(), rosettaExit);
        errors.stream().limit(5).forEach(l -> say("     %s", l));
        warnings.stream().limit(5).forEach(l -> say("     %s", l));
        if (sampleErrors > 0) {
            say("   /metrics could not be read for %d samples", sampleErrors);
        }

        boolean memoryFlat = memory.stream().noneMatch(Growth::grew);
        boolean ok = counts.ok() && leaks.isEmpty() && memoryFlat && failedChanges == 0 && errors.isEmpty();
        String verdict = (ok ? "PASS" : "FAIL") + ": counts " + (counts.ok() ? "reconcile" : "DO NOT reconcile")
                + ", " + leaks.size() + " leak reports, memory " + (memoryFlat ? "flat" : "GREW") + ", "
                + failedChanges + " failed route changes, " + errors.size() + " ERROR lines";
        Path csv = options.out().resolve("soak.csv");
        Path changes = options.out().resolve("route-changes.csv");
        Path png = options.out().resolve("soak.png");
        SoakCsv.samples(csv, samples, readerNames);
        SoakCsv.routeChanges(changes, events);
        Growth live = memory.get(0);
        Growth rss = memory.get(1);
        String title = "Rosetta soak: " + SoakOptions.seconds(options.duration()) + ", " + options.rate()
                + " records/s of " + options.recordBytes() + " B translated, route changed every "
                + SoakOptions.seconds(options.rolloutEvery());
        List<String> subtitles = List.of(
                verdict,
                String.format(
                        Locale.ROOT,
                        "%s, %s, %d cores, load average %s at the end; live heap %s -> %s MiB, RSS %s -> %s"
                                + " MiB (medians of the halves after the warm-up); %d route changes",
                        ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE),
                        Machine.version(options.jar()),
                        Machine.cores(),
                        Machine.loadAverages(),
                        live.format(live.firstHalf()),
                        live.format(live.secondHalf()),
                        rss.format(rss.firstHalf()),
                        rss.format(rss.secondHalf()),
                        events.size()));
        SoakChart.saveTitles(options.out().resolve(SoakChart.TITLES), title, subtitles, readerNames, stoppedAt);
        SoakChart.write(png, title, subtitles, samples, readerNames, events, stoppedAt);
        say("%n# %s", verdict);
        say("# samples: %s, route changes: %s, chart: %s", csv, changes, png);
        return ok ? 0 : 1;
    }

    /**
     * The memory figures and how much each may grow: the checked ones decide the verdict, the others
     * are reported. The live heap is what a forced full GC leaves; RSS includes the heap as the JVM
     * commits it (bounded by -Xmx), so its allowance is larger.
     */
    private List<Growth> memoryFigures(double from, double to) {
        return List.of(
                Growth.of(
                        "live heap after forced full GC",
                        "MiB",
                        samples,
                        from,
                        to,
                        Sample::forcedGcLiveHeap,
                        0.10,
                        8 * MIB,
                        true),
                Growth.of("RSS (VmRSS)", "MiB", samples, from, to, Sample::rss, 0.10, 32 * MIB, true),
                Growth.of(
                        "Netty frame pool, direct",
                        "MiB",
                        samples,
                        from,
                        to,
                        Sample::nettyDirect,
                        0.10,
                        16 * MIB,
                        true),
                Growth.of("JDK direct buffers", "MiB", samples, from, to, Sample::directBuffers, 0.10, 8 * MIB, true),
                Growth.of("metaspace (classes)", "MiB", samples, from, to, Sample::metaspaceUsed, 0.10, 8 * MIB, true),
                Growth.of("threads", "", samples, from, to, Sample::threads, 0, 4, true),
                Growth.of(
                        "heap used (saw-tooth)",
                        "MiB",
                        samples,
                        from,
                        to,
                        s -> s.forced() ? Double.NaN : s.heapUsed(),
                        0,
                        0,
                        false),
                Growth.of(
                        "old gen after GC (jvm_gc_live_data_size)",
                        "MiB",
                        samples,
                        from,
                        to,
                        Sample::liveDataAfterGc,
                        0,
                        0,
                        false),
                Growth.of(
                        "non-heap (metaspace, code cache)", "MiB", samples, from, to, Sample::nonHeapUsed, 0, 0, false),
                Growth.of("heap committed", "MiB", samples, from, to, Sample::heapCommitted, 0, 0, false),
                Growth.of("client connections open", "", samples, from, to, Sample::connectionsActive, 0, 0, false));
    }

    private Sample sample(double seconds, RosettaProcess rosetta, Clients clients, boolean forced) {
        long acked = clients.acked();
        long[] consumed = clients.consumed();
        double load = Machine.load1();
        try {
            PrometheusText m = rosetta.metrics();
            double rss = rosetta.rssBytes();
            Sample s = Sample.of(seconds, m, rss, acked, consumed, load, Double.NaN);
            return forced ? Sample.of(seconds, m, rss, acked, consumed, load, s.oldGenUsed()) : s;
        } catch (IOException | RuntimeException e) {
            sampleErrors++;
            return Sample.clientsOnly(seconds, rosetta.rssBytes(), acked, consumed, load);
        }
    }

    /** The last sample, with rates since the ordinary sample before it. */
    private void progress() {
        Sample s = samples.get(samples.size() - 1);
        Sample p = null;
        for (int i = samples.size() - 2; i >= 0 && p == null; i--) {
            p = samples.get(i).forced() ? null : samples.get(i);
        }
        double dt = p == null ? Double.NaN : s.seconds() - p.seconds();
        double read = Double.NaN;
        if (p != null) {
            read = 0;
            for (int i = 0; i < s.consumed().length; i++) {
                read += s.consumed()[i] - p.consumed()[i];
            }
            read /= dt;
        }
        say(
                "%7.0f %8.1f %8.1f %8.1f %8.1f %8.1f %6.1f %6.0f %6.0f %9.0f %9.0f %5.0f",
                s.seconds(),
                s.heapUsed() / MIB,
                s.liveDataAfterGc() / MIB,
                s.rss() / MIB,
                s.nettyDirect() / MIB,
                s.directBuffers() / MIB,
                p == null ? Double.NaN : (s.gcCount() - p.gcCount()) / dt * 60,
                s.connectionsActive(),
                s.threads(),
                p == null ? Double.NaN : (s.acked() - p.acked()) / dt,
                read,
                s.routesRevision());
    }

    /** Medians and ranges of the rates between samples, from the end of the warm-up until the producers stopped. */
    private void rates(List<String> readers, double from, double to) {
        // the sample right after a forced GC splits an interval: rates are taken between ordinary samples
        List<Sample> window = samples.stream()
                .filter(s -> s.seconds() >= from && s.seconds() <= to && !s.forced())
                .toList();
        record Rate(String what, List<Double> values) {}
        List<Rate> rates = new ArrayList<>();
        rates.add(new Rate("acknowledged to producers (records/s)", new ArrayList<>()));
        for (String r : readers) {
            rates.add(new Rate("read by " + r + " (records/s)", new ArrayList<>()));
        }
        rates.add(new Rate("Rosetta CPU (% of one core)", new ArrayList<>()));
        rates.add(new Rate("GC pauses per minute", new ArrayList<>()));
        rates.add(new Rate("GC pause time (ms per s)", new ArrayList<>()));
        rates.add(new Rate("longest GC pause, Micrometer's window (ms)", new ArrayList<>()));
        for (int i = 1; i < window.size(); i++) {
            Sample a = window.get(i - 1);
            Sample b = window.get(i);
            double dt = b.seconds() - a.seconds();
            int k = 0;
            rates.get(k++).values().add((b.acked() - a.acked()) / dt);
            for (int j = 0; j < readers.size(); j++) {
                rates.get(k++).values().add((b.consumed()[j] - a.consumed()[j]) / dt);
            }
            rates.get(k++).values().add((b.cpuSeconds() - a.cpuSeconds()) / dt * 100);
            rates.get(k++).values().add((b.gcCount() - a.gcCount()) / dt * 60);
            rates.get(k++).values().add((b.gcPauseSeconds() - a.gcPauseSeconds()) / dt * 1000);
            rates.get(k).values().add(b.gcPauseMaxSeconds() * 1000);
        }
        for (Rate r : rates) {
            List<Double> v =
                    r.values().stream().filter(x -> !Double.isNaN(x)).sorted().toList();
            if (!v.isEmpty()) {
                say(
                        "%-44s %6d %10.1f %10.1f %10.1f",
                        r.what(), v.size(), Growth.median(v), v.get(0), v.get(v.size() - 1));
            }
        }
    }

    /** The classes whose live bytes grew most between the first forced GC after the warm-up and the last. */
    private void liveHeapByClass(double warm) {
        if (histograms.size() < 2) {
            return;
        }
        ClassHistogram first =
                histograms.stream().filter(h -> h.seconds() >= warm).findFirst().orElse(histograms.get(0));
        ClassHistogram last = histograms.get(histograms.size() - 1);
        say(
                "%n## Live heap by class: the forced full GC at %.0f s against the one at %.0f s (histograms/)",
                last.seconds(), first.seconds());
        say(
                "   total %.1f -> %.1f MiB; the classes that grew most:",
                first.totalBytes() / MIB, last.totalBytes() / MIB);
        for (ClassHistogram.Change c : last.grownSince(first, 8)) {
            say(
                    "   %+10.1f KiB  %,10d -> %,10d instances  %s",
                    c.bytes() / 1024.0, c.instancesBefore(), c.instancesAfter(), c.className());
        }
    }

    private static String positions(Reader r, int partitions) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < partitions; p++) {
            b.append(p == 0 ? "" : ", ").append(p).append(':').append(r.next(p));
        }
        return b.toString();
    }

    private static Map<Integer, Long> endOffsets(Admin admin, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(latest)
                .all()
                .get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    /** Rosetta's configuration: the soak topic's route stores v1 and reads v1, but for the v2 group's override. */
    private static String config(
            String upstream, String registryUrl, Path translators, int bootstrapPort, int adminPort, Path audit) {
        return """
                # Written by the soak (dev.rosetta.benchmarks.soak.Soak): Rosetta in front of the soak's broker.
                listener:
                  bindHost: 127.0.0.1
                  advertisedHost: 127.0.0.1
                  bootstrapPort: %d
                  brokerPortBase: 0
                upstream:
                  bootstrapServers: %s
                registry:
                  url: %s
                translators:
                  directory: %s
                admin:
                  bindHost: 127.0.0.1
                  port: %d
                distribution:
                  sidecarId: soak
                audit:
                  file: %s
                routes:
                  - topic: %s
                    valueSubject: %s
                    consume:
                      version: 1
                      overrides:
                        - clientId: "soak-v1-*"
                          version: 1
                        - clientId: "soak-v2-*"
                          version: 2
                    produce:
                      version: 1
                """.formatted(
                        bootstrapPort,
                        upstream,
                        registryUrl,
                        translators.toAbsolutePath(),
                        adminPort,
                        audit.toAbsolutePath(),
                        TOPIC,
                        SUBJECT);
    }

    private static Properties adminProps(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
