package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.netty.buffer.ByteBuf;

/**
 * Inspects and may change one kind of broker response on its way to the client.
 *
 * <p>The proxy asks {@link #appliesTo} once per (api key, version) and caches the answer, so a
 * response no filter wants is never decoded: it is forwarded as a slice of the bytes the broker
 * sent. When at least one filter applies, the response is decoded once, every applicable filter
 * sees the same message in registration order, and the message is re-encoded only if a filter
 * reports a change.
 *
 * <p>Filters run on the connection's event loop and must not block. A filter that needs
 * something not yet available (a port not yet bound, a schema not yet fetched) calls
 * {@link ResponseExchange#deferUntil} <em>without changing the message</em> and returns; the
 * proxy runs the whole filter chain again on the same message once the stage completes, while
 * keeping responses in order. Filters must therefore be safe to run again on an unchanged message.
 */
public interface ResponseFilter {

    /** Cheap, pure predicate: does this filter want to see responses to {@code apiKey} at {@code apiVersion}? */
    boolean appliesTo(ApiKeys apiKey, short apiVersion);

    /**
     * Asked per response (for which {@link #appliesTo} holds) before anything is decoded: does this
     * particular response need to be decoded for this filter? A response no applicable filter needs
     * is forwarded as it came. Must be cheap and must not change the frame; the default says yes.
     *
     * @param frame          the whole response frame as received
     * @param requestContext what request filters left for this response, or null
     */
    default boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame, Object requestContext) {
        return true;
    }

    /**
     * Inspects or changes {@code response} in place.
     *
     * @return {@code true} if the message was changed and must be re-encoded
     */
    boolean onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange);
}
