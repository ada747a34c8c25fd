package dev.rosetta.benchmarks.endtoend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of {@link EndToEnd}. Every loop the harness runs is bounded by these
 * counts and durations, so a run always ends by itself.
 *
 * @param records          records per produce round
 * @param consumeRecords   records in the pre-filled topic each consume round reads
 * @param latencyRounds    measured latency rounds per target
 * @param recordBytes      value size of every record
 * @param partitions       partitions of every benchmark topic
 * @param rounds           measured rounds per workload and target (targets interleaved, order alternating)
 * @param latencyRate      records/s of the paced producer in the latency workload
 * @param latencyDuration  length of one latency round (the first {@code latencyWarmup} of it is discarded)
 * @param latencyWarmup    start of each latency round that is not recorded
 * @param lingerMs         producer {@code linger.ms}
 * @param batchBytes       producer {@code batch.size}
 * @param relay            also measure a {@link TcpRelay} target (a cut-through byte pipe, the floor for any proxy)
 * @param translating      also measure a proxy translating every record (Avro orders-value v1 -> v2); every target
 *                         then sends and reads the same Avro v1 records in lz4 batches instead of random bytes
 * @param examples         the {@code config/examples} folder: contracts and translators of the translating proxy
 * @param brokerInProcess  run the broker in this JVM ({@code EmbeddedKafka}) instead of its own JVM
 * @param brokerJvmOptions JVM options of the broker process
 * @param workloads        which workloads to run: produce, consume, latency
 * @param producerOverrides extra producer properties ({@code --producer key=value}), for experiments
 * @param consumerOverrides extra consumer properties ({@code --consumer key=value}), for experiments
 */
record Options(
        int records,
        int consumeRecords,
        int recordBytes,
        int partitions,
        int rounds,
        int latencyRounds,
        int latencyRate,
        Duration latencyDuration,
        Duration latencyWarmup,
        int lingerMs,
        int batchBytes,
        boolean relay,
        boolean translating,
        java.nio.file.Path examples,
        boolean brokerInProcess,
        List<String> brokerJvmOptions,
        List<String> workloads,
        Map<String, String> producerOverrides,
        Map<String, String> consumerOverrides) {

    static final String USAGE = """
            Usage: EndToEnd [options]
              --quick                 small run (< 1 minute): 50000/200000 records, 3 rounds, 3 latency rounds of 4 s
              --records N             records per produce round (default 300000)
              --consume-records N     records in the topic every consume round reads (default 1000000)
              --record-bytes N        record value size (default 1024)
              --partitions N          partitions per topic (default 3)
              --rounds N              measured produce and consume rounds per target (default 5)
              --latency-rounds N      measured latency rounds per target (default 8)
              --latency-rate N        paced producer rate in records/s (default 3000)
              --latency-seconds N     length of one latency round (default 6)
              --latency-warmup-seconds N  discarded start of each latency round (default 1)
              --linger-ms N           producer linger.ms (default 5)
              --batch-bytes N         producer batch.size (default 65536)
              --relay                 also measure a third target: a cut-through TCP relay (no Kafka parsing),
                                      the cost of one more hop through a process (broker jvm only)
              --translating           also measure a proxy translating every record (Avro orders-value v1 -> v2 on
                                      consume and produce); every target then uses the same Avro v1 records of
                                      --record-bytes in lz4-compressed batches instead of random uncompressed bytes
              --examples DIR          contracts/ and translators/ of the translating proxy (default config/examples)
              --broker in-process|jvm where the broker runs (default jvm: its own JVM)
              --broker-jvm-opts "..." JVM options of the broker process (default "-Xms1g -Xmx1g -XX:+UseG1GC")
              --workloads a,b,c       subset of produce,consume,latency (default all)
              --producer key=value    extra producer property, repeatable (e.g. max.in.flight.requests.per.connection=1)
              --consumer key=value    extra consumer property, repeatable (e.g. max.partition.fetch.bytes=262144)
            """;

    static Options parse(String[] args) {
        int records = 300_000;
        int consumeRecords = 1_000_000;
        int recordBytes = 1024;
        int partitions = 3;
        int rounds = 5;
        int latencyRounds = 8;
        int latencyRate = 3000;
        int latencySeconds = 6;
        int latencyWarmupSeconds = 1;
        int lingerMs = 5;
        int batchBytes = 64 * 1024;
        boolean inProcess = false;
        boolean relay = false;
        boolean translating = false;
        java.nio.file.Path examples = java.nio.file.Path.of("config", "examples");
        List<String> brokerJvm = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
        List<String> workloads = List.of("produce", "consume", "latency");
        Map<String, String> producer = new LinkedHashMap<>();
        Map<String, String> consumer = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> {
                    records = 50_000;
                    consumeRecords = 200_000;
                    rounds = 3;
                    latencyRounds = 3;
                    latencySeconds = 4;
                    latencyWarmupSeconds = 1;
                }
                case "--records" -> records = positive(arg, args, ++i);
                case "--consume-records" -> consumeRecords = positive(arg, args, ++i);
                case "--latency-rounds" -> latencyRounds = positive(arg, args, ++i);
                case "--record-bytes" -> recordBytes = Math.max(16, positive(arg, args, ++i));
                case "--partitions" -> partitions = positive(arg, args, ++i);
                case "--rounds" -> rounds = positive(arg, args, ++i);
                case "--latency-rate" -> latencyRate = positive(arg, args, ++i);
                case "--latency-seconds" -> latencySeconds = positive(arg, args, ++i);
                case "--latency-warmup-seconds" -> latencyWarmupSeconds = Integer.parseInt(value(arg, args, ++i));
                case "--linger-ms" -> lingerMs = Integer.parseInt(value(arg, args, ++i));
                case "--batch-bytes" -> batchBytes = positive(arg, args, ++i);
                case "--broker" -> {
                    String where = value(arg, args, ++i);
                    if (!where.equals("jvm") && !where.equals("in-process")) {
                        throw new IllegalArgumentException(
                                "--broker must be 'jvm' or 'in-process', not '" + where + "'");
                    }
                    inProcess = where.equals("in-process");
                }
                case "--relay" -> relay = true;
                case "--translating" -> translating = true;
                case "--examples" -> examples = java.nio.file.Path.of(value(arg, args, ++i));
                case "--broker-jvm-opts" ->
                    brokerJvm = List.of(value(arg, args, ++i).trim().split("\\s+"));
                case "--workloads" -> {
                    List<String> chosen = new ArrayList<>();
                    for (String w : value(arg, args, ++i).split(",")) {
                        if (!List.of("produce", "consume", "latency").contains(w.trim())) {
                            throw new IllegalArgumentException(
                                    "--workloads: unknown workload '" + w + "' (allowed: produce, consume, latency)");
                        }
                        chosen.add(w.trim());
                    }
                    workloads = List.copyOf(chosen);
                }
                case "--producer" -> keyValue(arg, value(arg, args, ++i), producer);
                case "--consumer" -> keyValue(arg, value(arg, args, ++i), consumer);
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        if (relay && inProcess) {
            throw new IllegalArgumentException("--relay needs the broker in its own JVM (--broker jvm)");
        }
        if (translating && recordBytes < 64) {
            throw new IllegalArgumentException(
                    "--translating needs --record-bytes of at least 64 (an Avro order record)");
        }
        if (latencyWarmupSeconds >= latencySeconds) {
            throw new IllegalArgumentException("--latency-warmup-seconds (" + latencyWarmupSeconds
                    + ") must be below --latency-seconds (" + latencySeconds + ")");
        }
        return new Options(
                records,
                consumeRecords,
                recordBytes,
                partitions,
                rounds,
                latencyRounds,
                latencyRate,
                Duration.ofSeconds(latencySeconds),
                Duration.ofSeconds(latencyWarmupSeconds),
                lingerMs,
                batchBytes,
                relay,
                translating,
                examples,
                inProcess,
                brokerJvm,
                workloads,
                Map.copyOf(producer),
                Map.copyOf(consumer));
    }

    private static void keyValue(String option, String raw, Map<String, String> into) {
        int eq = raw.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(option + " takes key=value, not '" + raw + "'");
        }
        into.put(raw.substring(0, eq).trim(), raw.substring(eq + 1).trim());
    }

    private static String value(String option, String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[index];
    }

    private static int positive(String option, String[] args, int index) {
        String raw = value(option, args, index);
        int n;
        try {
            n = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a positive integer, not '" + raw + "'");
        }
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be a positive integer, not " + n);
        }
        return n;
    }

    String describe() {
        return "records per produce round=" + records + ", per consume round=" + consumeRecords + ", record="
                + recordBytes + " B, partitions=" + partitions
                + ", rounds=" + rounds + ", producer acks=all linger.ms=" + lingerMs + " batch.size=" + batchBytes
                + ", latency " + latencyRounds + " rounds at " + latencyRate + " rec/s for "
                + latencyDuration.toSeconds() + " s (first " + latencyWarmup.toSeconds() + " s discarded)"
                + (translating
                        ? ", payload Avro orders-value v1 in lz4 batches, targets include a translating proxy"
                        : ", payload random bytes, no compression")
                + ", broker " + (brokerInProcess ? "in-process" : "own JVM " + String.join(" ", brokerJvmOptions))
                + (producerOverrides.isEmpty() ? "" : ", producer " + producerOverrides)
                + (consumerOverrides.isEmpty() ? "" : ", consumer " + consumerOverrides);
    }
}
