package dev.rosetta.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * <p>The workload: two keyed producers write Avro {@code orders-value} v1 through Rosetta at a
 * fixed rate; the route stores records as v1, and its produce rollout stores a share of keys as v2.
 * Three consumer groups read through Rosetta: {@code soak-v1} (client id override: always v1),
 * {@code soak-v2} (always v2) and {@code soak-canary} (no override: the route's consume version,
 * v1, with its rollout of v2). A direct reader records what the broker stores. At every route
 * change a short-lived producer writes a few hundred records on a new connection.
 *
 * <p>At the end every count is reconciled ({@link Reconciliation}), memory figures are judged
 * ({@link Growth}), Netty's leak reports in Rosetta's log are counted, and the samples are
 * written as {@code soak.csv} and drawn as {@code soak.png}.
 */
public final class Soak {
    static final String TOPIC = "soak-orders";
    static final String SUBJECT = "orders-value";
    private static final double MIB = 1024.0 * 1024;

    private final SoakOptions options;
    private final PrintStream out;
    private final ByteArrayOutputStream summary = new ByteArrayOutputStream();
    private final PrintStream report;

    private Soak(SoakOptions options) {
        this.options = options;
        this.out = System.out;
        this.report = new PrintStream(summary, true, StandardCharsets.UTF_8);
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
            code = new Soak(options).run();
        } catch (Exception e) {
            System.err.println("the soak failed to run: " + e);
            e.printStackTrace();
            code = 3;
        }
        System.exit(code);
    }

    /** Both to the console and to summary.txt. */
    private void say(String format, @Nullable Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        out.println(line);
        report.println(line);
    }

    private int run() throws Exception {
        Path dir = options.out();
        Files.createDirectories(dir);
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
                Runtime.getRuntime().availableProcessors(),
                memTotal(),
                System.getProperty("java.version"),
                niceness(),
                loadAverage());
        say("# Rosetta: %s, %s", jar, version(jar));
        say("# %s", options.describe());
        say("# output: %s", dir.toAbsolutePath());

        try (BrokerProcess broker = BrokerProcess.start(options.brokerJvmOptions(), Duration.ofSeconds(90), 0);
                EmbeddedRegistry registry = EmbeddedRegistry.start(contracts);
                Admin admin = Admin.create(adminProps(broker.bootstrapServers()))) {
            RegisteredSchema s1 = registry.schema(SUBJECT, 1)
                    .orElseThrow(() -> new IllegalStateException(SUBJECT + " v1 not in " + contracts));
            RegisteredSchema s2 = registry.schema(SUBJECT, 2)
                    .orElseThrow(() -> new IllegalStateException(SUBJECT + " v2 not in " + contracts));
            int v1 = s1.id();
            int v2 = s2.id();
            Payload.AvroOrders payload = (Payload.AvroOrders) Payload.avroOrders(
                    options.recordBytes(),
                    new Schema.Parser().parse(s1.schema()),
                    v1,
                    new Schema.Parser().parse(s2.schema()),
                    v2);
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
                    broker.bootstrapServers(), registry.url(), v1, v2, bootstrapPort, adminUrl);
            try (RosettaProcess rosetta = RosettaProcess.start(
                    jar, config, jvm, dir.resolve("rosetta.log"), adminUrl, Duration.ofSeconds(90))) {
                say("# Rosetta pid %d, log %s", rosetta.pid(), rosetta.log());
                return soak(broker, admin, rosetta, payload, v1, v2, "127.0.0.1:" + bootstrapPort, adminUrl);
            }
        } finally {
            Files.writeString(dir.resolve("summary.txt"), summary.toString(StandardCharsets.UTF_8));
        }
    }

    private int soak(
            BrokerProcess broker,
            Admin admin,
            RosettaProcess rosetta,
            Payload.AvroOrders payload,
            int v1,
            int v2,
            String bootstrap,
            String adminUrl)
            throws Exception {
        int partitions = options.partitions();
        Reader stored = Reader.direct("broker (direct)", broker.bootstrapServers(), TOPIC, partitions, payload, v1, v2);
        List<Reader> groups = List.of(
                Reader.group(
                        "soak-v1",
                        bootstrap,
                        "soak-v1",
                        "soak-v1-reader",
                        TOPIC,
                        partitions,
                        payload,
                        v1,
                        v2,
                        Set.of(v1)),
                Reader.group(
                        "soak-v2",
                        bootstrap,
                        "soak-v2",
                        "soak-v2-reader",
                        TOPIC,
                        partitions,
                        payload,
                        v1,
                        v2,
                        Set.of(v2)),
                Reader.group(
                        "soak-canary",
                        bootstrap,
                        "soak-canary",
                        "soak-canary-reader",
                        TOPIC,
                        partitions,
                        payload,
                        v1,
                        v2,
                        Set.of(v1, v2)));
        List<Reader> readers = new ArrayList<>(groups);
        readers.add(stored);
        List<Thread> readerThreads = new ArrayList<>();
        for (Reader r : readers) {
            readerThreads.add(start(r, "reader-" + r.name()));
        }
        waitFor(
                "every consumer group has its partitions",
                Duration.ofSeconds(90),
                () -> groups.stream().allMatch(g -> g.assignments() > 0 || g.stopped()));

        List<PacedProducer> producers = new ArrayList<>();
        List<Thread> producerThreads = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            PacedProducer p = new PacedProducer(
                    "soak-producer-" + (k + 1),
                    producerProps(bootstrap, "soak-producer-" + (k + 1), payload),
                    payload,
                    TOPIC,
                    options.rate() / 2.0,
                    Long.MAX_VALUE,
                    k,
                    2);
            producers.add(p);
        }
        RouteOperator operator = new RouteOperator(adminUrl, TOPIC);
        List<Sample> samples = new ArrayList<>();
        List<ClassHistogram> histograms = new ArrayList<>();
        Path histogramDir = Files.createDirectories(options.out().resolve("histograms"));
        List<String> readerNames = readers.stream().map(Reader::name).toList();

        long t0 = System.nanoTime();
        for (PacedProducer p : producers) {
            producerThreads.add(start(p, p.name()));
        }
        long duration = options.duration().toNanos();
        long interval = options.sampleInterval().toNanos();
        long rolloutEvery = options.rolloutEvery().toNanos();
        List<Long> gcAt = forcedGcTimes();
        int gcIndex = 0;
        long nextSample = t0;
        long nextStep = t0 + rolloutEvery;
        int visitors = 0;
        int sampleErrors = 0;
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
                "(MiB; rates over the last interval)");
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
                    visitors++;
                    String name = "soak-visitor-" + visitors;
                    PacedProducer visitor = new PacedProducer(
                            name,
                            producerProps(bootstrap, name, payload),
                            payload,
                            TOPIC,
                            0,
                            options.visitorRecords(),
                            1_000_000L * visitors,
                            1);
                    producers.add(visitor);
                    producerThreads.add(start(visitor, name));
                }
                nextStep += rolloutEvery;
            }
            if (now >= gcDue) {
                gcIndex++;
                String text = rosetta.classHistogram();
                Sample s = sample(rosetta, seconds(t0), producers, readers, true);
                samples.add(s);
                ClassHistogram h = ClassHistogram.parse(s.seconds(), text);
                histograms.add(h);
                Files.writeString(histogramDir.resolve(String.format(Locale.ROOT, "%05.0fs.txt", s.seconds())), text);
                say(
                        "%7.0f forced full GC: live heap (old gen after it) %.1f MiB (class histogram: %.1f MiB), RSS %.1f MiB",
                        s.seconds(), s.forcedGcLiveHeap() / MIB, h.totalBytes() / MIB, s.rss() / MIB);
            }
            if (now >= nextSample) {
                Sample s = sample(rosetta, seconds(t0), producers, readers, false);
                if (Double.isNaN(s.heapUsed())) {
                    sampleErrors++;
                }
                samples.add(s);
                if (now - lastProgress >= TimeUnit.SECONDS.toNanos(30) || samples.size() <= 2) {
                    lastProgress = now;
                    progress(samples);
                }
                nextSample += interval;
            }
        }
        double producersStoppedAt = seconds(t0);
        say("%7.0f stopping the producers", producersStoppedAt);
        for (PacedProducer p : producers) {
            p.stop();
        }
        for (Thread t : producerThreads) {
            t.join(TimeUnit.MINUTES.toMillis(3));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 3 minutes");
            }
        }
        Map<Integer, Long> ends = endOffsets(admin, partitions);
        long inBroker = ends.values().stream().mapToLong(Long::longValue).sum();
        say(
                "%7.0f producers stopped; the broker holds %,d records; waiting for the readers to catch up",
                seconds(t0), inBroker);
        long catchUpDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long nextCatchUpSample = System.nanoTime() + interval;
        while (!readers.stream().allMatch(r -> r.caughtUp(ends) || r.stopped())) {
            if (System.nanoTime() > catchUpDeadline) {
                say("readers did not catch up within 3 minutes:");
                for (Reader r : readers) {
                    say("  %s at %s", r.name(), positions(r, partitions));
                }
                break;
            }
            if (System.nanoTime() > nextCatchUpSample) {
                samples.add(sample(rosetta, seconds(t0), producers, readers, false));
                nextCatchUpSample += interval;
            }
            Thread.sleep(100);
        }
        samples.add(sample(rosetta, seconds(t0), producers, readers, false));
        for (Reader r : readers) {
            r.stop();
        }
        for (Thread t : readerThreads) {
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
        PrometheusText last = rosetta.metrics();
        List<String> leaksBeforeStop = rosetta.logLines("LEAK:");
        int rosettaExit = rosetta.stop();

        // --- the verdicts
        List<String> leaks = rosetta.logLines("LEAK:");
        List<String> errors = rosetta.logLines(" ERROR ");
        List<String> warnings = rosetta.logLines(" WARN ");
        Reconciliation counts = Reconciliation.of(TOPIC, ends, stored, groups, producers, last);
        double warm = options.warmup().toSeconds();
        double end = producersStoppedAt;
        List<Growth> memory = List.of(
                Growth.of(
                        "live heap after forced full GC",
                        "MiB",
                        samples,
                        warm,
                        end,
                        Sample::forcedGcLiveHeap,
                        0.10,
                        8 * MIB,
                        true),
                Growth.of("RSS (VmRSS)", "MiB", samples, warm, end, Sample::rss, 0.10, 32 * MIB, true),
                Growth.of(
                        "Netty frame pool, direct",
                        "MiB",
                        samples,
                        warm,
                        end,
                        Sample::nettyDirect,
                        0.10,
                        16 * MIB,
                        true),
                Growth.of("JDK direct buffers", "MiB", samples, warm, end, Sample::directBuffers, 0.10, 8 * MIB, true),
                Growth.of(
                        "non-heap (metaspace, code cache)",
                        "MiB",
                        samples,
                        warm,
                        end,
                        Sample::nonHeapUsed,
                        0.10,
                        8 * MIB,
                        true),
                Growth.of("threads", "", samples, warm, end, Sample::threads, 0, 4, true),
                Growth.of(
                        "heap used (saw-tooth)",
                        "MiB",
                        samples,
                        warm,
                        end,
                        s -> s.forced() ? Double.NaN : s.heapUsed(),
                        0,
                        0,
                        false),
                Growth.of(
                        "old gen after GC (jvm_gc_live_data_size)",
                        "MiB",
                        samples,
                        warm,
                        end,
                        Sample::liveDataAfterGc,
                        0,
                        0,
                        false),
                Growth.of(
                        "non-heap (metaspace, code cache)",
                        "MiB",
                        samples,
                        warm,
                        end,
                        Sample::nonHeapUsed,
                        0,
                        0,
                        false),
                Growth.of("heap committed", "MiB", samples, warm, end, Sample::heapCommitted, 0, 0, false),
                Growth.of("client connections open", "", samples, warm, end, Sample::connectionsActive, 0, 0, false));
        List<RouteOperator.Event> events = operator.events();
        long failedChanges = events.stream().filter(e -> !e.ok()).count();

        say(
                "%n## Samples after the warm-up (%s), medians of each half of the rest and the range",
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
        rates(samples, readerNames, warm, end);
        if (histograms.size() >= 2) {
            ClassHistogram first = histograms.stream()
                    .filter(h -> h.seconds() >= warm)
                    .findFirst()
                    .orElse(histograms.get(0));
            ClassHistogram lastHistogram = histograms.get(histograms.size() - 1);
            say(
                    "%n## Live heap by class: the forced full GC at %.0f s against the one at %.0f s (histograms/)",
                    lastHistogram.seconds(), first.seconds());
            say(
                    "   total %.1f -> %.1f MiB; the classes that grew most:",
                    first.totalBytes() / MIB, lastHistogram.totalBytes() / MIB);
            for (ClassHistogram.Change c : lastHistogram.grownSince(first, 8)) {
                say(
                        "   %+10.1f KiB  %,10d -> %,10d instances  %s",
                        c.bytes() / 1024.0, c.instancesBefore(), c.instancesAfter(), c.className());
            }
        }

        say("%n## Route changes: %d through the admin API, %d failed", events.size(), failedChanges);
        say(
                "## Records: %,d stored (%,d as v1, %,d as v2) from %d producers (%d short-lived)",
                inBroker, counts.storedV1(), counts.storedV2(), producers.size(), visitors);
        for (PacedProducer p : producers.subList(0, 2)) {
            say(
                    "   %s: %,d acknowledged, %,d failed, schedule restarted %d times after stalls > 1 s%s",
                    p.name(),
                    p.acked(),
                    p.failed(),
                    p.scheduleResets(),
                    p.firstError() == null ? "" : ", " + p.firstError());
        }
        for (Reader r : readers) {
            if (r.firstProblem() != null || r.commitFailures() > 0) {
                say("   %s: first problem %s; %d failed commits", r.name(), r.firstProblem(), r.commitFailures());
            }
        }
        say("%n## Reconciliation");
        counts.print(out);
        counts.print(report);

        say("%n## Rosetta's log (%s)", rosetta.log());
        say(
                "   Netty leak reports (LEAK:) at level %s: %d (%d before Rosetta was stopped)",
                options.leakDetection(), leaks.size(), leaksBeforeStop.size());
        if (!leaks.isEmpty()) {
            for (String l : rosetta.logFrom("LEAK:", 30)) {
                say("     %s", l);
            }
        }
        say(
                "   ERROR lines: %d, WARN lines: %d; Rosetta exit code after SIGTERM: %d",
                errors.size(), warnings.size(), rosettaExit);
        errors.stream().limit(5).forEach(l -> say("     %s", l));
        warnings.stream().limit(5).forEach(l -> say("     %s", l));
        if (sampleErrors > 0) {
            say("   /metrics could not be read for %d samples", sampleErrors);
        }

        writeCsv(options.out().resolve("soak.csv"), samples, readerNames);
        writeEvents(options.out().resolve("route-changes.csv"), events);
        boolean memoryFlat = memory.stream().noneMatch(Growth::grew);
        boolean ok = counts.ok() && leaks.isEmpty() && memoryFlat && failedChanges == 0 && errors.isEmpty();
        String verdict = (ok ? "PASS" : "FAIL") + ": counts " + (counts.ok() ? "reconcile" : "DO NOT reconcile")
                + ", " + leaks.size() + " leak reports, memory " + (memoryFlat ? "flat" : "GREW") + ", "
                + failedChanges + " failed route changes, " + errors.size() + " ERROR lines";
        Growth live = memory.get(0);
        Growth rss = memory.get(1);
        SoakChart.write(
                options.out().resolve("soak.png"),
                "Rosetta soak: " + SoakOptions.seconds(options.duration()) + ", " + options.rate() + " records/s of "
                        + options.recordBytes() + " B translated, route changed every "
                        + SoakOptions.seconds(options.rolloutEvery()),
                List.of(
                        verdict,
                        String.format(
                                Locale.ROOT,
                                "%s, %s, %d cores, load average %s at the end; live heap %s -> %s MiB, RSS %s -> %s"
                                        + " MiB (medians of the halves after the warm-up); %d route changes",
                                ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE),
                                version(options.jar()),
                                Runtime.getRuntime().availableProcessors(),
                                loadAverage(),
                                live.format(live.firstHalf()),
                                live.format(live.secondHalf()),
                                rss.format(rss.firstHalf()),
                                rss.format(rss.secondHalf()),
                                events.size())),
                samples,
                readerNames,
                events,
                producersStoppedAt);
        say("%n# %s", verdict);
        say(
                "# samples: %s, route changes: %s, chart: %s",
                options.out().resolve("soak.csv"),
                options.out().resolve("route-changes.csv"),
                options.out().resolve("soak.png"));
        return ok ? 0 : 1;
    }

    private List<Long> forcedGcTimes() {
        long duration = options.duration().toNanos();
        long last = duration - 3 * options.sampleInterval().toNanos();
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

    private Sample sample(
            RosettaProcess rosetta,
            double seconds,
            List<PacedProducer> producers,
            List<Reader> readers,
            boolean forced) {
        long acked = producers.stream().mapToLong(PacedProducer::acked).sum();
        long[] consumed = readers.stream().mapToLong(Reader::consumed).toArray();
        double load = loadAverage1();
        try {
            PrometheusText m = rosetta.metrics();
            double rss = rosetta.rssBytes();
            Sample s = Sample.of(seconds, m, rss, acked, consumed, load, Double.NaN);
            return forced ? Sample.of(seconds, m, rss, acked, consumed, load, s.oldGenUsed()) : s;
        } catch (IOException | RuntimeException e) {
            return Sample.clientsOnly(seconds, rosetta.rssBytes(), acked, consumed, load);
        }
    }

    /** The last sample, with rates since the ordinary sample before it. */
    private void progress(List<Sample> samples) {
        Sample s = samples.get(samples.size() - 1);
        Sample p = null;
        for (int i = samples.size() - 2; i >= 0 && p == null; i--) {
            p = samples.get(i).forced() ? null : samples.get(i);
        }
        double dt = p == null ? Double.NaN : s.seconds() - p.seconds();
        double gcPerMin = p == null ? Double.NaN : (s.gcCount() - p.gcCount()) / dt * 60;
        double acked = p == null ? Double.NaN : (s.acked() - p.acked()) / dt;
        double read = 0;
        if (p != null) {
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
                gcPerMin,
                s.connectionsActive(),
                s.threads(),
                acked,
                p == null ? Double.NaN : read,
                s.routesRevision());
    }

    /** Medians and ranges of the rates between samples after the warm-up. */
    private void rates(List<Sample> samples, List<String> readers, double warm, double end) {
        // the sample right after a forced GC splits an interval: rates are taken between ordinary samples
        List<Sample> after = samples.stream()
                .filter(s -> s.seconds() >= warm && s.seconds() <= end && !s.forced())
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
        List<Double> maxPause = new ArrayList<>();
        for (int i = 1; i < after.size(); i++) {
            Sample a = after.get(i - 1);
            Sample b = after.get(i);
            double dt = b.seconds() - a.seconds();
            int k = 0;
            rates.get(k++).values().add((b.acked() - a.acked()) / dt);
            for (int j = 0; j < readers.size(); j++) {
                rates.get(k++).values().add((b.consumed()[j] - a.consumed()[j]) / dt);
            }
            rates.get(k++).values().add((b.cpuSeconds() - a.cpuSeconds()) / dt * 100);
            rates.get(k++).values().add((b.gcCount() - a.gcCount()) / dt * 60);
            rates.get(k).values().add((b.gcPauseSeconds() - a.gcPauseSeconds()) / dt * 1000);
            if (!Double.isNaN(b.gcPauseMaxSeconds())) {
                maxPause.add(b.gcPauseMaxSeconds() * 1000);
            }
        }
        for (Rate r : rates) {
            List<Double> v =
                    r.values().stream().filter(x -> !Double.isNaN(x)).sorted().toList();
            if (v.isEmpty()) {
                continue;
            }
            say("%-44s %6d %10.1f %10.1f %10.1f", r.what(), v.size(), Growth.median(v), v.get(0), v.get(v.size() - 1));
        }
        if (!maxPause.isEmpty()) {
            say(
                    "%-44s %6d %10.1f %10.1f %10.1f",
                    "longest GC pause in the last minute (ms)",
                    maxPause.size(),
                    Growth.median(maxPause),
                    maxPause.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    maxPause.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
    }

    private static void writeCsv(Path file, List<Sample> samples, List<String> readers) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            StringBuilder header = new StringBuilder("seconds,heap_used,heap_committed,old_gen_used,"
                    + "old_gen_after_gc,non_heap_used,rss,jdk_direct_buffers,netty_pool_direct,netty_pool_heap,"
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

    private static void writeEvents(Path file, List<RouteOperator.Event> events) throws IOException {
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

    private static Properties producerProps(String bootstrap, String clientId, Payload payload) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, payload.compression());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static Properties adminProps(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + timeout + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String version(Path jar) {
        try {
            Process p = new ProcessBuilder(RosettaProcess.java(), "-jar", jar.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(30, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "(version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(version unknown)";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(
                    Locale.ROOT,
                    "%.2f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static double loadAverage1() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** This process's nice value (field 19 of /proc/self/stat); children inherit it. */
    private static String niceness() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[16];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.0f GB RAM", kb / 1e6);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return "RAM unknown";
    }
}
