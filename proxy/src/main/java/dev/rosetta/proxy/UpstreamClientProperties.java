package dev.rosetta.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

import dev.rosetta.config.ClientTlsConfig;
import dev.rosetta.config.UpstreamConfig;
import dev.rosetta.config.UpstreamSaslConfig;

/**
 * Kafka client properties that reach the upstream cluster the way the proxy does (TLS with the
 * same PEM files), and log in with {@code upstream.sasl} on a SASL cluster, for the sidecar's own
 * clients: route distribution, topic-name look-ups and dead letters.
 */
final class UpstreamClientProperties {

    private UpstreamClientProperties() {}

    static Map<String, Object> of(UpstreamConfig upstream) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(
                CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
                upstream.connectTimeout().toMillis());
        ClientTlsConfig tls = upstream.tls();
        UpstreamSaslConfig sasl = upstream.sasl();
        if (sasl != null) {
            props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, tls == null ? "SASL_PLAINTEXT" : "SASL_SSL");
            props.put(SaslConfigs.SASL_MECHANISM, sasl.mechanism());
            props.put(SaslConfigs.SASL_JAAS_CONFIG, sasl.jaasConfig());
        }
        if (tls == null) {
            return props;
        }
        if (tls.insecureTrustAll()) {
            throw new IllegalStateException(
                    "upstream.tls.insecureTrustAll cannot be used by route distribution's Kafka"
                            + " clients; set upstream.tls.trustedCertificates, or turn distribution off (distribution.enabled: false)");
        }
        props.putIfAbsent(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        if (tls.trustedCertificates() != null) {
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            props.put(
                    SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                    tls.trustedCertificates().toString());
        }
        Path chain = tls.certificateChain();
        Path key = tls.privateKey();
        if (chain != null && key != null) { // ClientTlsConfig accepts them only together
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, read(chain));
            props.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, read(key));
            if (tls.privateKeyPassword() != null) {
                props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, tls.privateKeyPassword());
            }
        }
        return props;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (upstream.tls)", e);
        }
    }
}
