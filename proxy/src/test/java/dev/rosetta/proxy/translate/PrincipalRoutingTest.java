package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.PrincipalConfig;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.ServerTlsConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.testing.Topics;
import dev.rosetta.translators.wire.WireFormat;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.SaslMechanism;
import io.kroxylicious.testing.kafka.common.SaslMechanism.Principal;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routes' {@code principal:} overrides on SASL clusters: Rosetta passes the SASL exchange through to a real
 * broker, learns the principal on the way, and two users on one topic read their own versions. The route: consumers
 * read v2, except {@code User:bob}, pinned to v1.
 */
@ExtendWith(KafkaClusterExtension.class)
class PrincipalRoutingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "orders";
    private static final ListenerConfig LISTENER =
            new ListenerConfig("127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null);

    private static RouteConfig route() {
        return new RouteConfig(
                TOPIC,
                "orders-value",
                null,
                new ConsumeConfig(2, List.of(new ConsumeOverride(null, "User:bob", 1)), null),
                null,
                FailurePolicy.DEFAULT);
    }

    @Test
    void plain(
            @SaslMechanism(
                            value = "PLAIN",
                            principals = {
                                @Principal(user = "admin", password = "admin-secret"),
                                @Principal(user = "bob", password = "bob-secret"),
                                @Principal(user = "carol", password = "carol-secret")
                            })
                    KafkaCluster cluster)
            throws Exception {
        eachUserReadsTheirOwnVersion(cluster, "PLAIN", PrincipalRoutingTest::plainLogin);
    }

    @Test
    void scramSha512(
            @SaslMechanism(
                            value = "SCRAM-SHA-512",
                            principals = {
                                @Principal(user = "admin", password = "admin-secret"),
                                @Principal(user = "bob", password = "bob-secret"),
                                @Principal(user = "carol", password = "carol-secret")
                            })
                    KafkaCluster cluster)
            throws Exception {
        eachUserReadsTheirOwnVersion(cluster, "SCRAM-SHA-512", PrincipalRoutingTest::scramLogin);
    }

    @Test
    void oauthBearerReadsTheSubjectOfTheToken(@SaslMechanism("OAUTHBEARER") KafkaCluster cluster) throws Exception {
        eachUserReadsTheirOwnVersion(cluster, "OAUTHBEARER", PrincipalRoutingTest::unsecuredJwsLogin);
    }

    @Test
    void aFailedAuthenticationGetsTheBrokersErrorAndNoPrincipal(
            @SaslMechanism(
                            value = "PLAIN",
                            principals = {@Principal(user = "bob", password = "bob-secret")})
                    KafkaCluster cluster)
            throws Exception {
        Map<String, Object> admin = clientConfig(cluster.getBootstrapServers(), "PLAIN", plainLogin("bob"));
        try (TranslatingProxy fixture = new TranslatingProxy(
                cluster.getBootstrapServers(), RecordTranslation.Options.DEFAULTS, saslOnly(admin), LISTENER)) {
            fixture.routes.set(RouteTable.of(List.of(route())));
            Map<String, Object> wrong = clientConfig(
                    fixture.proxy.bootstrapServers(),
                    "PLAIN",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\""
                            + " password=\"not-bob's\";");
            wrong.put(ConsumerConfig.GROUP_ID_CONFIG, "intruder");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(wrong)) {
                consumer.subscribe(List.of(TOPIC));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(20)))
                        .as("the broker's refusal reaches the client unchanged")
                        .isInstanceOf(SaslAuthenticationException.class)
                        .hasMessageContaining("Invalid username or password");
            }
            assertThat(fixture.meters
                            .find("rosetta.proxy.authentications")
                            .tags("mechanism", "PLAIN", "outcome", "failed")
                            .counter())
                    .as("the failure is counted")
                    .isNotNull();
            assertThat(fixture.meters
                            .find("rosetta.proxy.authentications")
                            .tags("outcome", "principal_learned")
                            .counter())
                    .as("nobody was bound")
                    .isNull();
        }
    }

    @Test
    void mutualTlsNamesThePrincipalFromTheCertificateSubject(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        X509Bundle ca = new CertificateBuilder()
                .subject("CN=Rosetta Clients CA")
                .setIsCertificateAuthority(true)
                .buildSelfSigned();
        X509Bundle server = new CertificateBuilder()
                .subject("CN=localhost")
                .addSanIpAddress("127.0.0.1")
                .buildIssuedBy(ca);
        Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
        ListenerConfig tls = new ListenerConfig(
                        "127.0.0.1",
                        0,
                        0,
                        "127.0.0.1",
                        ListenerConfig.DEFAULT_MAX_FRAME_BYTES,
                        new ServerTlsConfig(
                                Files.writeString(dir.resolve("chain.pem"), server.getCertificatePathPEM()),
                                Files.writeString(dir.resolve("key.pem"), server.getPrivateKeyPEM()),
                                null,
                                caPem,
                                true))
                .withPrincipals(new PrincipalConfig("sub", "RULE:^CN=([^,]+),OU=apps.*$/$1/L,DEFAULT"));
        try (TranslatingProxy fixture = new TranslatingProxy(
                cluster.getBootstrapServers(), RecordTranslation.Options.DEFAULTS, Map.of(), tls)) {
            fixture.routes.set(RouteTable.of(List.of(route())));
            Topics.create(fixture.admin, new NewTopic(TOPIC, 1, (short) 1));
            Map<String, Object> producerConfig = new HashMap<>();
            producerConfig.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.getBootstrapServers());
            producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, Avro.v1(fixture.v1Id, "o-" + i, i)));
                }
            }
            String through = fixture.proxy.bootstrapServers();
            assertThat(schemaIds(certificateClient(through, ca, "CN=Bob,OU=apps,O=Example"), "bob", 20))
                    .as("CN=Bob,OU=apps maps to User:bob, pinned to v1")
                    .containsOnly(fixture.v1Id);
            assertThat(schemaIds(certificateClient(through, ca, "CN=carol,OU=apps,O=Example"), "carol", 20))
                    .as("carol reads the default, v2")
                    .containsOnly(fixture.v2Id);
            assertThat(fixture.meters
                            .find("rosetta.proxy.connections.active")
                            .tag("principal_known", "true")
                            .gauge())
                    .isNotNull();
        }
    }

    private static Map<String, Object> certificateClient(String bootstrap, X509Bundle ca, String subject)
            throws Exception {
        X509Bundle client = new CertificateBuilder().subject(subject).buildIssuedBy(ca);
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, ca.getCertificatePEM());
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, client.getCertificatePathPEM());
        config.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, client.getPrivateKeyPEM());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** librdkafka (kcat) clients authenticate through Rosetta with SASL PLAIN and read their principals' versions. */
    @Test
    void librdkafkaClientsReadTheirPrincipalsVersions(
            @SaslMechanism(
                            value = "PLAIN",
                            principals = {
                                @Principal(user = "admin", password = "admin-secret"),
                                @Principal(user = "bob", password = "bob-secret"),
                                @Principal(user = "carol", password = "carol-secret")
                            })
                    KafkaCluster cluster)
            throws Exception {
        Map<String, Object> admin = clientConfig(cluster.getBootstrapServers(), "PLAIN", plainLogin("admin"));
        try (TranslatingProxy fixture = new TranslatingProxy(
                cluster.getBootstrapServers(), RecordTranslation.Options.DEFAULTS, saslOnly(admin), LISTENER)) {
            fixture.routes.set(RouteTable.of(List.of(route())));
            try (var a = org.apache.kafka.clients.admin.Admin.create(admin)) {
                Topics.create(a, new NewTopic(TOPIC, 1, (short) 1));
            }
            Map<String, Object> producerConfig = new HashMap<>(admin);
            producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, Avro.v1(fixture.v1Id, "o-" + i, i)));
                }
            }
            String through = fixture.proxy.bootstrapServers();
            assertThat(kcatSchemaIds(through, "bob", 20))
                    .as("bob, via librdkafka")
                    .containsOnly(fixture.v1Id);
            assertThat(kcatSchemaIds(through, "carol", 20))
                    .as("carol, via librdkafka")
                    .containsOnly(fixture.v2Id);
        }
    }

    /** The schema ids of the first {@code count} records kcat reads as {@code user}; kcat must be installed. */
    private static List<Integer> kcatSchemaIds(String bootstrap, String user, int count) throws Exception {
        try {
            new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start().waitFor();
        } catch (java.io.IOException e) {
            throw new AssertionError(
                    "this test runs librdkafka's CLI, kcat, which is not installed: apt-get install kcat"
                            + " (.ci/run installs it)",
                    e);
        }
        String delimiter = "\n--rosetta-record--\n";
        Process kcat = new ProcessBuilder(
                        "kcat",
                        "-C",
                        "-b",
                        bootstrap,
                        "-t",
                        TOPIC,
                        "-o",
                        "beginning",
                        "-c",
                        String.valueOf(count),
                        "-e",
                        "-f",
                        "%s" + delimiter,
                        "-X",
                        "security.protocol=SASL_PLAINTEXT",
                        "-X",
                        "sasl.mechanisms=PLAIN",
                        "-X",
                        "sasl.username=" + user,
                        "-X",
                        "sasl.password=" + user + "-secret")
                .redirectErrorStream(false)
                .start();
        byte[] out;
        try (var stdout = kcat.getInputStream()) {
            out = stdout.readAllBytes();
        }
        assertThat(kcat.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue())
                .as(
                        "kcat: %s",
                        new String(kcat.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isZero();
        List<Integer> ids = new ArrayList<>();
        byte[] delim = delimiter.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i + delim.length <= out.length; i++) {
            if (java.util.Arrays.equals(out, i, i + delim.length, delim, 0, delim.length)) {
                ids.add(WireFormat.schemaIdOrMinusOne(
                        ByteBuffer.wrap(out, start, i - start).slice()));
                start = i + delim.length;
                i = start - 1;
            }
        }
        assertThat(ids).as("records kcat read as %s", user).hasSize(count);
        return ids;
    }

    interface Login {
        String jaas(String user);
    }

    private void eachUserReadsTheirOwnVersion(KafkaCluster cluster, String mechanism, Login login) throws Exception {
        Map<String, Object> admin = clientConfig(cluster.getBootstrapServers(), mechanism, login.jaas("admin"));
        try (TranslatingProxy fixture = new TranslatingProxy(
                cluster.getBootstrapServers(), RecordTranslation.Options.DEFAULTS, saslOnly(admin), LISTENER)) {
            fixture.routes.set(RouteTable.of(List.of(route())));
            try (var a = org.apache.kafka.clients.admin.Admin.create(admin)) {
                Topics.create(a, new NewTopic(TOPIC, 1, (short) 1));
            }
            Map<String, Object> producerConfig = new HashMap<>(admin);
            producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, Avro.v1(fixture.v1Id, "o-" + i, i)));
                }
            }
            String through = fixture.proxy.bootstrapServers();
            assertThat(schemaIds(clientConfig(through, mechanism, login.jaas("bob")), "bob", 20))
                    .as("bob is pinned to v1 by his principal")
                    .containsOnly(fixture.v1Id);
            assertThat(schemaIds(clientConfig(through, mechanism, login.jaas("carol")), "carol", 20))
                    .as("carol reads the route's default, v2")
                    .containsOnly(fixture.v2Id);
            assertThat(fixture.meters
                            .find("rosetta.proxy.authentications")
                            .tags("mechanism", mechanism, "outcome", "principal_learned")
                            .counter()
                            .count())
                    .isPositive();
            if (!mechanism.equals("OAUTHBEARER")) { // KafkaJS's OAUTHBEARER needs a token provider of the app's
                for (String user : List.of("bob", "carol")) {
                    var read = dev.rosetta.proxy.testing.NodeClients.run(
                            "kafkajs-consume.js",
                            90,
                            through,
                            TOPIC,
                            "20",
                            "kafkajs-" + user,
                            mechanism.toLowerCase(java.util.Locale.ROOT) + ":" + user + ":" + user + "-secret");
                    int expected = user.equals("bob") ? fixture.v1Id : fixture.v2Id;
                    assertThat(read.path("ids").path(String.valueOf(expected)).asInt())
                            .as("KafkaJS as %s: %s", user, read)
                            .isEqualTo(20);
                }
            }
        }
    }

    /** The schema ids of the first {@code count} records {@code user} reads through Rosetta. */
    private static List<Integer> schemaIds(Map<String, Object> config, String user, int count) {
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "group-of-" + user);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "reader-" + user);
        List<Integer> ids = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ids.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ids.add(WireFormat.schemaIdOrMinusOne(ByteBuffer.wrap(r.value())));
                }
            }
        }
        assertThat(ids).as("records %s read", user).hasSize(count);
        return ids;
    }

    private static Map<String, Object> clientConfig(String bootstrap, String mechanism, String jaas) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** What Rosetta's own clients need to reach the cluster (no bootstrap, no deserializers). */
    private static Map<String, Object> saslOnly(Map<String, Object> client) {
        Map<String, Object> out = new HashMap<>();
        for (String key : List.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                SaslConfigs.SASL_MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG)) {
            out.put(key, client.get(key));
        }
        return out;
    }

    private static String plainLogin(String user) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + user + "-secret\";";
    }

    private static String scramLogin(String user) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + user + "-secret\";";
    }

    /** Kafka's unsecured JWS login: a token whose sub claim is {@code user} (the broker's default validator accepts it). */
    private static String unsecuredJwsLogin(String user) {
        return "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
                + " unsecuredLoginStringClaim_sub=\"" + user + "\";";
    }
}
