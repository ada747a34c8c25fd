package dev.rosetta.proxy.translate;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.testing.FaultyHop;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.Topics;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The network between Rosetta and the broker fails in the middle of requests (a {@link FaultyHop} on every
 * upstream connection): connections reset mid-stream, a Produce cut half-way, a Produce the broker stored whose
 * answer is lost, a black hole. Real clients through Rosetta with translation on both sides must lose nothing,
 * duplicate nothing (an idempotent producer), keep each partition's order, and Rosetta's record counts must match
 * what the clients sent and received: a retried produce is counted once.
 */
@ExtendWith(KafkaClusterExtension.class)
class UpstreamFaultsTest {
    private static final String TOPIC = "faults-upstream";
    private static final int PARTITIONS = 3;

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    static final Map<String, FaultyHop> hops = new ConcurrentHashMap<>();
    static TranslatingProxy fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TranslatingProxy(
                cluster.getBootstrapServers(),
                new RecordTranslation.Options(ListenerConfig.FetchCodec.KEEP, 64L << 20),
                Map.of(),
                new ListenerConfig("127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null),
                broker -> hops.computeIfAbsent(
                                broker.getHostString() + ":" + broker.getPort(),
                                k -> FaultyHop.to(new InetSocketAddress(broker.getHostString(), broker.getPort())))
                        .address());
        // producers write v1, the topic stores v2, consumers read v1: both directions translate
        fixture.routes.set(RouteTable.of(List.of(new RouteConfig(
                TOPIC,
                "orders-value",
                null,
                RouteConfig.ConsumeConfig.of(1),
                ProduceConfig.of(2),
                FailurePolicy.DEFAULT))));
        Topics.create(fixture.admin, new NewTopic(TOPIC, PARTITIONS, (short) 1));
    }

    @AfterAll
    static void stop() {
        fixture.close();
        hops.values().forEach(FaultyHop::close);
    }

    private static void eachHop(java.util.function.Consumer<FaultyHop> fault) {
        assertThat(hops).isNotEmpty();
        hops.values().forEach(fault);
    }

    @Test
    void producersAndConsumersLoseAndDuplicateNothingWhenTheUpstreamConnectionFailsMidRequest() throws Exception {
        int chunk = 500;
        int chunks = 10;
        int total = chunk * chunks;
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, fixture.proxy.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096); // many requests, so faults land among them
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        List<Future<?>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int c = 0; c < chunks; c++) {
                double closedBefore = metric(producer.metrics(), "connection-close-total");
                switch (c) {
                    case 2 -> eachHop(FaultyHop::cutNextProduce);
                    case 4 -> eachHop(FaultyHop::loseNextProduceAnswer);
                    // a partition: this chunk's requests stall until the client gives up on them and reconnects
                    case 8 -> eachHop(h -> h.blackHole(true));
                    default -> {}
                }
                for (int i = c * chunk; i < (c + 1) * chunk; i++) {
                    acks.add(producer.send(new ProducerRecord<>(
                            TOPIC,
                            i % PARTITIONS,
                            ("key-" + i).getBytes(StandardCharsets.UTF_8),
                            Avro.v1(fixture.v1Id, "o" + i, i))));
                    if (c == 6 && i == c * chunk + chunk / 2) {
                        producer.flush(); // records in flight...
                        eachHop(FaultyHop::resetAll); // ...and every connection reset under them
                    }
                }
                if (c == 8) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> metric(producer.metrics(), "connection-close-total") > closedBefore);
                    eachHop(h -> h.blackHole(false));
                }
                producer.flush();
            }
            for (Future<?> f : acks) {
                f.get(120, TimeUnit.SECONDS); // every record acknowledged
            }
        }
        hops.values()
                .forEach(h -> assertThat(h.armed())
                        .as("every armed fault hit a Produce")
                        .isFalse());
        assertThat(hops.values().stream().mapToInt(FaultyHop::faults).sum())
                .as("faults injected")
                .isGreaterThanOrEqualTo(3);

        // stored: exactly what was acknowledged, once, in order, as v2
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        long stored = fixture.admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(r -> r.offset())
                .sum();
        assertThat(stored).as("records the broker stored").isEqualTo(total);
        Map<String, Object> direct = consumer(cluster.getBootstrapServers(), null);
        List<ConsumerRecord<byte[], byte[]>> storedRecords =
                Records.readAll(direct, TOPIC, total, Duration.ofSeconds(60));
        assertThat(storedRecords)
                .hasSize(total)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(fixture.v2Id));
        assertInOrderOnce(storedRecords, Avro.SCHEMA_V2, total);
        assertThat(count("produce", "translated"))
                .as("produced records counted once each, retries included")
                .isEqualTo(total);
        assertThat(count("produce", "failed_passed_through") + count("produce", "dead_lettered"))
                .isZero();

        // consumed through Rosetta as v1 while the upstream connections are reset under the fetches
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumer(fixture.proxy.bootstrapServers(), "faults-readers"))) {
            consumer.subscribe(List.of(TOPIC));
            int resets = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (received.size() < total && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                if (received.size() >= (resets + 1) * total / 3 && resets < 2) {
                    eachHop(FaultyHop::resetAll);
                    resets++;
                }
            }
        }
        assertThat(received)
                .hasSize(total)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(fixture.v1Id));
        assertInOrderOnce(received, Avro.SCHEMA_V1, total);
        assertThat(count("consume", "translated"))
                .as("fetched records counted as the consumer received them")
                .isEqualTo(total);
    }

    /** Every record once, and within each partition in the order it was sent. */
    private static void assertInOrderOnce(
            List<ConsumerRecord<byte[], byte[]>> records, org.apache.avro.Schema schema, int total) {
        Set<Integer> amounts = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            List<Integer> inPartition = records.stream()
                    .filter(r -> r.partition() == partition)
                    .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                    .map(r -> (Integer) Avro.read(r.value(), schema).get("amount"))
                    .toList();
            assertThat(inPartition).isSorted().doesNotHaveDuplicates();
            amounts.addAll(inPartition);
        }
        assertThat(amounts).hasSize(total);
    }

    private static Map<String, Object> consumer(String bootstrap, String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024); // many fetches
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return config;
    }

    private static double count(String direction, String outcome) {
        var counter = fixture.meters
                .find("rosetta.records")
                .tags("topic", TOPIC, "direction", direction, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double metric(Map<org.apache.kafka.common.MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e ->
                        e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }
}
