package dev.rosetta.proxy.net;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.TestProxy;
import dev.rosetta.proxy.testing.Topics;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Java clients through the proxy against a real 3-broker KRaft cluster: what they observe
 * must be exactly what they observe without the proxy.
 */
@ExtendWith(KafkaClusterExtension.class)
class PassThroughTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @BrokerCluster(numBrokers = 3)
    static KafkaCluster cluster;

    static TestProxy proxy;
    static Admin admin;

    @BeforeAll
    static void startProxy() {
        proxy = TestProxy.start(cluster.getBootstrapServers());
        admin = Admin.create(proxy.adminConfig());
    }

    @AfterAll
    static void stopProxy() {
        admin.close();
        proxy.close();
    }

    /**
     * Creates a topic and waits until metadata from any broker shows it (brokers learn of new topics at their own pace).
     * Without retention: the sample records carry 2023 timestamps, and a retention check on a slow run would delete them.
     */
    private static void createTopic(String name, int partitions) throws Exception {
        Topics.create(admin, new NewTopic(name, partitions, (short) 3).configs(Map.of("retention.ms", "-1")));
        await("metadata shows topic " + name)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() ->
                        admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name));
    }

    private static List<ProducerRecord<byte[], byte[]>> sampleRecords(String topic, int count, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long baseTimestamp = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            byte[] key = i % 7 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value =
                    i % 11 == 0 ? null : ("value-" + i + "-" + "x".repeat(i % 200)).getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(topic, i % partitions, baseTimestamp + i, key, value);
            if (i % 3 == 0) {
                record.headers().add(new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8)));
                record.headers().add(new RecordHeader("empty", null));
            }
            records.add(record);
        }
        return records;
    }

    private static void produce(Map<String, Object> config, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                sent.add(producer.send(record));
            }
            for (java.util.concurrent.Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void consumerThroughProxySeesExactlyWhatADirectConsumerSees() throws Exception {
        String topic = "identical";
        createTopic(topic, 3);
        produce(proxy.producerConfig(false), sampleRecords(topic, 300, 3));

        List<Records.Seen> viaProxy =
                Records.seen(Records.readAll(proxy.consumerConfig(false, null), topic, 300, TIMEOUT));
        List<Records.Seen> direct =
                Records.seen(Records.readAll(proxy.consumerConfig(true, null), topic, 300, TIMEOUT));

        assertThat(viaProxy).hasSize(300);
        assertThat(viaProxy).isEqualTo(direct);
        assertThat(viaProxy)
                .filteredOn(s -> s.partition() == 0)
                .extracting(Records.Seen::offset)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, 100).boxed().toList());
        assertThat(viaProxy.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionCodecRoundTrips(String codec) throws Exception {
        String topic = "codec-" + codec;
        createTopic(topic, 2);
        Map<String, Object> producerConfig = proxy.producerConfig(false);
        producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        produce(producerConfig, sampleRecords(topic, 200, 2));

        List<Records.Seen> viaProxy =
                Records.seen(Records.readAll(proxy.consumerConfig(false, null), topic, 200, TIMEOUT));
        List<Records.Seen> direct =
                Records.seen(Records.readAll(proxy.consumerConfig(true, null), topic, 200, TIMEOUT));

        assertThat(viaProxy).hasSize(200).isEqualTo(direct);
    }

    @Test
    void idempotentProducerWritesEveryRecordExactlyOnceInOrder() throws Exception {
        String topic = "idempotent";
        createTopic(topic, 3);
        Map<String, Object> config = proxy.producerConfig(false);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            records.add(new ProducerRecord<>(
                    topic,
                    i % 3,
                    null,
                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        produce(config, records);

        List<ConsumerRecord<byte[], byte[]>> read =
                Records.readAll(proxy.consumerConfig(false, null), topic, 1500, TIMEOUT);
        assertThat(read).hasSize(1500);
        for (int partition = 0; partition < 3; partition++) {
            int p = partition;
            List<Integer> values = read.stream()
                    .filter(r -> r.partition() == p)
                    .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                    .map(r -> Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8).substring(1)))
                    .toList();
            assertThat(values).isSorted().doesNotHaveDuplicates().hasSize(500);
        }
    }

    @Test
    void readCommittedConsumerNeverSeesAbortedRecords() throws Exception {
        String topic = "transactions";
        createTopic(topic, 2);
        Map<String, Object> config = proxy.producerConfig(false);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rosetta-tx-test");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            for (String outcome : List.of("commit-1", "abort", "commit-2")) {
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(
                            topic, i % 2, null, (outcome + "-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                if (outcome.equals("abort")) {
                    producer.flush(); // make the aborted records reach the log, or abort just discards them
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        Map<String, Object> readCommitted = proxy.consumerConfig(false, null);
        readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> committed = Records.readAll(readCommitted, topic, 20, TIMEOUT).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
        assertThat(committed).hasSize(20).allMatch(v -> v.startsWith("commit-")).noneMatch(v -> v.startsWith("abort"));

        // read_uncommitted through the proxy sees the aborted data records too, exactly as directly
        List<Records.Seen> uncommittedViaProxy =
                Records.seen(Records.readAll(proxy.consumerConfig(false, null), topic, 30, TIMEOUT));
        List<Records.Seen> uncommittedDirect =
                Records.seen(Records.readAll(proxy.consumerConfig(true, null), topic, 30, TIMEOUT));
        assertThat(uncommittedViaProxy).hasSize(30).isEqualTo(uncommittedDirect);
    }

    @Test
    void consumerGroupRebalancesAndConsumesEveryRecordOnce() throws Exception {
        String topic = "group";
        createTopic(topic, 6);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(new ProducerRecord<>(topic, i % 6, null, ("g" + i).getBytes(StandardCharsets.UTF_8)));
        }
        produce(proxy.producerConfig(false), records);

        Map<String, Object> config = proxy.consumerConfig(false, "rebalancing-group");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> first = new KafkaConsumer<>(config);
                KafkaConsumer<byte[], byte[]> second = new KafkaConsumer<>(config)) {
            first.subscribe(List.of(topic));
            // Consumers are not thread-safe and only rebalance while polled: poll them in this thread, as the
            // condition.
            await("the first consumer owns all 6 partitions")
                    .atMost(TIMEOUT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        consumeInto(first, seen, duplicates);
                        return first.assignment().size() == 6;
                    });
            assertThat(first.assignment()).hasSize(6);
            second.subscribe(List.of(topic));
            await("the partitions are shared and every record is consumed")
                    .atMost(TIMEOUT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        consumeInto(first, seen, duplicates);
                        consumeInto(second, seen, duplicates);
                        return !second.assignment().isEmpty()
                                && first.assignment().size() != 6
                                && seen.size() >= 600;
                    });
            assertThat(first.assignment()).isNotEmpty();
            assertThat(second.assignment()).isNotEmpty();
            Set<Integer> union = new HashSet<>();
            first.assignment().forEach(tp -> union.add(tp.partition()));
            second.assignment().forEach(tp -> union.add(tp.partition()));
            assertThat(union).hasSize(6);
        }
        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(600);
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("rebalancing-group"))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get("rebalancing-group");
        assertThat(group.groupId()).isEqualTo("rebalancing-group");
    }

    private static void consumeInto(KafkaConsumer<byte[], byte[]> consumer, Set<String> seen, List<String> duplicates) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (!seen.add(value)) {
                duplicates.add(value);
            }
        }
        consumer.commitSync();
    }

    @Test
    void adminOperationsWorkThroughTheProxy() throws Exception {
        String topic = "admin-ops";
        createTopic(topic, 1);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get(30, TimeUnit.SECONDS);
        TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        assertThat(description.partitions()).hasSize(4);
        var configs = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all()
                .get(30, TimeUnit.SECONDS);
        assertThat(configs.values().iterator().next().get("cleanup.policy").value())
                .isEqualTo("delete");
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        await("metadata no longer shows topic " + topic)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() ->
                        !admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic));
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
    }

    @Test
    void clientsNeverSeeAnUpstreamAddress() throws Exception {
        String topic = "addresses";
        createTopic(topic, 6);
        Set<Integer> upstreamPorts = new HashSet<>();
        for (String server : cluster.getBootstrapServers().split(",")) {
            upstreamPorts.add(Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        }
        Set<Integer> proxyPorts =
                new HashSet<>(proxy.sidecar().proxy().brokerPorts().values());

        List<Node> seen = new ArrayList<>(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
        seen.add(admin.describeCluster().controller().get(30, TimeUnit.SECONDS));
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(proxy.consumerConfig(false, "address-group"))) {
            for (PartitionInfo partition : consumer.partitionsFor(topic, TIMEOUT)) {
                seen.add(partition.leader());
                seen.addAll(List.of(partition.replicas()));
            }
            consumer.subscribe(List.of(topic));
            await("the consumer is assigned partitions")
                    .atMost(TIMEOUT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100));
                        return !consumer.assignment().isEmpty();
                    });
        }
        seen.add(admin.describeConsumerGroups(List.of("address-group"))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get("address-group")
                .coordinator());

        assertThat(proxyPorts).hasSize(3);
        assertThat(seen).allSatisfy(node -> {
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(node.port()).isIn(proxyPorts).isNotIn(upstreamPorts);
        });
    }

    @Test
    void acksZeroProducerDoesNotStallTheConnection() throws Exception {
        String topic = "acks-zero";
        createTopic(topic, 1);
        Map<String, Object> config = proxy.producerConfig(false);
        config.put(ProducerConfig.ACKS_CONFIG, "0");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(topic, ("z" + i).getBytes(StandardCharsets.UTF_8)));
                if (i % 50 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
            // metadata requests on the same connections must still be answered after acks=0 produces
            assertThat(producer.partitionsFor(topic)).hasSize(1);
        }
        assertThat(Records.readAll(proxy.consumerConfig(false, null), topic, 200, TIMEOUT))
                .hasSize(200);
    }
}
