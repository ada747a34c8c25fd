package dev.rosetta.proxy.translate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

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
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.Topics;
import dev.rosetta.translators.testing.ApicurioRegistry;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sidecar translating through a real Apicurio Registry 3.3.3 (its Confluent API), a registry
 * nobody on the team wrote: the example contracts registered over REST, Apicurio's ids in the
 * records, the example translator steps, real clients on a real broker.
 */
@ExtendWith(KafkaClusterExtension.class)
class ApicurioEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path CONTRACTS = Path.of("..", "config", "examples", "contracts", "orders-value");
    private static final Path TRANSLATORS = Path.of("..", "config", "examples", "translators");

    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    @RegisterExtension
    static final ApicurioRegistry APICURIO = new ApicurioRegistry();

    static Sidecar sidecar;
    static Schema v1;
    static Schema v2;
    static int v1Id;
    static int v2Id;

    /** Consumers read v2, legacy-* clients read v1; produced records are stored as v2. */
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
        String v1Text = Files.readString(CONTRACTS.resolve("v1.avsc"));
        String v2Text = Files.readString(CONTRACTS.resolve("v2.avsc"));
        v1Id = APICURIO.register("orders-value", v1Text);
        // another subject in between: orders-value's ids are Apicurio's content ids, not 1 and 2
        APICURIO.register(
                "payments-value",
                "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");
        v2Id = APICURIO.register("orders-value", v2Text);
        assertThat(v2Id).isNotEqualTo(v1Id + 1);
        v1 = new Schema.Parser().parse(v1Text);
        v2 = new Schema.Parser().parse(v2Text);

        RosettaConfig config = RosettaConfig.defaults(
                        List.of(cluster.getBootstrapServers().split(",")))
                .withListener(new ListenerConfig(
                        "127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null))
                .withAdmin(new AdminConfig(true, "127.0.0.1", 0, null))
                .withRegistry(new RegistryConfig(
                        APICURIO.ccompatUrl(), null, null, null, Duration.ofSeconds(2), Duration.ofSeconds(5), null))
                .withTranslators(new TranslatorsConfig(TRANSLATORS))
                .withRoutes(List.of(route("orders"), route("orders-via-proxy")));
        sidecar = new Sidecar(config).start();
        try (Admin admin =
                Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers()))) {
            Topics.create(admin, new NewTopic("orders", 2, (short) 1), new NewTopic("orders-via-proxy", 1, (short) 1));
        }
    }

    @AfterAll
    static void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    static byte[] orderV1(String id, int amount) {
        GenericRecord r = new GenericData.Record(v1);
        r.put("id", id);
        r.put("customer", "c-" + id);
        r.put("amount", amount);
        return Avro.frame(v1Id, v1, r);
    }

    static Map<String, Object> client(String bootstrap, String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    static List<ConsumerRecord<byte[], byte[]>> readThroughSidecar(String topic, String clientId, int expected) {
        return Records.readAll(client(sidecar.proxy().bootstrapServers(), clientId), topic, expected, TIMEOUT);
    }

    static void produce(String bootstrap, String clientId, String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client(bootstrap, clientId))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(
                        topic, ("k" + i).getBytes(StandardCharsets.UTF_8), orderV1("o" + i, 100 + i)));
            }
            producer.flush();
        }
    }

    static String error(ConsumerRecord<byte[], byte[]> r) {
        var h = r.headers().lastHeader("rosetta.error");
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void v1RecordsOnTheBrokerReadAsV2ThroughTheSidecarAndAsV1ByLegacyClients() throws Exception {
        produce(cluster.getBootstrapServers(), "legacy-checkout", "orders", 50); // straight to the broker: stored as v1

        List<ConsumerRecord<byte[], byte[]>> modern = readThroughSidecar("orders", "analytics", 50);
        assertThat(modern).hasSize(50).allSatisfy(r -> {
            assertThat(error(r)).isNull();
            assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id);
        });
        GenericRecord o7 = modern.stream()
                .map(r -> Avro.read(r.value(), v2))
                .filter(r -> r.get("id").toString().equals("o7"))
                .findFirst()
                .orElseThrow();
        assertThat(o7.get("amountCents")).isEqualTo(107);
        assertThat(o7.get("currency").toString()).isEqualTo("EUR");
        assertThat(o7.get("customer").toString()).isEqualTo("c-o7");

        // legacy-* reads v1: the stored v1 bytes, untouched
        List<ConsumerRecord<byte[], byte[]>> legacy = readThroughSidecar("orders", "legacy-billing", 50);
        assertThat(legacy).hasSize(50).allSatisfy(r -> assertThat(error(r)).isNull());
        List<byte[]> produced =
                IntStream.range(0, 50).mapToObj(i -> orderV1("o" + i, 100 + i)).toList();
        assertThat(legacy).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(produced);
    }

    @Test
    void v1RecordsProducedThroughTheSidecarAreStoredAsV2AndLegacyClientsReadThemBackAsV1() throws Exception {
        produce(sidecar.proxy().bootstrapServers(), "legacy-checkout", "orders-via-proxy", 20);

        // on the broker: v2 under Apicurio's v2 id (upcast on produce)
        List<ConsumerRecord<byte[], byte[]>> stored =
                Records.readAll(client(cluster.getBootstrapServers(), "auditor"), "orders-via-proxy", 20, TIMEOUT);
        assertThat(stored)
                .hasSize(20)
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));
        assertThat(Avro.read(stored.get(3).value(), v2).get("amountCents")).isEqualTo(103);

        // a legacy consumer gets v1 back (downcast: the example's rename amountCents -> amount), byte for byte
        List<ConsumerRecord<byte[], byte[]>> legacy = readThroughSidecar("orders-via-proxy", "legacy-billing", 20);
        assertThat(legacy).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(error(legacy.get(i))).isNull();
            assertThat(legacy.get(i).value()).isEqualTo(orderV1("o" + i, 100 + i));
        }
        assertThat(readThroughSidecar("orders-via-proxy", "analytics", 20))
                .allSatisfy(r -> assertThat(Avro.schemaId(r.value())).isEqualTo(v2Id));

        // the sidecar's readiness reflects Apicurio being up
        HttpResponse<String> ready = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(sidecar.admin().baseUrl() + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    }
}
