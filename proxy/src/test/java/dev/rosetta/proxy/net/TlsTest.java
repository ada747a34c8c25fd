package dev.rosetta.proxy.net;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.ClientTlsConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.ServerTlsConfig;
import dev.rosetta.config.UpstreamConfig;
import dev.rosetta.proxy.testing.LogCapture;
import dev.rosetta.proxy.testing.Records;
import dev.rosetta.proxy.testing.TestProxy;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.BrokerCluster;
import io.kroxylicious.testing.kafka.common.Tls;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** TLS on both legs: clients → proxy with the proxy's certificate, proxy → brokers verified against the cluster's CA. */
@ExtendWith(KafkaClusterExtension.class)
class TlsTest {

    @Tls
    @BrokerCluster(numBrokers = 1)
    static KafkaCluster cluster;

    @TempDir
    static Path dir;

    static X509Bundle ca;
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        ca = new CertificateBuilder()
                .subject("CN=Rosetta Test CA")
                .setIsCertificateAuthority(true)
                .buildSelfSigned();
        X509Bundle server = new CertificateBuilder()
                .subject("CN=localhost")
                .addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1")
                .buildIssuedBy(ca);
        Path chain = Files.writeString(dir.resolve("proxy-chain.pem"), server.getCertificatePathPEM());
        Path key = Files.writeString(dir.resolve("proxy-key.pem"), server.getPrivateKeyPEM());
        Path upstreamCa = dir.resolve("upstream-ca.pem");
        Files.writeString(upstreamCa, trustStoreAsPem(cluster.getKafkaClientConfiguration()));

        RosettaConfig config = RosettaConfig.defaults(
                        List.of(cluster.getBootstrapServers().split(",")))
                .withListener(new ListenerConfig(
                        "127.0.0.1",
                        0,
                        0,
                        "127.0.0.1",
                        ListenerConfig.DEFAULT_MAX_FRAME_BYTES,
                        new ServerTlsConfig(chain, key, null, null, false)))
                .withUpstream(new UpstreamConfig(
                        List.of(cluster.getBootstrapServers().split(",")),
                        new ClientTlsConfig(upstreamCa, false, null, null, null),
                        UpstreamConfig.DEFAULT_CONNECT_TIMEOUT));
        proxy = TestProxy.start(config);
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** The cluster's client truststore (JKS/PKCS12) as PEM certificates, the format Rosetta's TLS settings take. */
    private static String trustStoreAsPem(Map<String, Object> clientConfig) throws Exception {
        KeyStore store = KeyStore.getInstance(String.valueOf(
                clientConfig.getOrDefault(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, KeyStore.getDefaultType())));
        Object password = clientConfig.get(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        char[] chars = password == null
                ? null
                : (password instanceof org.apache.kafka.common.config.types.Password p
                                ? p.value()
                                : password.toString())
                        .toCharArray();
        try (InputStream in =
                new FileInputStream(String.valueOf(clientConfig.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)))) {
            store.load(in, chars);
        }
        StringBuilder pem = new StringBuilder();
        for (String alias : Collections.list(store.aliases())) {
            Certificate cert = store.getCertificate(alias);
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(cert.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return pem.toString();
    }

    private static Map<String, Object> withClientTls(Map<String, Object> config) {
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, ca.getCertificatePEM());
        return config;
    }

    @Test
    void clientsSpeakTlsToTheProxyAndTheProxySpeaksTlsToTheBrokers() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(withClientTls(proxy.producerConfig(false)))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("tls-topic", ("secret-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        var records = Records.readAll(
                withClientTls(proxy.consumerConfig(false, null)), "tls-topic", 50, Duration.ofSeconds(60));
        assertThat(records).hasSize(50);
        assertThat(new String(records.get(49).value(), StandardCharsets.UTF_8)).isEqualTo("secret-49");
    }

    @Test
    void plaintextClientOnTheTlsPortIsClosedWithAClearReason() throws Exception {
        try (LogCapture log = new LogCapture(ClientConnection.class);
                Socket socket = new Socket()) {
            socket.connect(proxy.sidecar().proxy().bootstrapAddress(), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(ByteBuffer.allocate(16)
                            .putInt(12)
                            .putShort((short) 18)
                            .putShort((short) 3)
                            .putInt(1)
                            .putShort((short) -1)
                            .putShort((short) 0)
                            .array());
            InputStream in = socket.getInputStream();
            try {
                while (in.read() >= 0) {
                    // until closed
                }
            } catch (java.io.IOException reset) {
                // closed with a reset
            }
            await("the proxy logs why it closed the connection")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> !log.lines().isEmpty());
            assertThat(log.lines()).singleElement().asString().contains("TLS handshake failed");
        }
    }
}
