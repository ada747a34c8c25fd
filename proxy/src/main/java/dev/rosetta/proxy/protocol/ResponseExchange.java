package dev.rosetta.proxy.protocol;

import java.util.concurrent.CompletionStage;

/** What a {@link ResponseFilter} may know and ask about the request/response exchange it is looking at. */
public interface ResponseExchange {

    /** The client id from the request header, or {@code null}. */
    String clientId();

    /** The connection this exchange belongs to. */
    ProxyConnection connection();

    /**
     * Asks the proxy to hold this response (and every later one on the connection, to keep order)
     * until {@code stage} completes, then run the filter chain again. The caller must not have
     * changed the message. {@code stage} may complete exceptionally; the chain still runs again.
     */
    void deferUntil(CompletionStage<?> stage);

    /** State a filter keeps across the runs of one exchange (e.g. the look-ups it is waiting for); null at first. */
    Object attachment();

    void attach(Object attachment);

    /** What the request filters left for this response ({@link RequestExchange#setResponseContext}), or null. */
    Object requestContext();
}
