package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.testing.LogCapture;
import dev.rosetta.translators.registry.StaticSchemaRegistry;
import dev.rosetta.translators.wire.WireFormat;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.SaslMechanism;
import io.kroxylicious.testing.kafka.common.SaslMechanism.Principal;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole sidecar on a SCRAM-SHA-512 cluster, configured from YAML as a user would: its own clients log in with
 * {@code upstream.sasl} (the password from a mounted file), so route distribution reads and writes the routes
 * topic, topic-name look-ups resolve (fetches by topic id), and a record that cannot be translated reaches the
 * dead-letter topic; clients authenticate through it as themselves and read the version their principal gets.
 */
@ExtendWith(KafkaClusterExtension.class)
class SaslClusterSidecarTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void rosettasOwnClientsWorkOnASaslCluster(
            @SaslMechanism(
                            value = "SCRAM-SHA-512",
                            principals = {
                                @Principal(user = "rosetta", password = "rosetta-secret"),
                                @Principal(user = "bob", password = "bob-secret"),
                                @Principal(user = "carol", password = "carol-secret")
                            })
                    KafkaCluster cluster,
            @TempDir Path dir)
            throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), "rosetta-secret\n");
        String yaml = """
                listener: {bindHost: 127.0.0.1, bootstrapPort: 0, brokerPortBase: 0}
                upstream:
                  bootstrapServers: %s
                  sasl:
                    mechanism: SCRAM-SHA-512
                    username: rosetta
                    passwordFile: %s
                admin: {port: 0}
                audit: {enabled: false}
                routes:
                  - topic: orders
                    valueSubject: orders-value
                    consume:
                      version: 2
                      overrides:
                        - principal: "User:bob"
                          version: 1
                    produce:
                      version: 1
                    failure:
                      mode: DEAD_LETTER
                      deadLetterTopic: orders.dlq
                """.formatted(cluster.getBootstrapServers(), passwordFile);
        RosettaConfig config = ConfigLoader.parse(yaml, "rosetta.yaml", dir, System::getenv);
        assertThat(config.upstream().sasl())
                .hasToString("UpstreamSaslConfig[mechanism=SCRAM-SHA-512, username=rosetta, password=****]");
        StaticSchemaRegistry schemas = new StaticSchemaRegistry();
        int v1 = schemas.register("orders-value", Avro.V1);
        int v2 = schemas.register("orders-value", Avro.V2);
        try (LogCapture log = new LogCapture(Sidecar.class);
                Sidecar sidecar = new Sidecar(config, null, schemas).start()) {
            assertThat(log.lines())
                    .as("the start says how principal overrides can match")
                    .anySatisfy(line -> assertThat(line)
                            .contains("Routes of [orders] have principal overrides")
                            .contains("learned from clients' SASL exchanges"));
            sidecar.routesReady().get(60, TimeUnit.SECONDS); // the routes topic was read with Rosetta's login
            String through = sidecar.proxy().bootstrapServers();

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(through, "carol"))) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("orders", Avro.v1(v1, "o-" + i, i)))
                            .get();
                }
                producer.send(new ProducerRecord<>("orders", Avro.v1(999_999, "unknown-schema", 1)))
                        .get();
            }

            assertThat(schemaIds(consumer(through, "bob"), "orders", 11))
                    .as("bob reads v1 (his principal's override); the untranslatable record passes as it was")
                    .containsOnly(v1, 999_999);
            assertThat(schemaIds(consumer(through, "carol"), "orders", 11))
                    .as("carol reads the default, v2; topic ids were resolved to names with Rosetta's login")
                    .containsOnly(v2, 999_999);
            ConsumerRecord<byte[], byte[]> stored =
                    recordsOf(consumer(cluster.getBootstrapServers(), "rosetta"), "orders", 11).stream()
                            .filter(r -> WireFormat.schemaIdOrMinusOne(ByteBuffer.wrap(r.value())) == 999_999)
                            .findFirst()
                            .orElseThrow();
            Map<String, Object> dlqReader = consumer(cluster.getBootstrapServers(), "rosetta");
            dlqReader.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-readers");
            List<ConsumerRecord<byte[], byte[]>> dead = recordsOf(dlqReader, "orders.dlq", 1);
            assertThat(dead)
                    .as("one dead letter, written with Rosetta's login once the broker stored the record: the"
                            + " consumers' reads of the same stored record are not copied again")
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(header(d, "rosetta.source.partition")).isEqualTo(String.valueOf(stored.partition()));
                        assertThat(header(d, "rosetta.source.offset"))
                                .as("the offset the record was stored at, not -1")
                                .isEqualTo(String.valueOf(stored.offset()));
                    });

            var overrides =
                    new dev.rosetta.proxy.testing.AdminHttp(sidecar.admin().baseUrl()).get("/routes/orders/overrides");
            assertThat(overrides.status()).isEqualTo(200);
            assertThat(overrides
                            .json()
                            .path("overrides")
                            .path(0)
                            .path("principal")
                            .asText())
                    .isEqualTo("User:bob");
            assertThat(overrides
                            .json()
                            .path("overrides")
                            .path(0)
                            .path("matchedConnections")
                            .asLong())
                    .as("bob's connections matched his override (carol's did not)")
                    .isPositive();
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cli = dev.rosetta.proxy.cli.Rosetta.commandLine();
            cli.setOut(new java.io.PrintWriter(out));
            assertThat(cli.execute(
                            "routes", "orders", "--admin", sidecar.admin().baseUrl()))
                    .isZero();
            assertThat(out.toString())
                    .as("rosetta routes shows the matches")
                    .containsPattern("principal User:bob -> v1 +\\(matched \\d+ connections? on this sidecar\\)");

            long before = sidecar.routeStore().current().number();
            sidecar.routeChanges()
                    .submit(new RouteChange.Rollout("orders", RouteChange.Side.CONSUME, 1, 100, "test", "all v1"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(sidecar.routeStore().current().number())
                    .as("a route change went through the routes topic on the SASL cluster")
                    .isGreaterThan(before);
        }
    }

    private static Map<String, Object> login(String bootstrap, String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + user + "-secret\";");
        return config;
    }

    private static Map<String, Object> producer(String bootstrap, String user) {
        Map<String, Object> config = login(bootstrap, user);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    private static Map<String, Object> consumer(String bootstrap, String user) {
        Map<String, Object> config = login(bootstrap, user);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "readers-" + user);
        return config;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** At least {@code count} records of {@code topic}, then whatever else arrives within two more seconds. */
    private static List<ConsumerRecord<byte[], byte[]>> recordsOf(Map<String, Object> config, String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            consumer.poll(Duration.ofSeconds(2)).forEach(out::add); // a second copy would be here by now
        }
        assertThat(out).as("records read from %s", topic).hasSizeGreaterThanOrEqualTo(count);
        return out;
    }

    private static List<Integer> schemaIds(Map<String, Object> config, String topic, int count) {
        List<Integer> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ids.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ids.add(WireFormat.schemaIdOrMinusOne(ByteBuffer.wrap(r.value())));
                }
            }
        }
        assertThat(ids).as("records read from %s", topic).hasSizeGreaterThanOrEqualTo(count);
        return ids;
    }
}
