package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.netty.buffer.ByteBuf;

/**
 * Inspects and may change one kind of broker response on its way to the client.
 *
 * <p>The proxy asks {@link #appliesTo} once per (api key, version) and caches the answer, so a
 * response no filter wants is never decoded: it is forwarded as a slice of the bytes the broker
 * sent. When at least one filter applies and {@link #needsDecoding needs} it, the response is
 * decoded once, every applicable filter sees the same message in registration order, and the
 * message is re-encoded only if a filter answers {@link FilterResult#CHANGED}.
 *
 * <p>Filters run on the connection's event loop and must not block. A filter that needs
 * something not yet available (a port not yet bound, a schema not yet fetched) returns
 * {@link FilterResult#deferUntil} <em>without changing the message</em>; the proxy keeps the
 * connection's responses in order and, once the stage completes, runs that same filter again
 * (and the ones after it), not the ones before it. What the filter needs to remember between the
 * runs goes in {@link ResponseExchange#attachments()}.
 */
public interface ResponseFilter extends MessageFilter {

    /**
     * Asked per response (for which {@link #appliesTo} holds) before anything is decoded: does this
     * particular response need to be decoded for this filter? A response no applicable filter needs
     * is forwarded as it came. Must be cheap and must not change the frame; the default says yes.
     *
     * @param frame       the whole response frame as received
     * @param fromRequest what request filters left for this response ({@link RequestExchange#forResponse()})
     */
    default boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame, Attachments fromRequest) {
        return true;
    }

    /** Inspects or changes {@code response} in place. */
    FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange);
}
