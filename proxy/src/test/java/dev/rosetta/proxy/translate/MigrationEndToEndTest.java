package dev.rosetta.proxy.translate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RegistryConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.TranslatorsConfig;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.embedded.EmbeddedRegistry;
import dev.rosetta.proxy.testing.LogCapture;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.Topics;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole sidecar (routes, admin API, registry over HTTP) with producers and consumers on both
 * versions of the example contract at once, on a real broker.
 */
@ExtendWith(KafkaClusterExtension.class)
class MigrationEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path CONTRACTS = Path.of("..", "config", "examples", "contracts");
    private static final Path TRANSLATORS = Path.of("..", "config", "examples", "translators");

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    @TempDir
    static Path contractsCopy;

    static EmbeddedRegistry registry;
    static Sidecar sidecar;
    static Schema v1;
    static Schema v2;
    static int v1Id;
    static int v2Id;
    static HttpClient http = HttpClient.newHttpClient();

    /** Consumers read v2, legacy-* read v1; producers' records are stored as v2. */
    static RouteConfig route(String topic) {
        return new RouteConfig(
                topic,
                "orders-value",
                null,
                new ConsumeConfig(2, List.of(new ConsumeOverride("legacy-*", null, 1)), null),
                ProduceConfig.of(2),
                FailurePolicy.DEFAULT);
    }

    @BeforeAll
    static void start() throws Exception {
        // a copy, because the outage test stops this registry
        try (var files = Files.walk(CONTRACTS)) {
            for (Path source : files.toList()) {
                Path target = contractsCopy.resolve(CONTRACTS.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        registry = EmbeddedRegistry.start(contractsCopy);
        v1Id = registry.schema("orders-value", 1).orElseThrow().id();
        v2Id = registry.schema("orders-value", 2).orElseThrow().id();
        v1 = new Schema.Parser()
                .parse(registry.schema("orders-value", 1).orElseThrow().schema());
        v2 = new Schema.Parser()
                .parse(registry.schema("orders-value", 2).orElseThrow().schema());
        RosettaConfig config = RosettaConfig.defaults(
                        List.of(cluster.getBootstrapServers().split(",")))
                .withListener(new ListenerConfig(
                        "127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null))
                .withAdmin(new AdminConfig(true, "127.0.0.1", 0, null))
                .withRegistry(new RegistryConfig(
                        registry.url(), null, null, null, Duration.ofSeconds(2), Duration.ofSeconds(2), null))
                .withTranslators(new TranslatorsConfig(TRANSLATORS))
                .withRoutes(
                        List.of(route("orders"), route("customers"), route("big"), route("outage"), route("metered")));
        sidecar = new Sidecar(config).start();
        try (Admin admin =
                Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers()))) {
            Topics.create(
                    admin,
                    new NewTopic("orders", 3, (short) 1),
                    new NewTopic("big", 1, (short) 1),
                    new NewTopic("outage", 1, (short) 1),
                    new NewTopic("metered", 1, (short) 1),
                    new NewTopic("customers", 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
    }

    @AfterAll
    static void stop() {
        sidecar.close();
        registry.close();
    }

    static byte[] orderV1(String id, int amount) {
        GenericRecord r = new GenericData.Record(v1);
        r.put("id", id);
        r.put("customer", "c-" + id);
        r.put("amount", amount);
        return Avro.frame(v1Id, v1, r);
    }

    static byte[] orderV2(String id, int cents, String currency) {
        GenericRecord r = new GenericData.Record(v2);
        r.put("id", id);
        r.put("customer", "c-" + id);
        r.put("amountCents", cents);
        r.put("currency", currency);
        return Avro.frame(v2Id, v2, r);
    }

    static Map<String, Object> client(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, sidecar.proxy().bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    static List<ConsumerRecord<byte[], byte[]>> read(String topic, String clientId, int expected) {
        return Records.readAll(client(clientId), topic, expected, TIMEOUT);
    }

    static String post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(sidecar.admin().baseUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void v1AndV2ProducersAndConsumersShareATopicAndARollbackAppliesOnTheNextFetch() throws Exception {
        try (KafkaProducer<byte[], byte[]> legacyProducer = new KafkaProducer<>(client("legacy-checkout"));
                KafkaProducer<byte[], byte[]> modernProducer = new KafkaProducer<>(client("checkout"))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(legacyProducer.send(new ProducerRecord<>(
                        "orders", ("k" + i).getBytes(StandardCharsets.UTF_8), orderV1("a" + i, i))));
                sent.add(modernProducer.send(new ProducerRecord<>(
                        "orders", ("k" + i).getBytes(StandardCharsets.UTF_8), orderV2("b" + i, i, "USD"))));
            }
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> legacy = read("orders", "legacy-billing", 200);
        List<ConsumerRecord<byte[], byte[]>> modern = read("orders", "analytics", 200);
        assertThat(legacy)
                .hasSize(200)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1Id));
        assertThat(modern)
                .hasSize(200)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
        // a v2 record read by a v1 consumer: amountCents became amount (the example's downcast step)
        ConsumerRecord<byte[], byte[]> b7 = legacy.stream()
                .filter(r -> Avro.read(r.value(), v1).get("id").toString().equals("b7"))
                .findFirst()
                .orElseThrow();
        assertThat(Avro.read(b7.value(), v1).get("amount")).isEqualTo(7);

        // make every consumer read v1 ... then roll back: the next fetch is v2 again
        String rolledOut = post("/routes/orders/rollout", "{\"side\":\"consume\",\"version\":1,\"percent\":100}");
        assertThat(rolledOut).contains("\"applied\"");
        assertThat(read("orders", "analytics", 200))
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1Id));
        post("/routes/orders/rollback", "{\"reason\":\"test\"}");
        assertThat(read("orders", "analytics", 200))
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
    }

    @Test
    void metricsShowTranslationsRegistryCallsAndTheTranslatorCache() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client("legacy-metrics"))) {
            producer.send(new ProducerRecord<>("metered", orderV1("m1", 1))).get(30, TimeUnit.SECONDS);
        }
        read("metered", "analytics-metrics", 1);
        String metrics = http.send(
                        HttpRequest.newBuilder(URI.create(sidecar.admin().baseUrl() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(
                        positive(
                                metrics,
                                "rosetta_records_translated_total{direction=\"produce\",from_version=\"1\",to_version=\"2\",topic=\"metered\"}"))
                .isTrue();
        assertThat(positive(metrics, "rosetta_registry_requests_total{outcome=\"answered\"}"))
                .isTrue();
        assertThat(positive(metrics, "rosetta_translators_cache_hits_total")).isTrue();
        assertThat(metrics)
                .contains(
                        "rosetta_translators_cache_misses_total",
                        "rosetta_translation_partition_time_seconds",
                        "rosetta_routes_revision",
                        "rosetta_registry_up",
                        "rosetta_proxy_bytes_total");
    }

    private static boolean isReady(String readyz) {
        return !readyz.isEmpty()
                && dev.rosetta.proxy.testing.AdminHttp.json(readyz)
                        .get("status")
                        .asText()
                        .equals("ready");
    }

    /** Records fetched through the sidecar from {@code topic}, all outcomes. */
    private static double consumedOutcomes(String topic) {
        return sidecar
                .registry()
                .find("rosetta.records")
                .tags("topic", topic, "direction", "consume")
                .counters()
                .stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    private static boolean positive(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .anyMatch(l -> Double.parseDouble(l.substring(series.length() + 1)) > 0);
    }

    @Test
    void recordsNearTheSizeLimitAreTranslated() throws Exception {
        String huge = "x".repeat(480_000); // id and customer: ~960 KB, near the default 1 MiB record and fetch limits
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client("legacy-bulk"))) {
            producer.send(new ProducerRecord<>("big", orderV1(huge, 1))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("big", orderV1("small", 2))).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<byte[], byte[]>> modern = read("big", "analytics", 2);
        assertThat(modern).hasSize(2);
        assertThat(Avro.read(modern.get(0).value(), v2).get("id").toString()).hasSize(480_000);
        assertThat(Avro.read(modern.get(1).value(), v2).get("currency").toString())
                .isEqualTo("EUR");
    }

    @Test
    void aCompactedTopicIsTranslatedAndKeepsItsOffsets() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client("legacy-crm"))) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(
                                "customers",
                                ("customer-" + (i % 10)).getBytes(StandardCharsets.UTF_8),
                                orderV1("c" + i, i)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> modern = read("customers", "analytics", 30);
        assertThat(modern)
                .extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, 30).boxed().toList());
        assertThat(modern).allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
    }

    @Test
    void duringARegistryOutageCachedSchemasKeepWorkingAndReadinessSaysWhy() throws Exception {
        // warm the caches for both directions of orders-value, then take the registry away
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client("legacy-warm"))) {
            producer.send(new ProducerRecord<>("outage", orderV1("warm", 1))).get(30, TimeUnit.SECONDS);
        }
        assertThat(read("outage", "analytics", 1)).hasSize(1);
        assertThat(read("outage", "legacy-billing", 1)).hasSize(1);
        LogCapture health = new LogCapture("dev.rosetta.translators.registry.HealthTracker");
        registry.close();
        try {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client("legacy-during-outage"))) {
                producer.send(new ProducerRecord<>("outage", orderV1("cached", 2)))
                        .get(30, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>("outage", orderV1("x", 3))).get(30, TimeUnit.SECONDS);
            }
            // a record whose schema id the sidecar has never seen: cannot be looked up now
            byte[] unseen = orderV1("unseen", 4);
            java.nio.ByteBuffer.wrap(unseen).putInt(1, 987);
            try (KafkaProducer<byte[], byte[]> direct = new KafkaProducer<>(Map.of(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.getBootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class))) {
                direct.send(new ProducerRecord<>("outage", unseen)).get(30, TimeUnit.SECONDS);
            }
            // mid-rollout: every reader moved to v1, then rolled back, while the registry is away
            double countedBefore = consumedOutcomes("outage");
            post(
                    "/routes/outage/rollout",
                    "{\"side\": \"consume\", \"version\": 1, \"percent\": 100, \"reason\": \"outage drill\"}");
            List<ConsumerRecord<byte[], byte[]>> rolledOut = read("outage", "analytics-rolled-out", 4);
            assertThat(rolledOut).hasSize(4);
            assertThat(rolledOut.subList(0, 3))
                    .as("v2 records read as v1 through the cached translator")
                    .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v1Id));
            post("/routes/outage/rollback", "{\"reason\": \"outage drill over\"}");
            List<ConsumerRecord<byte[], byte[]>> modern = read("outage", "analytics", 4);
            assertThat(modern).hasSize(4);
            assertThat(consumedOutcomes("outage") - countedBefore)
                    .as("every record the two readers received counted once, translated or passed with a reason")
                    .isEqualTo(8);
            assertThat(modern.subList(0, 3))
                    .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
            assertThat(modern.get(3).value()).isEqualTo(unseen);
            assertThat(new String(
                            modern.get(3).headers().lastHeader("rosetta.error").value(), StandardCharsets.UTF_8))
                    .startsWith("UNKNOWN_SCHEMA schema id 987");

            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create(sidecar.admin().baseUrl() + "/readyz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode())
                    .as("still ready: it answered before, and cached schemas keep translating")
                    .isEqualTo(200);
            assertThat(dev.rosetta.proxy.testing.AdminHttp.json(ready.body())
                            .get("status")
                            .asText())
                    .isEqualTo("degraded");
            assertThat(ready.body()).contains("registry").contains("schema registry unreachable since");
            assertThat(health.lines())
                    .as("Rosetta says once that the registry is gone, and what that means")
                    .filteredOn(l -> l.startsWith("WARN"))
                    .singleElement()
                    .asString()
                    .contains("Schema registry " + registry.url())
                    .contains("Cached schemas keep translating");
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create(sidecar.admin().baseUrl() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics.lines()
                            .filter(l -> l.startsWith("rosetta_registry_served_from_cache_during_outage"))
                            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                            .sum())
                    .as("records translated from the cache while the registry was down are counted")
                    .isPositive();
        } finally {
            registry = EmbeddedRegistry.start(contractsCopy, registry.port());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String body = "";
        int attempt = 0;
        while (!isReady(body) && System.nanoTime() < deadline) {
            // the registry is up again; the next look-up it answers marks it healthy
            read("outage", "analytics-after-outage-" + attempt++, 1);
            body = http.send(
                            HttpRequest.newBuilder(URI.create(sidecar.admin().baseUrl() + "/readyz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
        assertThat(isReady(body)).as(body).isTrue();
        assertThat(health.lines())
                .as("and once that it is back")
                .anySatisfy(l -> assertThat(l).startsWith("INFO").contains("answers again"));
        health.close();
    }
}
