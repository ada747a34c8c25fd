package dev.rosetta.proxy.protocol;

import java.util.concurrent.CompletionStage;

/** What a {@link RequestFilter} may know and ask about the request it is looking at. */
public interface RequestExchange {

    ProxyConnection connection();

    /** Holds this request and every later one on the connection until {@code stage} completes, then runs the filters again. */
    void deferUntil(CompletionStage<?> stage);

    /** State kept across the runs of one request; null at first. */
    Object attachment();

    void attach(Object attachment);

    /**
     * Leaves {@code context} for the response filters of this request's response
     * ({@link ResponseExchange#requestContext()}), e.g. partitions the proxy answered itself.
     */
    void setResponseContext(Object context);
}
