package dev.rosetta.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where Kafka clients connect to the sidecar. Port-per-broker: clients bootstrap on
 * {@code bootstrapPort}; the broker with node id N is exposed on {@code brokerPortBase + N}.
 *
 * @param bindHost       address to listen on (default {@code 127.0.0.1})
 * @param bootstrapPort  bootstrap port (default {@value #DEFAULT_BOOTSTRAP_PORT}); 0 = any free port
 * @param brokerPortBase node id N listens on {@code brokerPortBase + N} (default {@value #DEFAULT_BROKER_PORT_BASE});
 *                       0 = each broker gets any free port (tests, embedded mode; clients learn it from metadata)
 * @param advertisedHost the host written into broker endpoints clients see (default: {@code bindHost})
 * @param maxFrameBytes  largest request frame accepted from a client (1 KiB .. 2 GiB-1, default 100 MiB)
 * @param tls            TLS towards clients; null means plaintext
 */
public record ListenerConfig(
        String bindHost,
        int bootstrapPort,
        int brokerPortBase,
        String advertisedHost,
        int maxFrameBytes,
        @Nullable ServerTlsConfig tls) {

    public static final String DEFAULT_BIND_HOST = "127.0.0.1";
    public static final int DEFAULT_BOOTSTRAP_PORT = 19092;
    public static final int DEFAULT_BROKER_PORT_BASE = 19100;
    public static final int DEFAULT_MAX_FRAME_BYTES = 104_857_600;
    public static final int MIN_FRAME_BYTES = 1024;

    public ListenerConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        if (advertisedHost == null) {
            advertisedHost = bindHost;
        }
        if (bootstrapPort < 0 || bootstrapPort > 65535) {
            throw new IllegalArgumentException("bootstrapPort must be 0..65535, got " + bootstrapPort);
        }
        if (brokerPortBase < 0 || brokerPortBase > 65535) {
            throw new IllegalArgumentException("brokerPortBase must be 0..65535, got " + brokerPortBase);
        }
        if (maxFrameBytes < MIN_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024, got " + maxFrameBytes);
        }
    }

    public static ListenerConfig defaults() {
        return new ListenerConfig(
                DEFAULT_BIND_HOST,
                DEFAULT_BOOTSTRAP_PORT,
                DEFAULT_BROKER_PORT_BASE,
                DEFAULT_BIND_HOST,
                DEFAULT_MAX_FRAME_BYTES,
                null);
    }

    /** The port that exposes the broker with node id {@code nodeId}; 0 when ports are ephemeral. */
    public int brokerPort(int nodeId) {
        return brokerPortBase == 0 ? 0 : brokerPortBase + nodeId;
    }
}
