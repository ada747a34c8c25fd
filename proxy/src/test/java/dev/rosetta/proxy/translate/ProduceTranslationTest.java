package dev.rosetta.proxy.translate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.net.ProxyServer;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.Topics;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Producers on an old contract version write through the proxy; the topic stores the version its route says. */
@ExtendWith(KafkaClusterExtension.class)
class ProduceTranslationTest {
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

    private static RouteConfig storeAs(String topic, ProduceConfig produce, FailurePolicy failure) {
        return new RouteConfig(topic, "orders-value", null, null, produce, failure);
    }

    private static void route(RouteConfig... configs) throws Exception {
        routes.set(RouteTable.of(List.of(configs)));
        for (RouteConfig config : configs) {
            Topics.create(admin, new NewTopic(config.topic(), 2, (short) 1));
        }
    }

    private static Map<String, Object> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, proxy.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.putAll(extra);
        return config;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDirect(String topic, int expected, boolean readCommitted) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        if (readCommitted) {
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return Records.readAll(config, topic, expected, TIMEOUT);
    }

    private static void sendAll(KafkaProducer<byte[], byte[]> producer, String topic, int count) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(producer.send(new ProducerRecord<>(
                    topic, i % 2, ("key-" + i).getBytes(StandardCharsets.UTF_8), Avro.v1(v1Id, "o" + i, i))));
        }
        for (Future<?> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void idempotentV1ProducerWritesV2RecordsInOrder() throws Exception {
        route(storeAs("stored-v2", ProduceConfig.of(2), FailurePolicy.DEFAULT));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                5)))) {
            sendAll(producer, "stored-v2", 1000);
        }
        List<ConsumerRecord<byte[], byte[]>> stored = readDirect("stored-v2", 1000, false);
        assertThat(stored).hasSize(1000).allSatisfy(r -> {
            assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id);
            assertThat(Avro.read(r.value(), Avro.SCHEMA_V2).get("currency").toString())
                    .isEqualTo("EUR");
        });
        for (int p = 0; p < 2; p++) {
            int partition = p;
            List<Integer> amounts = stored.stream()
                    .filter(r -> r.partition() == partition)
                    .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                    .map(r -> (Integer) Avro.read(r.value(), Avro.SCHEMA_V2).get("amount"))
                    .toList();
            assertThat(amounts).hasSize(500).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void keysAreStoredAsProducedUnlessTheRouteTranslatesThemAndAV1ClientReadsBackWhatItWrote() throws Exception {
        int keyV1Id = fixture.keyV1Id;
        int keyV2Id = fixture.keyV2Id;
        RouteConfig.ConsumeConfig readV1 = RouteConfig.ConsumeConfig.of(1);
        route(
                new RouteConfig(
                        "keys-translated",
                        "orders-value",
                        new RouteConfig.KeyRoute("orders-key", Map.of(), true),
                        readV1,
                        ProduceConfig.of(2),
                        FailurePolicy.DEFAULT),
                new RouteConfig(
                        "keys-kept",
                        "orders-value",
                        RouteConfig.KeyRoute.of("orders-key"),
                        null,
                        ProduceConfig.of(2),
                        FailurePolicy.DEFAULT));
        List<byte[]> keys = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd")))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] key = Avro.keyV1(keyV1Id, "o" + i);
                keys.add(key);
                sent.add(producer.send(new ProducerRecord<>("keys-translated", i % 2, key, Avro.v1(v1Id, "o" + i, i))));
                sent.add(producer.send(new ProducerRecord<>("keys-kept", i % 2, key, Avro.v1(v1Id, "o" + i, i))));
            }
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(readDirect("keys-translated", 50, false)).hasSize(50).allSatisfy(r -> {
            assertThat(Avro.schemaId(r.key())).isEqualTo(keyV2Id);
            assertThat(Avro.read(r.key(), Avro.KEY_SCHEMA_V2).get("region")).hasToString("eu");
            assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id);
        });
        assertThat(readDirect("keys-kept", 50, false)).hasSize(50).allSatisfy(r -> {
            assertThat(Avro.schemaId(r.key()))
                    .as("partitioning and compaction keep the producer's key bytes")
                    .isEqualTo(keyV1Id);
            assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id);
        });
        Map<String, Object> throughProxy = new HashMap<>();
        throughProxy.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, proxy.bootstrapServers());
        throughProxy.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        throughProxy.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<byte[], byte[]>> readBack = Records.readAll(throughProxy, "keys-translated", 50, TIMEOUT);
        assertThat(readBack).hasSize(50);
        for (ConsumerRecord<byte[], byte[]> r : readBack) {
            int i = (Integer) Avro.read(r.value(), Avro.SCHEMA_V1).get("amount");
            assertThat(r.key())
                    .as("key of record %d, v1 -> v2 stored -> v1 read", i)
                    .isEqualTo(keys.get(i));
            assertThat(r.value()).isEqualTo(Avro.v1(v1Id, "o" + i, i));
        }
    }

    @Test
    void largeProduceRequestsAreRewrittenByTheWorkersAndStayInOrder() throws Exception {
        route(storeAs("bulk-stored", ProduceConfig.of(2), FailurePolicy.DEFAULT));
        double offloadedBefore = fixture.meters
                .counter("rosetta.translation.offloaded", "direction", "produce")
                .count();
        java.util.Random random =
                new java.util.Random(42); // random ids, so lz4 batches stay about as large as the records
        int count = 2000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                50,
                ProducerConfig.BATCH_SIZE_CONFIG,
                512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4")))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(
                        new ProducerRecord<>("bulk-stored", i % 2, null, Avro.v1(v1Id, randomText(random, 1000), i))));
            }
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }

        List<ConsumerRecord<byte[], byte[]>> stored = readDirect("bulk-stored", count, false);
        assertThat(stored)
                .hasSize(count)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
        for (int p = 0; p < 2; p++) {
            int partition = p;
            List<Integer> amounts = stored.stream()
                    .filter(r -> r.partition() == partition)
                    .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                    .map(r -> (Integer) Avro.read(r.value(), Avro.SCHEMA_V2).get("amount"))
                    .toList();
            assertThat(amounts).hasSize(count / 2).isSorted().doesNotHaveDuplicates();
        }
        assertThat(fixture.meters
                        .counter("rosetta.translation.offloaded", "direction", "produce")
                        .count())
                .as("at least one request went to the translation workers")
                .isGreaterThan(offloadedBefore);
    }

    @Test
    void transactionalProducerIsTranslatedAndAbortsStayInvisible() throws Exception {
        route(storeAs("tx-stored", ProduceConfig.of(2), FailurePolicy.DEFAULT));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rosetta-produce-tx")))) {
            producer.initTransactions();
            producer.beginTransaction();
            sendAll(producer, "tx-stored", 10);
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx-stored", Avro.v1(v1Id, "aborted", -1)));
            producer.flush();
            producer.abortTransaction();
        }
        List<ConsumerRecord<byte[], byte[]>> committed = readDirect("tx-stored", 10, true);
        assertThat(committed)
                .hasSize(10)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
    }

    @Test
    void acksZeroProducesAreTranslatedToo() throws Exception {
        route(storeAs("fire-and-forget", ProduceConfig.of(2), FailurePolicy.DEFAULT));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                producer(Map.of(ProducerConfig.ACKS_CONFIG, "0", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)))) {
            sendAll(producer, "fire-and-forget", 100);
            producer.flush();
        }
        assertThat(readDirect("fire-and-forget", 100, false))
                .hasSize(100)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
    }

    @Test
    void rejectPolicyAnswersInvalidRecordWithTheReason() throws Exception {
        route(storeAs("strict", ProduceConfig.of(2), new FailurePolicy(FailureMode.REJECT, null, null)));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false,
                ProducerConfig.RETRIES_CONFIG,
                0,
                ProducerConfig.LINGER_MS_CONFIG,
                0)))) {
            Future<?> bad = producer.send(new ProducerRecord<>("strict", 0, null, Avro.v1(777, "unknown id", 1)));
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("UNKNOWN_SCHEMA schema id 777");
            producer.send(new ProducerRecord<>("strict", 1, null, Avro.v1(v1Id, "fine", 1)))
                    .get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<byte[], byte[]>> stored = readDirect("strict", 1, false);
        assertThat(stored).hasSize(1);
        assertThat(Avro.schemaId(stored.get(0).value())).isEqualTo(v2Id);
        var rejected = meters.find("rosetta.records")
                .tag("topic", "strict")
                .tag("outcome", "rejected")
                .counter();
        assertThat(rejected).isNotNull();
        assertThat(rejected.count()).isEqualTo(1);
    }

    @Test
    void produceRolloutIsStickyPerKeyAndSplitsByPercentage() throws Exception {
        route(storeAs("ramping", new ProduceConfig(1, new RolloutConfig(2, 50)), FailurePolicy.DEFAULT));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(Map.of()))) {
            for (int round = 0; round < 2; round++) {
                for (int k = 0; k < 200; k++) {
                    producer.send(new ProducerRecord<>(
                            "ramping",
                            ("customer-" + k).getBytes(StandardCharsets.UTF_8),
                            Avro.v1(v1Id, "r" + round, k)));
                }
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> stored = readDirect("ramping", 400, false);
        assertThat(stored).hasSize(400);
        Map<String, List<Integer>> idsByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : stored) {
            idsByKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(Avro.schemaId(r.value()));
        }
        assertThat(idsByKey)
                .hasSize(200)
                .allSatisfy((key, ids) -> assertThat(ids).hasSize(2).containsOnly(ids.get(0)));
        long canary =
                idsByKey.values().stream().filter(ids -> ids.get(0) == v2Id).count();
        assertThat(canary).isBetween(60L, 140L); // 50% of 200 keys, murmur2-bucketed
    }

    private static String randomText(java.util.Random random, int length) {
        return random.ints(length, 'a', 'z' + 1)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    /**
     * An idempotent producer whose answer was lost between Rosetta and the client (its connection dropped) sends
     * the same batch again; the broker stores it once and answers both as stored. Rosetta counts it once.
     */
    @Test
    void aProduceRepeatedAfterItsAnswerWasLostIsStoredAndCountedOnce() throws Exception {
        String topic = "repeated-produce";
        route(storeAs(topic, ProduceConfig.of(2), FailurePolicy.DEFAULT));
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(proxy.bootstrapAddress(), 10_000);
            socket.setSoTimeout(30_000);
            org.apache.kafka.common.requests.InitProducerIdResponse init = null;
            for (int attempt = 1;
                    init == null
                            || init.error().exception() instanceof org.apache.kafka.common.errors.RetriableException;
                    attempt++) {
                assertThat(attempt)
                        .as("InitProducerId answered: %s", init == null ? null : init.error())
                        .isLessThan(100);
                if (init != null) {
                    Thread.sleep(100); // the client's retry back-off: the transaction coordinator is still loading
                }
                init = (org.apache.kafka.common.requests.InitProducerIdResponse) exchange(
                        socket,
                        new org.apache.kafka.common.requests.InitProducerIdRequest.Builder(
                                        new org.apache.kafka.common.message.InitProducerIdRequestData()
                                                .setTransactionalId(null)
                                                .setTransactionTimeoutMs(60_000))
                                .build((short) 4),
                        1000 + attempt);
            }
            assertThat(init.error()).isEqualTo(org.apache.kafka.common.protocol.Errors.NONE);
            MemoryRecords batch = MemoryRecords.withIdempotentRecords(
                    org.apache.kafka.common.compress.Compression.NONE,
                    init.data().producerId(),
                    init.data().producerEpoch(),
                    0,
                    new org.apache.kafka.common.record.SimpleRecord(Avro.v1(v1Id, "a", 1)),
                    new org.apache.kafka.common.record.SimpleRecord(Avro.v1(v1Id, "b", 2)),
                    new org.apache.kafka.common.record.SimpleRecord(Avro.v1(v1Id, "c", 3)));
            for (int attempt = 0; attempt < 2; attempt++) {
                var data = new org.apache.kafka.common.message.ProduceRequestData()
                        .setAcks((short) -1)
                        .setTimeoutMs(30_000)
                        .setTopicData(new org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection(
                                List.of(new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData()
                                                .setName(topic)
                                                .setPartitionData(
                                                        List.of(new org.apache.kafka.common.message.ProduceRequestData
                                                                        .PartitionProduceData()
                                                                .setIndex(0)
                                                                .setRecords(MemoryRecords.readableRecords(batch.buffer()
                                                                        .duplicate())))))
                                        .iterator()));
                var answer = (org.apache.kafka.common.requests.ProduceResponse) exchange(
                        socket,
                        org.apache.kafka.common.requests.ProduceRequest.builder(data)
                                .build((short) 9),
                        2 + attempt);
                var partition = answer.data()
                        .responses()
                        .iterator()
                        .next()
                        .partitionResponses()
                        .get(0);
                assertThat(partition.errorCode()).as("attempt %d", attempt).isZero();
                assertThat(partition.baseOffset())
                        .as("the repeat is answered with the first one's offset")
                        .isZero();
            }
        }
        long stored = admin.listOffsets(Map.of(
                        new org.apache.kafka.common.TopicPartition(topic, 0),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()))
                .all()
                .get()
                .values()
                .iterator()
                .next()
                .offset();
        assertThat(stored).isEqualTo(3);
        assertThat(meters.find("rosetta.records")
                        .tags("topic", topic, "direction", "produce", "outcome", "translated")
                        .counter()
                        .count())
                .isEqualTo(3);
    }

    /** Sends {@code request} on {@code socket} and reads its answer. */
    private static org.apache.kafka.common.requests.AbstractResponse exchange(
            java.net.Socket socket, org.apache.kafka.common.requests.AbstractRequest request, int correlationId)
            throws java.io.IOException {
        var header = new org.apache.kafka.common.requests.RequestHeader(
                request.apiKey(), request.version(), "repeating-producer", correlationId);
        java.nio.ByteBuffer bytes = request.serializeWithHeader(header);
        var out = new java.io.DataOutputStream(socket.getOutputStream());
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
        var in = new java.io.DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return org.apache.kafka.common.requests.AbstractResponse.parseResponse(java.nio.ByteBuffer.wrap(body), header);
    }
}
