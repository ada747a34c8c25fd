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
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Counter acceptedConnections;
    private final Counter bytesFromClients;
    private final Counter bytesToClients;
    private final Counter responsesRewritten;
    private final Counter responsesPassedThrough;
    private final Counter rejectedFrames;
    private final Counter upstreamConnectFailures;
    private final Counter protocolErrors;

    public ProxyMetrics(MeterRegistry registry) {
        FrameBuffers.register(registry);
        Gauge.builder("rosetta.proxy.connections.active", activeConnections, AtomicInteger::get)
                .description("Client connections currently open")
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

    public void connectionOpened() {
        acceptedConnections.increment();
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public int activeConnections() {
        return activeConnections.get();
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
