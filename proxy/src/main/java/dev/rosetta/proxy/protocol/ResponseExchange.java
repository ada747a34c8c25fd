package dev.rosetta.proxy.protocol;

import java.util.concurrent.CompletionStage;

/** What a {@link ResponseFilter} may know and ask about the request/response exchange it is looking at. */
public interface ResponseExchange {

    /** The client id from the request header, or {@code null}. */
    String clientId();

    /**
     * Asks the proxy to hold this response (and every later one on the connection, to keep order)
     * until {@code stage} completes, then run the filter chain again. The caller must not have
     * changed the message.
     */
    void deferUntil(CompletionStage<?> stage);
}
