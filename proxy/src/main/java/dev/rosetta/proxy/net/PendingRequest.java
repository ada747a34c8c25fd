package dev.rosetta.proxy.net;

import java.util.Objects;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.InFlightRequest;
import dev.rosetta.proxy.protocol.KafkaMessages;
import dev.rosetta.proxy.protocol.ProxyConnection;
import dev.rosetta.proxy.protocol.RequestExchange;
import dev.rosetta.proxy.protocol.RequestFilter;

import io.netty.buffer.ByteBuf;

/** A client request held back from the broker while a request filter works on it or an earlier request waits. */
final class PendingRequest extends PendingMessage<RequestFilter> implements RequestExchange {
    static final RequestFilter[] NO_FILTERS = new RequestFilter[0];

    private final InFlightRequest summary;
    private final boolean expectResponse;
    /** The decoded request header; null when no filter runs. */
    private final @Nullable RequestHeaderData header;

    private Attachments forResponse = Attachments.NONE;

    /**
     * Decodes {@code frame} when a filter will run on it.
     *
     * @param summary what was read of the header without decoding it
     * @throws RuntimeException when the frame cannot be decoded; the caller still owns the frame then
     */
    PendingRequest(
            ClientConnection connection,
            InFlightRequest summary,
            boolean expectResponse,
            ByteBuf frame,
            RequestFilter[] filters) {
        super(
                connection,
                summary,
                frame,
                filters,
                filters.length == 0
                        ? null
                        : KafkaMessages.decodeRequestBody(frame, known(summary.apiKey()), summary.apiVersion()));
        this.summary = summary;
        this.expectResponse = expectResponse;
        this.header = filters.length == 0 ? null : KafkaMessages.decodeRequestHeader(frame, known(apiKey), apiVersion);
    }

    /** The filters that want {@code frame} (asked before decoding it); none when no filter needs to decode it. */
    static RequestFilter[] filtersFor(FilterTable<RequestFilter> table, InFlightRequest header, ByteBuf frame) {
        ApiKeys key = header.apiKey();
        if (key == null) {
            return NO_FILTERS;
        }
        RequestFilter[] filters = table.forMessage(key, header.apiVersion());
        for (RequestFilter filter : filters) {
            if (filter.needsDecoding(key, header.apiVersion(), frame)) {
                return filters;
            }
        }
        return NO_FILTERS;
    }

    @Override
    FilterResult apply(RequestFilter filter, ApiMessage message) {
        return filter.onRequest(known(apiKey), apiVersion, Objects.requireNonNull(header), message, this);
    }

    @Override
    ByteBuf encode(ApiMessage message) {
        return KafkaMessages.encodeRequest(
                connection.alloc(), Objects.requireNonNull(header), known(apiKey), apiVersion, message);
    }

    @Override
    void ready(boolean resumed) {
        if (resumed) {
            connection.forwardReadyRequests();
        }
    }

    @Override
    String describe() {
        return "the " + apiName() + " v" + apiVersion + " request (correlation id " + correlationId + ")";
    }

    /** What the connection must remember until the broker answers, or null for a request without response (acks=0). */
    @Nullable
    InFlightRequest inFlight() {
        if (!expectResponse) {
            return null;
        }
        return forResponse == Attachments.NONE
                ? summary
                : new InFlightRequest(correlationId, apiKey, apiVersion, summary.clientId(), forResponse);
    }

    @Override
    public ProxyConnection connection() {
        return connection;
    }

    @Override
    public Attachments forResponse() {
        if (forResponse == Attachments.NONE) {
            forResponse = new Attachments();
        }
        return forResponse;
    }
}
