package dev.rosetta.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The real Kafka cluster behind the sidecar.
 *
 * @param bootstrapServers {@code host:port} entries (IPv6 as {@code [::1]:9092}); never empty.
 *                         YAML may give a list or one comma-separated string.
 * @param tls              TLS towards the brokers; null means plaintext
 * @param connectTimeout   TCP connect timeout towards a broker (default 10s)
 * @param sasl             how Rosetta's own clients authenticate; null for a cluster without SASL
 */
public record UpstreamConfig(
        List<String> bootstrapServers,
        @Nullable ClientTlsConfig tls,
        Duration connectTimeout,
        @Nullable UpstreamSaslConfig sasl) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public UpstreamConfig {
        bootstrapServers = List.copyOf(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        if (bootstrapServers.isEmpty()) {
            throw new IllegalArgumentException("bootstrapServers must not be empty");
        }
        for (String s : bootstrapServers) {
            String problem = HostPort.problem(s);
            if (problem != null) {
                throw new IllegalArgumentException("bootstrap server '" + s + "': " + problem);
            }
        }
        if (connectTimeout == null) {
            connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        }
    }

    /** A cluster without SASL. */
    public UpstreamConfig(List<String> bootstrapServers, @Nullable ClientTlsConfig tls, Duration connectTimeout) {
        this(bootstrapServers, tls, connectTimeout, null);
    }

    public UpstreamConfig withSasl(@Nullable UpstreamSaslConfig value) {
        return new UpstreamConfig(bootstrapServers, tls, connectTimeout, value);
    }

    public static UpstreamConfig defaults(List<String> bootstrapServers) {
        return new UpstreamConfig(bootstrapServers, null, DEFAULT_CONNECT_TIMEOUT);
    }
}
