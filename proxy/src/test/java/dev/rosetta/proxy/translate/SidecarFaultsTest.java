package dev.rosetta.proxy.translate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.distribution.KafkaRouteDistribution;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.testing.AdminHttp;
import dev.rosetta.proxy.testing.LogCapture;
import dev.rosetta.proxy.testing.Topics;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.api.TerminationStyle;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.common.KRaftCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;
import io.micrometer.core.instrument.MeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole sidecars (from YAML, with route distribution) when the sidecar itself restarts under its clients, and when
 * the routes topic is unavailable for a while.
 */
@ExtendWith(KafkaClusterExtension.class)
class SidecarFaultsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Node 1 holds the routes topic of the outage test; node 0 is the KRaft voter and stays up. */
    private static final int ROUTES_NODE = 1;

    @BrokerCluster(numBrokers = 3)
    @KRaftCluster(numControllers = 1)
    static KafkaCluster cluster;

    static StaticSchemaRegistry schemas = new StaticSchemaRegistry();
    static int v1 = schemas.register("orders-value", Avro.V1);
    static int v2 = schemas.register("orders-value", Avro.V2);
    static Admin admin;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    private static RosettaConfig config(int bootstrapPort, int brokerPortBase, String routesTopic, String topic)
            throws Exception {
        String yaml =
                """
                listener: {bindHost: 127.0.0.1, bootstrapPort: %d, brokerPortBase: %d}
                upstream:
                  bootstrapServers: %s
                admin: {port: 0}
                audit: {enabled: false}
                distribution: {topic: %s, sidecarId: sidecar-%s}
                routes:
                  - topic: %s
                    valueSubject: orders-value
                    consume: {version: 1}
                    produce: {version: 2}
                """.formatted(bootstrapPort, brokerPortBase, cluster.getBootstrapServers(), routesTopic, topic, topic);
        return ConfigLoader.parse(yaml, "rosetta.yaml", dir, System::getenv);
    }

    @Test
    void aRestartedSidecarTakesItsRoutesFromTheTopicAndItsClientsGoOnLosingNothing() throws Exception {
        String topic = "restart-orders";
        int partitions = 3;
        Topics.create(admin, new NewTopic(topic, partitions, (short) 3));
        RosettaConfig config = config(freePort(), freePort(), "_rosetta_routes_restart", topic);
        List<MeterRegistry> registries = new ArrayList<>();
        Sidecar first = new Sidecar(config, null, schemas).start();
        registries.add(first.registry());
        first.routesReady().get(60, TimeUnit.SECONDS);
        // a change made through the API, not in the file: it must survive the restart
        AdminHttp.Answer put = new AdminHttp(first.admin().baseUrl())
                .put(
                        "/routes/other-orders",
                        "{\"topic\": \"other-orders\", \"valueSubject\": \"orders-value\", \"consume\": {\"version\": 2}}",
                        "X-Rosetta-Actor",
                        "restart-test");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        long revisionBefore = first.routeStore().current().number();
        String through = config.listener().bindHost() + ":" + config.listener().bootstrapPort();

        int chunk = 300;
        int chunks = 10;
        int total = chunk * chunks;
        List<ConsumerRecord<byte[], byte[]>> received = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> consuming =
                CompletableFuture.runAsync(() -> consume(through, topic, partitions, received, total));
        Sidecar second = null;
        List<Future<?>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(through))) {
            for (int c = 0; c < chunks; c++) {
                for (int i = c * chunk; i < (c + 1) * chunk; i++) {
                    acks.add(producer.send(new ProducerRecord<>(
                            topic,
                            i % partitions,
                            ("key-" + i).getBytes(StandardCharsets.UTF_8),
                            Avro.v1(v1, "o" + i, i))));
                }
                if (c != chunks / 2) {
                    producer.flush(); // a steady stream, so that the restart lands in the middle of it
                } else {
                    first.close(); // under the clients' feet: this chunk in flight, connections open
                    second = new Sidecar(config, null, schemas).start();
                    registries.add(second.registry());
                    second.routesReady().get(60, TimeUnit.SECONDS);
                }
            }
            for (Future<?> f : acks) {
                f.get(120, TimeUnit.SECONDS);
            }
            consuming.get(180, TimeUnit.SECONDS);
            assertThat(second).isNotNull();
            assertThat(second.routeStore().current().number())
                    .as("the restarted sidecar is at the fleet's revision")
                    .isGreaterThanOrEqualTo(revisionBefore);
            assertThat(second.routeStore().table().route("other-orders"))
                    .as("the route made through the API came back from the routes topic, not from the file")
                    .isNotNull();
        } finally {
            if (second != null) {
                second.close();
            }
        }

        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long stored = admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(r -> r.offset())
                .sum();
        assertThat(stored).as("records stored, once each").isEqualTo(total);
        List<ConsumerRecord<byte[], byte[]>> got = List.copyOf(received);
        assertThat(got)
                .hasSize(total)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1));
        Set<Integer> amounts = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            List<Integer> sent = got.stream()
                    .filter(r -> r.partition() == partition)
                    .map(r -> (Integer) Avro.read(r.value(), Avro.SCHEMA_V1).get("amount"))
                    .toList();
            assertThat(sent).as("partition %d in send order", p).isSorted().doesNotHaveDuplicates();
            amounts.addAll(sent);
        }
        assertThat(amounts).hasSize(total);
        // A response counted by the first sidecar in the instant between its answer and its close would be counted
        // again by the second for the client's retry: at most the requests in flight then.
        double produced =
                registries.stream().mapToDouble(r -> count(r, topic, "produce")).sum();
        assertThat(produced)
                .as("produced records counted by the two sidecars together")
                .isBetween((double) total, total + 5.0 * chunk);
    }

    @Test
    void whileTheRoutesTopicIsUnavailableTheSidecarKeepsItsRoutesSaysWhyAndRefusesChanges() throws Exception {
        String routesTopic = "_rosetta_routes_outage";
        Topics.create(
                admin,
                new NewTopic(routesTopic, Map.of(0, List.of(ROUTES_NODE)))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        try (Sidecar sidecar = new Sidecar(config(0, 0, routesTopic, "outage-orders"), null, schemas).start()) {
            sidecar.routesReady().get(60, TimeUnit.SECONDS);
            AdminHttp api = new AdminHttp(sidecar.admin().baseUrl());
            assertThat(rollout(api, 50).status()).isEqualTo(200);
            long revision = sidecar.routeStore().current().number();

            try (LogCapture log = new LogCapture(KafkaRouteDistribution.class)) {
                cluster.stopNodes(id -> id == ROUTES_NODE, TerminationStyle.ABRUPT);
                await("/readyz reports the routes topic unavailable")
                        .atMost(TIMEOUT)
                        .until(() -> api.get("/readyz").body().contains("unavailable"));
                AdminHttp.Answer ready = api.get("/readyz");
                assertThat(ready.status())
                        .as("still ready: the sidecar serves with the last routes")
                        .isEqualTo(200);
                assertThat(ready.json().get("status").asText()).isEqualTo("degraded");
                assertThat(ready.json().get("checks").get("routes").asText())
                        .contains(routesTopic)
                        .contains("keeps serving the routes of revision " + revision);
                assertThat(api.get("/metrics").body()).contains("rosetta_routes_topic_available 0.0");

                long asked = System.nanoTime();
                AdminHttp.Answer refused = rollout(api, 100);
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.json().get("error").asText())
                        .contains("refused")
                        .contains(routesTopic)
                        .contains("unavailable");
                assertThat(Duration.ofNanos(System.nanoTime() - asked))
                        .as("refused at once, not after a timeout")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(sidecar.routeStore().current().number()).isEqualTo(revision);
                assertThat(sidecar.routeStore()
                                .table()
                                .route("outage-orders")
                                .consume()
                                .rollout()
                                .percent())
                        .isEqualTo(50);

                cluster.startNodes(id -> id == ROUTES_NODE);
                await("/readyz ready again")
                        .atMost(TIMEOUT)
                        .until(() ->
                                api.get("/readyz").json().get("status").asText().equals("ready"));
                AdminHttp.Answer accepted = rollout(api, 100);
                assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
                assertThat(sidecar.routeStore().current().number()).isGreaterThan(revision);
                assertThat(log.lines())
                        .as("one line when the outage starts, one when it ends")
                        .filteredOn(l -> l.contains("routes topic " + routesTopic + " is"))
                        .hasSize(2);
            }
        }
    }

    private static AdminHttp.Answer rollout(AdminHttp api, int percent) {
        return api.post(
                "/routes/outage-orders/rollout",
                "{\"side\": \"consume\", \"version\": 2, \"percent\": " + percent + "}",
                "X-Rosetta-Actor",
                "outage-test");
    }

    private static void consume(
            String through, String topic, int partitions, List<ConsumerRecord<byte[], byte[]>> received, int total) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, through);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (received.size() < total && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
    }

    private static Map<String, Object> producer(String through) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, through);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return config;
    }

    private static double count(MeterRegistry registry, String topic, String direction) {
        var counter = registry.find("rosetta.records")
                .tags("topic", topic, "direction", direction, "outcome", "translated")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
