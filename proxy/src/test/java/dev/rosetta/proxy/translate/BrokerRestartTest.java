package dev.rosetta.proxy.translate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.testing.Topics;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.api.TerminationStyle;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.common.KRaftCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A three-broker cluster behind Rosetta, with translation on both sides:
 * while an idempotent producer and a consumer run through Rosetta, the leader of a partition is killed, leadership
 * moves to the other replicas, the node comes back and leadership moves back (preferred election). Nothing
 * acknowledged is lost, nothing is stored twice, each partition keeps its order, and Rosetta's counts match what
 * the clients sent and received.
 */
@ExtendWith(KafkaClusterExtension.class)
class BrokerRestartTest {
    private static final String TOPIC = "faults-leaders";
    private static final int PARTITIONS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    // one KRaft voter (node 0, also a broker): a cluster of three voters takes minutes to shut down once two are gone
    @BrokerCluster(numBrokers = 3)
    @KRaftCluster(numControllers = 1)
    static KafkaCluster cluster;

    static TranslatingProxy fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TranslatingProxy(cluster.getBootstrapServers());
        fixture.routes.set(RouteTable.of(List.of(new RouteConfig(
                TOPIC,
                "orders-value",
                null,
                RouteConfig.ConsumeConfig.of(1),
                ProduceConfig.of(2),
                FailurePolicy.DEFAULT))));
        Topics.create(
                fixture.admin,
                new NewTopic(TOPIC, PARTITIONS, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false")));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aLeaderRestartsUnderProducersAndConsumersAndNothingIsLostOrDuplicated() throws Exception {
        int chunk = 300;
        int chunks = 24;
        int total = chunk * chunks;
        List<ConsumerRecord<byte[], byte[]>> received = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> consuming = CompletableFuture.runAsync(() -> consume(received, total));

        // the leader of a partition, other than the controller
        int led = 0;
        while (leaderOf(led) == 0) {
            led++;
        }
        int victimPartition = led;
        int victim = leaderOf(victimPartition);
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, fixture.proxy.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        List<Future<?>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int c = 0; c < chunks; c++) {
                if (c == 8) {
                    cluster.stopNodes(id -> id == victim, TerminationStyle.ABRUPT);
                }
                for (int i = c * chunk; i < (c + 1) * chunk; i++) {
                    acks.add(producer.send(new ProducerRecord<>(
                            TOPIC,
                            i % PARTITIONS,
                            ("key-" + i).getBytes(StandardCharsets.UTF_8),
                            Avro.v1(fixture.v1Id, "o" + i, i))));
                }
                if (c == 8) {
                    producer.flush(); // written to the other replicas while the leader is away
                    await("leadership of partition " + victimPartition + " moved off node " + victim)
                            .atMost(TIMEOUT)
                            .until(() -> leaderOf(victimPartition) != victim);
                }
                if (c == 16) {
                    cluster.startNodes(id -> id == victim);
                    await("node " + victim + " back in sync").atMost(TIMEOUT).until(() -> inSyncEverywhere(victim));
                    fixture.admin
                            .electLeaders(ElectionType.PREFERRED, null)
                            .all()
                            .get(30, TimeUnit.SECONDS);
                    await("leadership of partition " + victimPartition + " back on node " + victim)
                            .atMost(TIMEOUT)
                            .until(() -> leaderOf(victimPartition) == victim);
                }
            }
            for (Future<?> f : acks) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        consuming.get(180, TimeUnit.SECONDS);

        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        long stored = fixture.admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(r -> r.offset())
                .sum();
        assertThat(stored).as("records stored").isEqualTo(total);
        assertThat(count("produce", "translated"))
                .as("produced records counted once each")
                .isEqualTo(total);

        List<ConsumerRecord<byte[], byte[]>> got = List.copyOf(received);
        assertThat(got)
                .hasSize(total)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(fixture.v1Id));
        Set<Integer> amounts = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            List<ConsumerRecord<byte[], byte[]>> inPartition =
                    got.stream().filter(r -> r.partition() == partition).toList();
            List<Long> offsets =
                    inPartition.stream().map(ConsumerRecord::offset).toList();
            assertThat(offsets).as("delivery order of partition %d", p).isSorted();
            List<Integer> sent = inPartition.stream()
                    .map(r -> (Integer) Avro.read(r.value(), Avro.SCHEMA_V1).get("amount"))
                    .toList();
            assertThat(sent).as("send order of partition %d", p).isSorted().doesNotHaveDuplicates();
            amounts.addAll(sent);
        }
        assertThat(amounts).hasSize(total);
        assertThat(count("consume", "translated"))
                .as("fetched records counted as the consumer received them")
                .isEqualTo(total);
    }

    /** Reads every partition through Rosetta (assigned, no group: no rebalance discards fetched records). */
    private static void consume(List<ConsumerRecord<byte[], byte[]>> received, int total) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, fixture.proxy.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (received.size() < total && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
    }

    private static int leaderOf(int partition) throws Exception {
        TopicDescription d = fixture.admin
                .describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(TOPIC);
        var leader = d.partitions().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }

    private static boolean inSyncEverywhere(int node) throws Exception {
        TopicDescription d = fixture.admin
                .describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(TOPIC);
        return d.partitions().stream().allMatch(p -> p.isr().stream().anyMatch(n -> n.id() == node));
    }

    private static double count(String direction, String outcome) {
        var counter = fixture.meters
                .find("rosetta.records")
                .tags("topic", TOPIC, "direction", direction, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
