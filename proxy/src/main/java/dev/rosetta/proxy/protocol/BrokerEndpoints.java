package dev.rosetta.proxy.protocol;

import java.util.concurrent.CompletionStage;

/**
 * The proxy's view of the upstream brokers and the ports it exposes for them (one port per
 * broker node id, so a client's per-broker connections stay per-broker through the proxy).
 *
 * <p>Implementations are thread-safe; every method is cheap and non-blocking.
 */
public interface BrokerEndpoints {

    /** The host clients are told to connect to. */
    String advertisedHost();

    /** The port the proxy listens on for {@code nodeId}, or {@code -1} if it does not listen for it yet. */
    int advertisedPort(int nodeId);

    /** Records where broker {@code nodeId} is reachable upstream, as a broker response just said. */
    void learnUpstream(int nodeId, String host, int port);

    /** Starts listening for {@code nodeId} if not already; the stage completes once the port accepts connections. */
    CompletionStage<?> expose(int nodeId);
}
