package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.protocol.ApiKeys;

import io.netty.buffer.ByteBuf;

/** Cheap reads from a Produce request frame that the proxy needs without decoding the request. */
public final class ProduceRequests {
    private ProduceRequests() {}

    /**
     * The request's {@code acks}. A Produce request with {@code acks=0} gets no response from the
     * broker, so the proxy must not wait for one.
     */
    public static short acks(ByteBuf frame, short apiVersion) {
        short headerVersion = ApiKeys.PRODUCE.requestHeaderVersion(apiVersion);
        int offset = RequestHeaderView.bodyOffset(frame, headerVersion);
        if (apiVersion >= 3) {
            // transactional_id: nullable string, compact from v9 (flexible versions)
            if (apiVersion >= 9) {
                long length = Varints.readUnsignedVarint(frame, offset);
                offset += (int) (length >>> 32) + Math.max(0, (int) length - 1);
            } else {
                offset += 2 + Math.max(0, frame.getShort(offset));
            }
        }
        return frame.getShort(offset);
    }
}
