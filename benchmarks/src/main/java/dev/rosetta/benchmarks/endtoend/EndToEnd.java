package dev.rosetta.benchmarks.endtoend;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.Sidecar;

/**
 * End-to-end load harness: a real broker, a Rosetta proxy in front of it, and Kafka clients that
 * produce, consume and measure latency directly and through the proxy in the same run.
 *
 * <p>Every workload runs {@code --rounds} rounds per target after one warm-up round each; within a
 * round the targets run back to back and the order alternates between rounds (ABBA...), so slow
 * drift of a noisy machine falls on every target alike. The report gives medians, spreads and
 * ratios against the direct path, and checks the design targets (pass-through throughput >= 95%
 * of direct, added p99 <= 1 ms at moderate load). Exit status 0 whether or not targets are met;
 * non-zero only when the run itself fails.
 *
 * <p>Where things run: the broker in its own JVM by default ({@code --broker in-process} for
 * {@code EmbeddedKafka}); the proxy ({@link Sidecar}, pass-through: no routes) and the clients in
 * this JVM. The proxy's CPU is the CPU time of its {@code rosetta-io-*} event-loop threads.
 *
 * <p>To add a target (e.g. a proxy translating every record), start it and append a
 * {@link Target} to the list in {@link #main}; every workload and the report take it as is.
 */
public final class EndToEnd {
    private EndToEnd() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("# Rosetta end-to-end benchmark, "
                + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        System.out.println("# " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + " "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("# " + options.describe());
        System.out.println("# load average at start: " + loadAverage());
        long started = System.nanoTime();
        boolean met;
        int relayPort = options.relay() ? BrokerProcess.freePort() : 0;
        int passThroughPools = CpuMeter.nettyPoolNumber();
        try (Broker broker = options.brokerInProcess()
                        ? InProcessBroker.start()
                        : BrokerProcess.start(options.brokerJvmOptions(), Duration.ofSeconds(90), relayPort);
                Sidecar sidecar = new Sidecar(passThroughConfig(broker.bootstrapServers())).start();
                TcpRelay relay = options.relay()
                        ? TcpRelay.start(
                                relayPort,
                                new InetSocketAddress("127.0.0.1", ((BrokerProcess) broker).relayedListenerPort()))
                        : null;
                TranslatingProxy translating = options.translating()
                        ? TranslatingProxy.start(
                                broker.bootstrapServers(),
                                options.examples(),
                                consumeTopics(options, "translating"),
                                produceTopics(options, "translating"))
                        : null) {
            // the pass-through sidecar's Netty pools are numbered between the two markers taken around its start
            int passThroughPoolsEnd = translating != null ? translating.firstPool() - 1 : Integer.MAX_VALUE;
            System.out.println("# broker " + broker.description() + " at " + broker.bootstrapServers()
                    + "; proxy (pass-through) at " + sidecar.proxy().bootstrapServers()
                    + (relay != null ? "; TCP relay at 127.0.0.1:" + relayPort : "")
                    + (translating != null
                            ? "; proxy translating orders-value v1 -> v2 at "
                                    + translating.target().bootstrapServers()
                                    + ", registry " + translating.registry().url() + " (v1 = schema id "
                                    + translating.v1Id() + ", v2 = " + translating.v2Id() + ")"
                            : ""));
            List<Target> targets = new ArrayList<>(List.of(
                    Target.direct(broker.bootstrapServers()),
                    new Target(
                            "proxy",
                            sidecar.proxy().bootstrapServers(),
                            CpuMeter.threadsOfPools("rosetta-io", passThroughPools + 1, passThroughPoolsEnd, false),
                            CpuMeter.threadsOfPools("rosetta-io", passThroughPools + 1, passThroughPoolsEnd, true))));
            if (relay != null) {
                targets.add(new Target(
                        "relay",
                        "127.0.0.1:" + relayPort,
                        CpuMeter.threadsNamed("relay-io-"),
                        CpuMeter.threadsNamed("relay-io-", true)));
            }
            Payload payload = Payload.raw(options.recordBytes());
            if (translating != null) {
                Payload.AvroOrders orders = translating.payload(options.recordBytes());
                payload = orders;
                int v1 = translating.v1Id();
                targets.replaceAll(t -> t.expecting(v1, v1));
                targets.add(translating.target());
                System.out.println("# payload: " + payload.describe());
            }
            Report report = new Report(targets);
            try (Admin admin = Admin.create(adminProps(broker.bootstrapServers()))) {
                BenchmarkTopics topics = new BenchmarkTopics(admin, options.partitions());
                if (options.workloads().contains("produce")) {
                    produce(options, broker, targets, topics, report, payload);
                }
                if (options.workloads().contains("consume")) {
                    consume(options, broker, targets, topics, report, payload);
                }
                if (options.workloads().contains("latency")) {
                    latency(options, targets, topics, report, payload);
                }
            }
            System.out.println();
            met = report.print(System.out);
        }
        System.out.printf(
                Locale.ROOT,
                "%n# targets %s; total run time %d s; load average at end: %s%n",
                met ? "met" : "NOT met",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                loadAverage());
        System.exit(0); // client and Netty threads are daemons or closed; exit promptly regardless
    }

    /** Topic names per target; the translating proxy routes its own in advance. Round 0 is the warm-up. */
    static String produceTopic(String target, int round) {
        return round == 0 ? "warmup-produce-" + target : "produce-" + target + "-" + round;
    }

    static String latencyTopic(String target, int round) {
        return round == 0 ? "warmup-latency-" + target : "latency-" + target + "-" + round;
    }

    static final String CONSUME_TOPIC = "consume";

    /** Topics a target's consumers read: the shared consume topic and its latency topics. */
    private static List<String> consumeTopics(Options options, String target) {
        List<String> topics = new ArrayList<>(List.of(CONSUME_TOPIC));
        for (int round = 0; round <= options.latencyRounds(); round++) {
            topics.add(latencyTopic(target, round));
        }
        return topics;
    }

    private static List<String> produceTopics(Options options, String target) {
        List<String> topics = new ArrayList<>();
        for (int round = 0; round <= options.rounds(); round++) {
            topics.add(produceTopic(target, round));
        }
        return topics;
    }

    private static void produce(
            Options options,
            Broker broker,
            List<Target> targets,
            BenchmarkTopics topics,
            Report report,
            Payload payload) {
        for (Target target : targets) {
            String topic = topics.create(produceTopic(target.name(), 0));
            ThroughputResult warm = ProduceWorkload.run(target, broker, topic, options.records() / 2, options, payload);
            progress("produce", "warm-up", target, warm);
            if (payload instanceof Payload.AvroOrders orders) {
                Verification.stored(target, broker, topic, orders);
            }
        }
        for (int round = 1; round <= options.rounds(); round++) {
            for (Target target : inRoundOrder(targets, round)) {
                ThroughputResult result = ProduceWorkload.run(
                        target,
                        broker,
                        topics.create(produceTopic(target.name(), round)),
                        options.records(),
                        options,
                        payload);
                progress("produce", "round " + round, target, result);
                report.add("produce", target, result);
            }
        }
    }

    private static void consume(
            Options options,
            Broker broker,
            List<Target> targets,
            BenchmarkTopics topics,
            Report report,
            Payload payload) {
        String topic = topics.create(CONSUME_TOPIC);
        ProduceWorkload.run(
                targets.get(0), broker, topic, options.consumeRecords(), options, payload); // fill directly, untimed
        Duration timeout = Duration.ofMinutes(2);
        if (payload instanceof Payload.AvroOrders orders) {
            for (Target target : targets) {
                Verification.consumed(target, topic, orders);
            }
        }
        for (Target target : targets) {
            progress(
                    "consume",
                    "warm-up",
                    target,
                    ConsumeWorkload.run(target, broker, topic, options.consumeRecords(), timeout, options));
        }
        for (int round = 1; round <= options.rounds(); round++) {
            for (Target target : inRoundOrder(targets, round)) {
                ThroughputResult result =
                        ConsumeWorkload.run(target, broker, topic, options.consumeRecords(), timeout, options);
                progress("consume", "round " + round, target, result);
                report.add("consume", target, result);
            }
        }
    }

    private static void latency(
            Options options, List<Target> targets, BenchmarkTopics topics, Report report, Payload payload) {
        Duration warmRound = options.latencyDuration().compareTo(Duration.ofSeconds(3)) > 0
                ? Duration.ofSeconds(3)
                : options.latencyDuration();
        for (Target target : targets) {
            LatencyResult warm = LatencyWorkload.run(
                    target,
                    topics.create(latencyTopic(target.name(), 0)),
                    warmRound,
                    Duration.ofSeconds(1),
                    options,
                    payload);
            progress("warm-up", target, warm);
        }
        for (int round = 1; round <= options.latencyRounds(); round++) {
            for (Target target : inRoundOrder(targets, round)) {
                LatencyResult result = LatencyWorkload.run(
                        target,
                        topics.create(latencyTopic(target.name(), round)),
                        options.latencyDuration(),
                        options.latencyWarmup(),
                        options,
                        payload);
                progress("round " + round, target, result);
                report.add(target, result);
            }
        }
    }

    /** Odd rounds run the targets in order, even rounds reversed. */
    private static List<Target> inRoundOrder(List<Target> targets, int round) {
        List<Target> order = new ArrayList<>(targets);
        if (round % 2 == 0) {
            java.util.Collections.reverse(order);
        }
        return order;
    }

    private static void progress(String workload, String round, Target target, ThroughputResult r) {
        System.out.printf(
                Locale.ROOT,
                "%-8s %-8s %-11s %,10.0f rec/s %7.1f MB/s  %6.2f s  proxy CPU %s ms/MB (user %s)  broker CPU %s ms/MB  client: request %s ms, %s kB%n",
                workload,
                round,
                target.name(),
                r.recordsPerSecond(),
                r.megabytesPerSecond(),
                r.nanos() / 1e9,
                format(r.proxyCpuMillisPerMegabyte()),
                format(r.proxyUserCpuMillisPerMegabyte()),
                format(r.brokerCpuMillisPerMegabyte()),
                format(r.requestMillis()),
                format(r.requestBytes() / 1e3));
    }

    private static void progress(String round, Target target, LatencyResult r) {
        System.out.printf(
                Locale.ROOT,
                "%-8s %-8s %-11s p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %7.2f ms  (%d samples, %d sent)  proxy CPU %s ms%n",
                "latency",
                round,
                target.name(),
                r.p50(),
                r.p99(),
                r.p999(),
                r.max(),
                r.samples(),
                r.sent(),
                r.proxyCpuNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.proxyCpuNanos() / 1e6));
    }

    /** The 1/5/15-minute load averages: how busy the machine was around the run (others' work included). */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim()
                    .split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.format(
                    Locale.ROOT,
                    "%.2f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static RosettaConfig passThroughConfig(String upstream) {
        return RosettaConfig.defaults(List.of(upstream))
                .withListener(new ListenerConfig(
                        "127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null))
                .withAdmin(new AdminConfig(false, "127.0.0.1", 0, null));
    }

    private static Properties adminProps(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }
}
