package dev.rosetta.proxy.protocol;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;

/**
 * Reads the fixed part of a Kafka request header straight from a frame, without decoding it.
 *
 * <p>A frame here is what {@code KafkaFrameDecoder} emits: the 4-byte size prefix, then the
 * request header ({@code api_key int16, api_version int16, correlation_id int32, client_id
 * nullable string}, plus tagged fields from header v2), then the body. Every request header
 * version starts with the same eight bytes, so these reads are valid for any API key, known or not.
 */
public final class RequestHeaderView {
    private RequestHeaderView() {}

    public static short apiKey(ByteBuf frame) {
        return frame.getShort(frame.readerIndex() + 4);
    }

    public static short apiVersion(ByteBuf frame) {
        return frame.getShort(frame.readerIndex() + 6);
    }

    public static int correlationId(ByteBuf frame) {
        return frame.getInt(frame.readerIndex() + 8);
    }

    /** Correlation id of a response frame (response headers start with it). */
    public static int responseCorrelationId(ByteBuf frame) {
        return frame.getInt(frame.readerIndex() + 4);
    }

    /**
     * Offset (absolute, in {@code frame}) of the first byte after the request header.
     *
     * @param headerVersion 1 or 2 ({@code ApiKeys.requestHeaderVersion}); v2 adds tagged fields
     * @throws IndexOutOfBoundsException if the frame is shorter than its header claims
     */
    public static int bodyOffset(ByteBuf frame, short headerVersion) {
        int offset = frame.readerIndex() + 12;
        short clientIdLength = frame.getShort(offset);
        offset += 2 + Math.max(0, clientIdLength);
        if (headerVersion >= 2) {
            offset = Varints.skipTaggedFields(frame, offset);
        }
        if (offset > frame.writerIndex()) {
            throw new IndexOutOfBoundsException("request header runs past the end of the frame");
        }
        return offset;
    }

    /** The request's client id, or {@code null} when the header carries none. */
    public static @Nullable String clientId(ByteBuf frame) {
        int offset = frame.readerIndex() + 12;
        short length = frame.getShort(offset);
        if (length < 0) {
            return null;
        }
        return frame.toString(offset + 2, length, java.nio.charset.StandardCharsets.UTF_8);
    }
}
