package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.netty.buffer.ByteBuf;

/**
 * Inspects and may change one kind of client request on its way to the broker; the request-side
 * twin of {@link ResponseFilter}, with the same contract: a cheap, cached {@link #appliesTo}; one
 * decode shared by all applicable filters; re-encoding only on change; and deferral (the
 * connection's later requests wait, in order) for anything not yet available, without changing
 * the message first.
 */
public interface RequestFilter {

    boolean appliesTo(ApiKeys apiKey, short apiVersion);

    /**
     * Asked per request (for which {@link #appliesTo} holds) before anything is decoded: does this
     * request need decoding for this filter now? Cheap, must not change the frame; default yes.
     */
    default boolean needsDecoding(ApiKeys apiKey, short apiVersion, ByteBuf frame) {
        return true;
    }

    /** @return {@code true} if {@code request} was changed and must be re-encoded */
    boolean onRequest(ApiKeys apiKey, short apiVersion, RequestHeaderData header, ApiMessage request, RequestExchange exchange);
}
