package dev.rosetta.config;

import java.time.Duration;
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
 * @param fetchCodec     the codec of the fetch batches Rosetta rebuilds (translated records) on their
 *                       way to these clients; batches it does not rebuild keep their bytes
 * @param principals     how clients' principals are named (OAUTHBEARER claim, TLS subject mapping)
 * @param idleTimeout    a client connection with no traffic either way for this long is closed, with its
 *                       upstream connection (default 10 minutes, Kafka's {@code connections.max.idle.ms});
 *                       zero turns it off
 */
public record ListenerConfig(
        String bindHost,
        int bootstrapPort,
        int brokerPortBase,
        String advertisedHost,
        int maxFrameBytes,
        @Nullable ServerTlsConfig tls,
        FetchCodec fetchCodec,
        PrincipalConfig principals,
        Duration idleTimeout) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public static final String DEFAULT_BIND_HOST = "127.0.0.1";
    public static final int DEFAULT_BOOTSTRAP_PORT = 19092;
    public static final int DEFAULT_BROKER_PORT_BASE = 19100;
    public static final int DEFAULT_MAX_FRAME_BYTES = 104_857_600;
    public static final int MIN_FRAME_BYTES = 1024;

    /**
     * The codec of a rebuilt fetch batch. {@code KEEP} writes it with the codec it was stored with
     * (the default); {@code NONE} writes it uncompressed, which spares compressing it here and
     * decompressing it in the client, both on the same host for a sidecar; a named codec writes
     * every rebuilt batch with that codec.
     */
    public enum FetchCodec {
        KEEP,
        NONE,
        GZIP,
        SNAPPY,
        LZ4,
        ZSTD
    }

    /** A listener whose rebuilt fetch batches keep their codec. */
    public ListenerConfig(
            String bindHost,
            int bootstrapPort,
            int brokerPortBase,
            String advertisedHost,
            int maxFrameBytes,
            @Nullable ServerTlsConfig tls) {
        this(bindHost, bootstrapPort, brokerPortBase, advertisedHost, maxFrameBytes, tls, FetchCodec.KEEP);
    }

    /** A listener that names principals as Kafka does by default, with the default idle timeout. */
    public ListenerConfig(
            String bindHost,
            int bootstrapPort,
            int brokerPortBase,
            String advertisedHost,
            int maxFrameBytes,
            @Nullable ServerTlsConfig tls,
            FetchCodec fetchCodec) {
        this(
                bindHost,
                bootstrapPort,
                brokerPortBase,
                advertisedHost,
                maxFrameBytes,
                tls,
                fetchCodec,
                PrincipalConfig.DEFAULTS,
                DEFAULT_IDLE_TIMEOUT);
    }

    public ListenerConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(principals, "principals");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative, got " + idleTimeout);
        }
        Objects.requireNonNull(fetchCodec, "fetchCodec");
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

    public ListenerConfig withFetchCodec(FetchCodec codec) {
        return new ListenerConfig(
                bindHost,
                bootstrapPort,
                brokerPortBase,
                advertisedHost,
                maxFrameBytes,
                tls,
                codec,
                principals,
                idleTimeout);
    }

    public ListenerConfig withPrincipals(PrincipalConfig value) {
        return new ListenerConfig(
                bindHost,
                bootstrapPort,
                brokerPortBase,
                advertisedHost,
                maxFrameBytes,
                tls,
                fetchCodec,
                value,
                idleTimeout);
    }

    public ListenerConfig withIdleTimeout(Duration value) {
        return new ListenerConfig(
                bindHost,
                bootstrapPort,
                brokerPortBase,
                advertisedHost,
                maxFrameBytes,
                tls,
                fetchCodec,
                principals,
                value);
    }

    /** The port that exposes the broker with node id {@code nodeId}; 0 when ports are ephemeral. */
    public int brokerPort(int nodeId) {
        return brokerPortBase == 0 ? 0 : brokerPortBase + nodeId;
    }
}
