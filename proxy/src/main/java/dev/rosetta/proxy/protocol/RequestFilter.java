package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.netty.buffer.ByteBuf;

/**
 * Inspects and may change one kind of client request on its way to the broker; the request-side
 * twin of {@link ResponseFilter}, with the same contract: a cheap, cached {@link #appliesTo}, a
 * per-message {@link #needsDecoding}, one decode shared by all applicable filters, re-encoding only
 * on change, and {@link FilterResult#deferUntil deferral} (the connection's later requests wait,
 * in order) for anything not yet available.
 */
public interface RequestFilter extends MessageFilter {

    /**
     * Asked per request (for which {@link #appliesTo} holds) before anything is decoded: does this
     * request need decoding for this filter now? Cheap, must not change the frame; default yes.
     */
    default boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame) {
        return true;
    }

    /** Inspects or changes {@code request} in place; runs on the connection's event loop and must not block. */
    FilterResult onRequest(
            ApiKeys apiKey, short apiVersion, RequestHeaderData header, ApiMessage request, RequestExchange exchange);
}
