package dev.rosetta.proxy.net;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.InFlightRequest;
import dev.rosetta.proxy.protocol.KafkaMessages;
import dev.rosetta.proxy.protocol.ProxyConnection;
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.netty.buffer.ByteBuf;

/** A broker response on its way to the client while a response filter works on it or an earlier response waits. */
final class PendingResponse extends PendingMessage<ResponseFilter> implements ResponseExchange {
    static final ResponseFilter[] NO_FILTERS = new ResponseFilter[0];

    private final InFlightRequest request;

    /**
     * Decodes {@code frame} when a filter will run on it.
     *
     * @throws RuntimeException when the frame cannot be decoded; the caller still owns the frame then
     */
    PendingResponse(ClientConnection connection, InFlightRequest request, ByteBuf frame, ResponseFilter[] filters) {
        super(
                connection,
                request,
                frame,
                filters,
                filters.length == 0
                        ? null
                        : KafkaMessages.decodeResponse(frame, known(request.apiKey()), request.apiVersion()));
        this.request = request;
    }

    /** The filters that want {@code frame} (asked before decoding it); none when no filter needs to decode it. */
    static ResponseFilter[] filtersFor(FilterTable<ResponseFilter> table, InFlightRequest request, ByteBuf frame) {
        ApiKeys key = request.apiKey();
        if (key == null) {
            return NO_FILTERS;
        }
        ResponseFilter[] filters = table.forMessage(key, request.apiVersion());
        try {
            for (ResponseFilter filter : filters) {
                if (filter.needsDecoding(key, request.apiVersion(), frame, request.forResponse())) {
                    return filters;
                }
            }
            return NO_FILTERS;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return filters; // the scan could not read it: let the full decoder report what is wrong
        }
    }

    @Override
    FilterResult apply(ResponseFilter filter, ApiMessage message) {
        return filter.onResponse(known(apiKey), apiVersion, message, this);
    }

    @Override
    ByteBuf encode(ApiMessage message) {
        return KafkaMessages.encodeResponse(connection.alloc(), correlationId, known(apiKey), apiVersion, message);
    }

    @Override
    void ready(boolean resumed) {
        connection.responseReady(out() != frame, resumed);
    }

    @Override
    String describe() {
        return "the " + apiName() + " v" + apiVersion + " response (correlation id " + correlationId + ")";
    }

    @Override
    public @Nullable String clientId() {
        return request.clientId();
    }

    @Override
    public ProxyConnection connection() {
        return connection;
    }

    @Override
    public Attachments fromRequest() {
        return request.forResponse();
    }
}
