package dev.rosetta.proxy.net;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.protocol.InFlightRequest;

/**
 * The requests forwarded to the broker and not answered yet, in the order they left. A Kafka
 * broker answers the requests of one connection in order, so each response must answer the
 * oldest one; only the request knows the api key and version needed to read its response.
 */
final class Correlations {
    private final ArrayDeque<InFlightRequest> inFlight = new ArrayDeque<>();

    /** Records a request that has just been sent and expects a response. */
    void sent(InFlightRequest request) {
        inFlight.add(request);
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /**
     * The request a response with {@code correlationId} answers, taken off the list; null when it
     * is not the next one expected (see {@link #nextExpected()}), which breaks the connection.
     */
    @Nullable
    InFlightRequest answeredBy(int correlationId) {
        InFlightRequest next = inFlight.peek();
        if (next == null || next.correlationId() != correlationId) {
            return null;
        }
        return inFlight.poll();
    }

    /** For the log line when a response is out of order: the correlation id expected next, or "none". */
    String nextExpected() {
        InFlightRequest next = inFlight.peek();
        return next == null ? "none" : Integer.toString(next.correlationId());
    }
}
