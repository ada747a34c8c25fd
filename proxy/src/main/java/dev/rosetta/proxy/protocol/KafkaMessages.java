package dev.rosetta.proxy.protocol;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Decodes and encodes whole Kafka frames with kafka-clients' generated message classes.
 *
 * <p>Decoding is zero-copy for record data: the generated readers hand out {@code MemoryRecords}
 * that are slices of the frame's memory, so a decoded message is only valid while the frame
 * it came from is retained. Encoding allocates exactly one buffer of the final size.
 */
public final class KafkaMessages {
    private KafkaMessages() {}

    /** Decodes the body of a response frame (size prefix included) sent in answer to {@code key} at {@code version}. */
    public static ApiMessage decodeResponse(ByteBuf frame, ApiKeys key, short version) {
        ByteBuffer nio = frame.nioBuffer(frame.readerIndex() + 4, frame.readableBytes() - 4);
        ByteBufferAccessor accessor = new ByteBufferAccessor(nio);
        new ResponseHeaderData(accessor, key.responseHeaderVersion(version));
        ApiMessage body = ApiMessageType.fromApiKey(key.id).newResponse();
        body.read(accessor, version);
        return body;
    }

    /** Decodes the header of a request frame. */
    public static RequestHeaderData decodeRequestHeader(ByteBuf frame, ApiKeys key, short version) {
        ByteBuffer nio = frame.nioBuffer(frame.readerIndex() + 4, frame.readableBytes() - 4);
        return new RequestHeaderData(new ByteBufferAccessor(nio), key.requestHeaderVersion(version));
    }

    /** Decodes the body of a request frame (size prefix included) sent as {@code key} at {@code version}. */
    public static ApiMessage decodeRequestBody(ByteBuf frame, ApiKeys key, short version) {
        ByteBuffer nio = frame.nioBuffer(frame.readerIndex() + 4, frame.readableBytes() - 4);
        ByteBufferAccessor accessor = new ByteBufferAccessor(nio);
        new RequestHeaderData(accessor, key.requestHeaderVersion(version));
        ApiMessage body = ApiMessageType.fromApiKey(key.id).newRequest();
        body.read(accessor, version);
        return body;
    }

    /** Encodes a complete request frame: size prefix, request header (as the client sent it), body. */
    public static ByteBuf encodeRequest(
            ByteBufAllocator alloc, RequestHeaderData header, ApiKeys key, short version, ApiMessage body) {
        return encodeFrame(alloc, header, key.requestHeaderVersion(version), body, version);
    }

    /** Encodes a complete response frame: size prefix, response header, body. */
    public static ByteBuf encodeResponse(
            ByteBufAllocator alloc, int correlationId, ApiKeys key, short version, ApiMessage body) {
        return encodeResponse(alloc, correlationId, key.responseHeaderVersion(version), version, body);
    }

    static ByteBuf encodeResponse(
            ByteBufAllocator alloc, int correlationId, short headerVersion, short version, ApiMessage body) {
        return encodeFrame(
                alloc, new ResponseHeaderData().setCorrelationId(correlationId), headerVersion, body, version);
    }

    /** One buffer of exactly the frame's size: size prefix, header, body. */
    private static ByteBuf encodeFrame(
            ByteBufAllocator alloc, Message header, short headerVersion, ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuf out = alloc.ioBuffer(4 + size, 4 + size);
        try {
            out.writeInt(size);
            ByteBufferAccessor writer = new ByteBufferAccessor(out.nioBuffer(4, size));
            header.write(writer, cache, headerVersion);
            body.write(writer, cache, version);
            out.writerIndex(4 + size);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
