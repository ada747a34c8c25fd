package dev.rosetta.proxy.translate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.net.ProxyServer;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.Topics;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumers on different contract versions read one topic through the proxy, each in its own shape,
 * with real clients and a real broker.
 */
@ExtendWith(KafkaClusterExtension.class)
class FetchTranslationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    static TranslatingProxy fixture;
    static int v1Id;
    static int v2Id;
    static AtomicReference<RouteTable> routes;
    static SimpleMeterRegistry meters;
    static DeadLetters deadLetters;
    static ProxyServer proxy;
    static Admin admin;

    @BeforeAll
    static void start() {
        fixture = new TranslatingProxy(cluster.getBootstrapServers());
        v1Id = fixture.v1Id;
        v2Id = fixture.v2Id;
        routes = fixture.routes;
        meters = fixture.meters;
        deadLetters = fixture.deadLetters();
        proxy = fixture.proxy;
        admin = fixture.admin;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @BeforeEach
    void routeOrdersAndLedger() {
        routes.set(RouteTable.of(List.of(route("orders"), route("ledger"))));
    }

    /** Consumers read v2 by default; client ids matching legacy-* read v1. Every test topic carries the orders contract. */
    private static RouteConfig route(String topic) {
        return new RouteConfig(
                topic,
                "orders-value",
                null,
                new ConsumeConfig(2, List.of(new ConsumeOverride("legacy-*", null, 1)), null),
                null,
                FailurePolicy.DEFAULT);
    }

    private static Map<String, Object> consumer(String clientId, boolean direct) {
        Map<String, Object> config = new java.util.HashMap<>();
        config.put(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                direct ? cluster.getBootstrapServers() : proxy.bootstrapServers());
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    private static Map<String, Object> producer(String compression) {
        Map<String, Object> config = new java.util.HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers());
        config.put(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class);
        config.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArraySerializer.class);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        return config;
    }

    /** 60 v1 records then 40 v2 records, keyed, with a header, written straight to the broker (no retention: the timestamps are of 2023). */
    private static List<byte[]> produceMixed(String topic, String compression) throws Exception {
        Topics.create(admin, new NewTopic(topic, 2, (short) 1).configs(Map.of("retention.ms", "-1")));
        List<byte[]> values = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(compression))) {
            for (int i = 0; i < 100; i++) {
                byte[] value =
                        i < 60 ? Avro.v1(v1Id, "order-" + i, i * 100) : Avro.v2(v2Id, "order-" + i, i * 100, "USD");
                values.add(value);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        topic,
                        i % 2,
                        1_700_000_000_000L + i,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        value,
                        List.<Header>of(new RecordHeader("trace", new byte[] {(byte) i})));
                producer.send(record);
            }
            producer.flush();
        }
        return values;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(
            String topic, String clientId, boolean direct, int expected) {
        return Records.readAll(consumer(clientId, direct), topic, expected, TIMEOUT);
    }

    /** Every rosetta meter tagged with {@code topic}, for failure messages. */
    private static String metersOf(String topic) {
        StringBuilder text = new StringBuilder();
        for (var meter : meters.getMeters()) {
            if (topic.equals(meter.getId().getTag("topic"))
                    && meter instanceof io.micrometer.core.instrument.Counter c) {
                text.append('\n')
                        .append(meter.getId().getName())
                        .append(meter.getId().getTags())
                        .append(" = ")
                        .append(c.count());
            }
        }
        return text.toString();
    }

    /** Each partition's end offset, for failure messages that say what the broker holds. */
    private static Map<Integer, Long> endOffsets(String topic) {
        try {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            for (var p : admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()) {
                latest.put(
                        new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new java.util.TreeMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        } catch (Exception e) {
            return Map.of(-1, -1L);
        }
    }

    private static int index(ConsumerRecord<byte[], byte[]> record) {
        return Integer.parseInt(new String(record.key(), StandardCharsets.UTF_8).substring(4));
    }

    @Test
    void keysAreTranslatedWithTheirValuesToEachConsumersVersion() throws Exception {
        routes.set(RouteTable.of(List.of(new RouteConfig(
                "keyed",
                "orders-value",
                RouteConfig.KeyRoute.of("orders-key"),
                new ConsumeConfig(2, List.of(new ConsumeOverride("legacy-*", null, 1)), null),
                null,
                FailurePolicy.DEFAULT))));
        Topics.create(admin, new NewTopic("keyed", 2, (short) 1));
        List<byte[]> keys = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer("snappy"))) {
            for (int i = 0; i < 40; i++) {
                byte[] key = Avro.keyV1(fixture.keyV1Id, "order-" + i);
                keys.add(key);
                producer.send(new ProducerRecord<>("keyed", i % 2, key, Avro.v1(v1Id, "order-" + i, i)));
            }
            producer.flush();
        }

        List<ConsumerRecord<byte[], byte[]>> current = read("keyed", "reporting", false, 40);
        List<ConsumerRecord<byte[], byte[]>> legacy = read("keyed", "legacy-billing", false, 40);

        assertThat(current).hasSize(40).allSatisfy(r -> {
            assertThat(Avro.schemaId(r.key())).isEqualTo(fixture.keyV2Id);
            var key = Avro.read(r.key(), Avro.KEY_SCHEMA_V2);
            var value = Avro.read(r.value(), Avro.SCHEMA_V2);
            assertThat(key.get("id")).hasToString(value.get("id").toString());
            assertThat(key.get("region")).hasToString("eu");
        });
        assertThat(legacy).hasSize(40).allSatisfy(r -> {
            int i = (Integer) Avro.read(r.value(), Avro.SCHEMA_V1).get("amount");
            assertThat(r.key()).isEqualTo(keys.get(i));
        });
        assertThat(meters.find("rosetta.records.keys.translated")
                        .tags("topic", "keyed", "from_version", "1", "to_version", "2")
                        .counter()
                        .count())
                .as(
                        "keys translated; the broker holds %s records (end offsets), the consumers kept %d and %d; meters: %s",
                        endOffsets("keyed"), current.size(), legacy.size(), metersOf("keyed"))
                .isEqualTo(40);
    }

    @Test
    void eachConsumerReadsItsOwnVersionOfTheSameRecords() throws Exception {
        List<byte[]> produced = produceMixed("orders", "none");

        List<ConsumerRecord<byte[], byte[]>> legacy = read("orders", "legacy-billing", false, 100);
        List<ConsumerRecord<byte[], byte[]>> modern = read("orders", "modern-billing", false, 100);
        List<ConsumerRecord<byte[], byte[]>> direct = read("orders", "direct", true, 100);

        assertThat(legacy).hasSize(100);
        assertThat(modern).hasSize(100);
        for (ConsumerRecord<byte[], byte[]> r : legacy) {
            int i = index(r);
            assertThat(Avro.schemaId(r.value())).isEqualTo(v1Id);
            assertThat(Avro.read(r.value(), Avro.SCHEMA_V1).get("amount")).isEqualTo(i * 100);
            if (i < 60) {
                assertThat(r.value()).isEqualTo(produced.get(i)); // already v1: byte-identical
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : modern) {
            int i = index(r);
            assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id);
            assertThat(Avro.read(r.value(), Avro.SCHEMA_V2).get("currency").toString())
                    .isEqualTo(i < 60 ? "EUR" : "USD");
            if (i >= 60) {
                assertThat(r.value()).isEqualTo(produced.get(i));
            }
        }
        // everything but the value is what a direct consumer sees: offsets, timestamps, keys, headers
        assertThat(withoutValues(legacy)).isEqualTo(withoutValues(direct));
        assertThat(withoutValues(modern)).isEqualTo(withoutValues(direct));
    }

    private static List<String> withoutValues(List<ConsumerRecord<byte[], byte[]>> records) {
        return Records.seen(records).stream()
                .map(s -> s.partition() + "/" + s.offset() + "/" + s.timestamp() + "/" + s.timestampType() + "/"
                        + s.key() + "/" + s.headers())
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesAreTranslatedAndKeepTheirCodec(String codec) throws Exception {
        String topic = "ledger-" + codec;
        routes.set(RouteTable.of(List.of(route(topic))));
        produceMixed(topic, codec);
        List<ConsumerRecord<byte[], byte[]>> modern = read(topic, "modern", false, 100);
        assertThat(modern)
                .hasSize(100)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
        assertThat(withoutValues(modern)).isEqualTo(withoutValues(read(topic, "direct", true, 100)));
    }

    @Test
    void largeResponsesAreRewrittenByTheWorkersPartitionsInParallelInOrder() throws Exception {
        routes.set(RouteTable.of(List.of(route("bulk"))));
        Topics.create(admin, new NewTopic("bulk", 3, (short) 1));
        java.util.Random random =
                new java.util.Random(42); // random ids, so lz4 batches stay about as large as the records
        int count = 3000; // ~3 MB: fetch responses far above PartitionJobs.INLINE_BYTES
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer("lz4"))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(
                        "bulk",
                        i % 3,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        Avro.v1(v1Id, randomText(random, 1000), i)));
            }
            producer.flush();
        }
        double offloadedBefore = meters.counter("rosetta.translation.offloaded", "direction", "consume")
                .count();

        List<ConsumerRecord<byte[], byte[]>> read = read("bulk", "bulk-reader", false, count);

        assertThat(read)
                .hasSize(count)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
        for (int p = 0; p < 3; p++) {
            int partition = p;
            List<Long> offsets = read.stream()
                    .filter(r -> r.partition() == partition)
                    .map(ConsumerRecord::offset)
                    .toList();
            assertThat(offsets)
                    .as("partition %d in offset order, none missing", p)
                    .hasSize(count / 3)
                    .isSorted()
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, count / 3)
                            .boxed()
                            .toList());
            List<Integer> amounts = read.stream()
                    .filter(r -> r.partition() == partition)
                    .map(r -> (Integer) Avro.read(r.value(), Avro.SCHEMA_V2).get("amount"))
                    .toList();
            assertThat(amounts).isSorted().allSatisfy(a -> assertThat(a % 3).isEqualTo(partition));
        }
        assertThat(meters.counter("rosetta.translation.offloaded", "direction", "consume")
                        .count())
                .as("at least one response went to the translation workers")
                .isGreaterThan(offloadedBefore);
    }

    @Test
    void readCommittedConsumersGetCommittedRecordsTranslatedAndNeverTheAbortedOnes() throws Exception {
        String topic = "tx-orders";
        routes.set(RouteTable.of(List.of(route(topic))));
        Topics.create(admin, new NewTopic(topic, 1, (short) 1));
        Map<String, Object> config = producer("lz4");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fetch-translation-tx");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            for (String outcome : List.of("commit-a", "abort", "commit-b")) {
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, Avro.v1(v1Id, outcome + "-" + i, i)));
                }
                producer.flush();
                if (outcome.equals("abort")) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        Map<String, Object> readCommitted = consumer("modern-tx", false);
        readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> committed = Records.readAll(readCommitted, topic, 10, TIMEOUT);
        assertThat(committed).hasSize(10).allSatisfy(r -> {
            assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id);
            assertThat(Avro.read(r.value(), Avro.SCHEMA_V2).get("id").toString())
                    .startsWith("commit-");
        });
        // read_uncommitted sees the aborted data too, translated, at the same offsets as directly
        List<ConsumerRecord<byte[], byte[]>> all = read(topic, "modern-uncommitted", false, 15);
        assertThat(all).hasSize(15);
        assertThat(withoutValues(all)).isEqualTo(withoutValues(read(topic, "direct-uncommitted", true, 15)));
    }

    @Test
    void replayingFromOffsetZeroReturnsTheSameBytes() throws Exception {
        produceMixed("ledger", "lz4");
        List<ConsumerRecord<byte[], byte[]>> first = read("ledger", "modern", false, 100);
        List<ConsumerRecord<byte[], byte[]>> second = read("ledger", "modern", false, 100);
        assertThat(first).hasSize(100);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).offset()).isEqualTo(first.get(i).offset());
            assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
        }
    }

    @Test
    void aRouteChangeAppliesFromTheNextFetch() throws Exception {
        String topic = "switching";
        routes.set(RouteTable.of(List.of(route(topic))));
        produceMixed(topic, "none");
        assertThat(read(topic, "modern", false, 100))
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));

        routes.set(RouteTable.of(List.of(
                new RouteConfig(topic, "orders-value", null, ConsumeConfig.of(1), null, FailurePolicy.DEFAULT))));
        assertThat(read(topic, "modern", false, 100))
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1Id));

        routes.set(RouteTable.EMPTY); // no route: records as stored
        List<ConsumerRecord<byte[], byte[]>> asStored = read(topic, "modern", false, 100);
        assertThat(asStored.stream().filter(r -> Avro.schemaId(r.value()) == v1Id))
                .hasSize(60);
    }

    @Test
    void recordsThatCannotBeTranslatedArriveUnchangedWithTheReasonAndCountsReconcile() throws Exception {
        String topic = "broken";
        routes.set(RouteTable.of(List.of(route(topic))));
        Topics.create(admin, new NewTopic(topic, 1, (short) 1));
        byte[] notAvro = "plain text".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = Avro.v1(9999, "x", 1);
        byte[] good = Avro.v1(v1Id, "ok", 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer("none"))) {
            for (byte[] value : List.of(good, notAvro, unknownId, good)) {
                producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> modern = read(topic, "modern", false, 4);

        assertThat(modern).hasSize(4);
        assertThat(Avro.schemaId(modern.get(0).value())).isEqualTo(v2Id);
        assertThat(modern.get(1).value()).isEqualTo(notAvro);
        assertThat(header(modern.get(1))).startsWith("CORRUPT_PAYLOAD").contains("Confluent wire format");
        assertThat(modern.get(2).value()).isEqualTo(unknownId);
        assertThat(header(modern.get(2))).startsWith("UNKNOWN_SCHEMA schema id 9999");
        assertThat(Avro.schemaId(modern.get(3).value())).isEqualTo(v2Id);
        assertThat(modern.get(0).headers().lastHeader("rosetta.error")).isNull();

        double translated = count(topic, "translated");
        double failed = count(topic, "failed_passed_through");
        assertThat(translated).isEqualTo(2);
        assertThat(failed).isEqualTo(2);
        assertThat(translated + failed + count(topic, "unchanged") + count(topic, "dead_lettered"))
                .isEqualTo(4);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader("rosetta.error");
        assertThat(header).as("rosetta.error header").isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static double count(String topic, String outcome) {
        var counter = meters.find("rosetta.records")
                .tag("topic", topic)
                .tag("direction", "consume")
                .tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void deadLetterPolicyCopiesTheOriginalToTheDeadLetterTopic() throws Exception {
        String topic = "dlq-source";
        routes.set(RouteTable.of(List.of(new RouteConfig(
                topic,
                "orders-value",
                null,
                ConsumeConfig.of(2),
                null,
                new FailurePolicy(RouteConfig.FailureMode.DEAD_LETTER, null, topic + ".dlq")))));
        Topics.create(admin, new NewTopic(topic, 1, (short) 1), new NewTopic(topic + ".dlq", 1, (short) 1));
        byte[] bad = Avro.v1(4242, "lost?", 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer("none"))) {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), bad))
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, Avro.v1(v1Id, "fine", 2))).get(30, TimeUnit.SECONDS);
        }
        assertThat(read(topic, "modern", false, 2)).hasSize(2);
        read(topic, "modern-again", false, 2); // a re-read must not copy the record twice
        deadLetters.flush();

        List<ConsumerRecord<byte[], byte[]>> dead = read(topic + ".dlq", "ops", true, 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(bad);
        assertThat(new String(
                        dead.get(0).headers().lastHeader("rosetta.source.topic").value(), StandardCharsets.UTF_8))
                .isEqualTo(topic);
        assertThat(new String(dead.get(0).headers().lastHeader("rosetta.error").value(), StandardCharsets.UTF_8))
                .contains("schema id 4242");
        assertThat(count(topic, "dead_lettered")).isEqualTo(2); // counted per delivery, copied once
        var end = admin.listOffsets(Map.of(
                        new org.apache.kafka.common.TopicPartition(topic + ".dlq", 0),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()))
                .all()
                .get(30, TimeUnit.SECONDS);
        assertThat(end.values().iterator().next().offset())
                .as("records in the dead-letter topic")
                .isEqualTo(1);
    }

    private static String randomText(java.util.Random random, int length) {
        return random.ints(length, 'a', 'z' + 1)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    /** Everything a consumer group reads of {@code topic} from the beginning (subscribed, as a group member). */
    private static List<ConsumerRecord<byte[], byte[]>> readAsGroup(
            String bootstrap, String topic, String group, int expected, Map<String, Object> extra) {
        Map<String, Object> config = consumer("group-" + group, false);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.putAll(extra);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static double batchCache(String result) {
        return meters.get("rosetta.translation.batch.cache")
                .tag("result", result)
                .counter()
                .count();
    }

    @Test
    void threeConsumerGroupsOfOneVersionTranslateEachBatchOnce() throws Exception {
        String topic = "fanout";
        routes.set(RouteTable.of(List.of(route(topic))));
        produceMixed(topic, "lz4");
        double missesBefore = batchCache("miss");
        double hitsBefore = batchCache("hit");

        List<ConsumerRecord<byte[], byte[]>> firstRead =
                readAsGroup(proxy.bootstrapServers(), topic, "fanout-a", 100, Map.of());
        List<Records.Seen> first = Records.seen(firstRead);
        double rebuilt = batchCache("miss") - missesBefore;
        List<Records.Seen> second =
                Records.seen(readAsGroup(proxy.bootstrapServers(), topic, "fanout-b", 100, Map.of()));
        List<Records.Seen> third =
                Records.seen(readAsGroup(proxy.bootstrapServers(), topic, "fanout-c", 100, Map.of()));

        assertThat(first).hasSize(100);
        assertThat(firstRead)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(rebuilt)
                .as("the first group's batches with v1 records were rebuilt")
                .isPositive();
        assertThat(batchCache("miss") - missesBefore)
                .as("the second and third group rebuilt nothing")
                .isEqualTo(rebuilt);
        assertThat(batchCache("hit") - hitsBefore).isGreaterThanOrEqualTo(2 * rebuilt);
        assertThat(count(topic, "translated"))
                .as("cached batches are delivered, so their records count for each group")
                .isEqualTo(3 * 60.0);

        // a route change empties the cache: the next group reads v1, not the cached v2
        routes.set(RouteTable.of(List.of(
                new RouteConfig(topic, "orders-value", null, ConsumeConfig.of(1), null, FailurePolicy.DEFAULT))));
        List<ConsumerRecord<byte[], byte[]>> afterChange =
                readAsGroup(proxy.bootstrapServers(), topic, "fanout-d", 100, Map.of());
        assertThat(afterChange).hasSize(100);
        assertThat(afterChange)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1Id));
        assertThat(batchCache("miss") - missesBefore).isGreaterThan(rebuilt);
    }

    private static double[] consumeBytes(TranslatingProxy proxy) {
        double[] bytes = new double[2];
        for (String stage : List.of("before", "after")) {
            bytes[stage.equals("before") ? 0 : 1] = proxy.meters
                    .get("rosetta.translation.bytes")
                    .tag("direction", "consume")
                    .tag("stage", stage)
                    .counter()
                    .count();
        }
        return bytes;
    }

    @Test
    void uncompressedRebuiltBatchesOfACompressibleTopicStayWithinEachConsumersFetchLimits() throws Exception {
        String topic = "squeezed";
        Topics.create(admin, new NewTopic(topic, 1, (short) 1).configs(Map.of("retention.ms", "-1")));
        int count = 3000;
        String filler = "x".repeat(100); // lz4 packs a batch of these to a small fraction of its size
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer("lz4"))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, Avro.v1(v1Id, "order-" + i + filler, i)));
            }
            producer.flush();
        }
        try (TranslatingProxy uncompressed = new TranslatingProxy(
                cluster.getBootstrapServers(),
                new RecordTranslation.Options(dev.rosetta.config.ListenerConfig.FetchCodec.NONE, 0))) {
            uncompressed.routes.set(RouteTable.of(List.of(route(topic))));

            // the Java client's defaults (1 MiB a partition, 50 MiB a response): room to send the batches uncompressed
            List<ConsumerRecord<byte[], byte[]>> roomy =
                    readAsGroup(uncompressed.proxy.bootstrapServers(), topic, "squeezed-roomy", count, Map.of());
            double[] roomyBytes = consumeBytes(uncompressed);
            // 32 KiB a response: most uncompressed batches would not fit, so they keep lz4
            List<ConsumerRecord<byte[], byte[]>> tight = readAsGroup(
                    uncompressed.proxy.bootstrapServers(),
                    topic,
                    "squeezed-tight",
                    count,
                    Map.of(
                            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024,
                            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024));
            double[] allBytes = consumeBytes(uncompressed);

            for (List<ConsumerRecord<byte[], byte[]>> read : List.of(roomy, tight)) {
                assertThat(read).hasSize(count);
                assertThat(read).extracting(ConsumerRecord::offset).doesNotHaveDuplicates();
                assertThat(read.get(count - 1).offset()).isEqualTo(count - 1L);
                assertThat(read)
                        .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
            }
            assertThat(roomyBytes[1] / roomyBytes[0])
                    .as(
                            "with room, rebuilt batches went out uncompressed (%s bytes before, %s after)",
                            roomyBytes[0], roomyBytes[1])
                    .isGreaterThan(3.0);
            // KafkaJS (maxBytes 10 MiB, maxBytesPerPartition 1 MiB by default) reads the uncompressed batches too
            com.fasterxml.jackson.databind.JsonNode kafkaJs = dev.rosetta.proxy.testing.NodeClients.run(
                    "kafkajs-consume.js",
                    90,
                    uncompressed.proxy.bootstrapServers(),
                    topic,
                    String.valueOf(count),
                    "squeezed-kafkajs");
            assertThat(kafkaJs.get("received").asInt()).as("%s", kafkaJs).isEqualTo(count);
            assertThat(kafkaJs.get("distinct").asInt()).as("%s", kafkaJs).isEqualTo(count);
            assertThat(kafkaJs.get("maxOffset").asLong()).isEqualTo(count - 1L);
            assertThat(kafkaJs.get("ids").get(String.valueOf(v2Id)).asInt())
                    .as("%s", kafkaJs)
                    .isEqualTo(count);
            double tightBefore = allBytes[0] - roomyBytes[0];
            double tightAfter = allBytes[1] - roomyBytes[1];
            assertThat(tightAfter / tightBefore)
                    .as(
                            "within 32 KiB a response, only batches that fit went out uncompressed, the others kept lz4"
                                    + " (roomy: %s bytes before, %s after; tight: %s before, %s after)",
                            roomyBytes[0], roomyBytes[1], tightBefore, tightAfter)
                    .isLessThan(roomyBytes[1] / roomyBytes[0] / 2);
        }
    }
}
