package dev.rosetta.proxy.net;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.InFlightRequest;
import dev.rosetta.proxy.protocol.ProduceRequests;
import dev.rosetta.proxy.protocol.RequestHeaderView;

import io.netty.buffer.ByteBuf;

/**
 * Reads what the proxy needs from every request's header straight from the frame, without
 * decoding it: api key and version, correlation id, client id, and whether a response will come.
 * One per connection: it remembers the last client id, so a client that sends the same id on every
 * request (all of them do) costs a comparison, not a new string. Confined to the connection's event loop.
 */
final class RequestHeaderReader {
    /** Size prefix, api key, api version, correlation id, client id length: the least a request header has. */
    private static final int MIN_REQUEST_FRAME = 12;

    private @Nullable String lastClientId;
    /** {@link #lastClientId} as UTF-8, to compare with the next request's bytes without decoding them. */
    private byte @Nullable [] lastClientIdBytes;

    private boolean expectsResponse;

    /** A request the proxy cannot read; the connection is closed with this message. */
    static final class MalformedRequestException extends Exception {
        MalformedRequestException(String message) {
            super(message, null, false, false);
        }
    }

    /** The client id of the most recent request, or null. */
    @Nullable
    String lastClientId() {
        return lastClientId;
    }

    /**
     * The request's header as it will be remembered until its response, with no filter context yet.
     *
     * @throws MalformedRequestException naming what is wrong, when the frame cannot hold the header it claims
     */
    InFlightRequest read(ByteBuf frame) throws MalformedRequestException {
        if (frame.readableBytes() < MIN_REQUEST_FRAME) {
            throw new MalformedRequestException(
                    "request of " + (frame.readableBytes() - 4) + " bytes is too short to hold a request header");
        }
        short apiKeyId = RequestHeaderView.apiKey(frame);
        short apiVersion = RequestHeaderView.apiVersion(frame);
        int correlationId = RequestHeaderView.correlationId(frame);
        ApiKeys apiKey = ApiKeys.hasId(apiKeyId) ? ApiKeys.forId(apiKeyId) : null;
        String what = (apiKey == null ? "api key " + apiKeyId : apiKey.name) + " v" + apiVersion;
        InFlightRequest header;
        try {
            header = new InFlightRequest(correlationId, apiKey, apiVersion, clientId(frame), Attachments.NONE);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedRequestException(
                    "malformed " + what + " request header (correlation id " + correlationId + "): " + e.getMessage());
        }
        try {
            expectsResponse =
                    apiKey != ApiKeys.PRODUCE || apiVersion < 0 || ProduceRequests.acks(frame, apiVersion) != 0;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // the header was fine: it is the body (transactional id, acks) that cannot be read
            throw new MalformedRequestException("malformed " + what + " request body (correlation id " + correlationId
                    + ", client id " + header.clientId() + "): cannot read its acks: " + e.getMessage());
        }
        return header;
    }

    /** Whether the broker answers the request last {@link #read}: every request does except a produce with acks=0. */
    boolean expectsResponse() {
        return expectsResponse;
    }

    /** An ApiVersions request newer than the proxy knows, which the proxy answers itself (as a broker would). */
    static boolean isTooNewApiVersions(InFlightRequest header) {
        return header.apiKey() == ApiKeys.API_VERSIONS && header.apiVersion() > ApiKeys.API_VERSIONS.latestVersion();
    }

    private @Nullable String clientId(ByteBuf frame) {
        int offset = frame.readerIndex() + 12;
        short length = frame.getShort(offset);
        if (length < 0) {
            return null;
        }
        if (lastClientIdBytes != null
                && lastClientIdBytes.length == length
                && sameBytes(frame, offset + 2, lastClientIdBytes)) {
            return lastClientId;
        }
        String clientId = frame.toString(offset + 2, length, StandardCharsets.UTF_8);
        lastClientId = clientId;
        lastClientIdBytes = clientId.getBytes(StandardCharsets.UTF_8);
        return clientId;
    }

    private static boolean sameBytes(ByteBuf frame, int offset, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (frame.getByte(offset + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
