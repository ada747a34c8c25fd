package dev.rosetta.proxy.metrics;

import java.util.concurrent.atomic.AtomicInteger;

import dev.rosetta.proxy.net.FrameBuffers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of the connection layer. Created once per proxy; every meter is registered up front so
 * the hot path only increments fields (no registry look-ups, no tag arrays per call).
 */
public final class ProxyMetrics {
    /** Open connections whose principal is not known (yet), and those whose principal is. */
    private final AtomicInteger activeAnonymous = new AtomicInteger();

    private final AtomicInteger activeKnown = new AtomicInteger();
    private final Counter acceptedConnections;
    private final Counter bytesFromClients;
    private final Counter bytesToClients;
    private final Counter responsesRewritten;
    private final Counter responsesPassedThrough;
    private final Counter rejectedFrames;
    private final Counter upstreamConnectFailures;
    private final Counter protocolErrors;

    private final MeterRegistry registry;
    private final java.util.concurrent.ConcurrentMap<String, Counter> authentications =
            new java.util.concurrent.ConcurrentHashMap<>();

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        FrameBuffers.register(registry);
        Gauge.builder("rosetta.proxy.connections.active", activeAnonymous, AtomicInteger::get)
                .description("Client connections currently open, by whether Rosetta knows their principal")
                .tag("principal_known", "false")
                .register(registry);
        Gauge.builder("rosetta.proxy.connections.active", activeKnown, AtomicInteger::get)
                .description("Client connections currently open, by whether Rosetta knows their principal")
                .tag("principal_known", "true")
                .register(registry);
        acceptedConnections = Counter.builder("rosetta.proxy.connections.accepted")
                .description("Client connections accepted")
                .register(registry);
        bytesFromClients = Counter.builder("rosetta.proxy.bytes")
                .tag("direction", "client_to_broker")
                .baseUnit("bytes")
                .description("Kafka frame bytes forwarded")
                .register(registry);
        bytesToClients = Counter.builder("rosetta.proxy.bytes")
                .tag("direction", "broker_to_client")
                .baseUnit("bytes")
                .description("Kafka frame bytes forwarded")
                .register(registry);
        responsesRewritten = Counter.builder("rosetta.proxy.responses")
                .tag("handling", "rewritten")
                .description("Broker responses re-encoded by the proxy")
                .register(registry);
        responsesPassedThrough = Counter.builder("rosetta.proxy.responses")
                .tag("handling", "passed_through")
                .description("Broker responses forwarded byte-for-byte")
                .register(registry);
        rejectedFrames = Counter.builder("rosetta.proxy.frames.rejected")
                .description("Client frames rejected (bad size, truncated header); the connection is closed")
                .register(registry);
        upstreamConnectFailures = Counter.builder("rosetta.proxy.upstream.connect.failures")
                .description("Failed attempts to connect to an upstream broker")
                .register(registry);
        protocolErrors = Counter.builder("rosetta.proxy.protocol.errors")
                .description("Connections closed because a peer broke the Kafka protocol")
                .register(registry);
    }

    /** A client connection closed for having been idle for listener.idleTimeout. */
    public void idleClosed() {
        Counter.builder("rosetta.proxy.connections.idle.closed")
                .description("Client connections closed after listener.idleTimeout without traffic")
                .register(registry)
                .increment();
    }

    public void connectionOpened() {
        acceptedConnections.increment();
        activeAnonymous.incrementAndGet();
    }

    /** An open connection's principal became known. */
    public void principalLearned() {
        activeAnonymous.decrementAndGet();
        activeKnown.incrementAndGet();
    }

    public void connectionClosed(boolean principalKnown) {
        (principalKnown ? activeKnown : activeAnonymous).decrementAndGet();
    }

    /**
     * One SASL exchange seen on its way to the broker: {@code outcome} is {@code principal_learned},
     * {@code failed} or {@code no_principal}; {@code mechanism} is one of a bounded set of names.
     */
    public void authentication(String mechanism, String outcome) {
        authentications
                .computeIfAbsent(
                        mechanism + '/' + outcome,
                        k -> Counter.builder("rosetta.proxy.authentications")
                                .description(
                                        "SASL exchanges passed through to the broker, by what Rosetta learned from them")
                                .tag("mechanism", mechanism)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }

    public int activeConnections() {
        return activeAnonymous.get() + activeKnown.get();
    }

    public void bytesFromClient(int bytes) {
        bytesFromClients.increment(bytes);
    }

    public void bytesToClient(int bytes) {
        bytesToClients.increment(bytes);
    }

    public void responseRewritten() {
        responsesRewritten.increment();
    }

    public void responsePassedThrough() {
        responsesPassedThrough.increment();
    }

    public void frameRejected() {
        rejectedFrames.increment();
    }

    public void upstreamConnectFailed() {
        upstreamConnectFailures.increment();
    }

    public void protocolError() {
        protocolErrors.increment();
    }
}
