package dev.rosetta.proxy.net;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Splits a byte stream into Kafka frames (a 4-byte big-endian size followed by that many bytes).
 *
 * <p>Each emitted frame is a retained slice of the cumulation buffer that <em>includes</em> the
 * size prefix, so a frame the proxy does not need to touch is written to the other side as it
 * is: no copy, no re-encode. The receiver owns the slice and must release it exactly once.
 *
 * <p>Once the size of a frame is known, the cumulation buffer is grown to hold the whole frame at
 * once; Netty's default cumulator grows in 4 MiB steps past 4 MiB and copies the cumulation on
 * every step, which is quadratic for the multi-megabyte fetch responses this proxy carries.
 */
public final class KafkaFrameDecoder extends ByteToMessageDecoder {

    /** Smallest valid frame body: api key, api version and correlation id (requests) or a correlation id (responses). */
    private final int minFrameBytes;

    /** While a legacy SASL exchange (after SaslHandshake v0) sends unframed tokens: any size from 0 is a frame. */
    private boolean tokens;

    /** Bytes of a frame left when the peer closed, kept for the close handler (Netty drops them first). */
    private int truncatedAtClose;

    private final int maxFrameBytes;

    /** When the frame now partly received began to arrive ({@link System#nanoTime()}); 0 while none is. */
    private long partialSince;

    public KafkaFrameDecoder(int minFrameBytes, int maxFrameBytes) {
        this.minFrameBytes = minFrameBytes;
        this.maxFrameBytes = maxFrameBytes;
        setCumulator(FRAME_SIZED_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        boolean framed = false;
        try {
            while (in.readableBytes() >= 4) {
                int start = in.readerIndex();
                int size = in.getInt(start);
                if (size < (tokens ? 0 : minFrameBytes) || size > maxFrameBytes) {
                    in.skipBytes(in.readableBytes()); // nothing after a bad size prefix can be framed: report once
                    throw new FrameSizeException(size, minFrameBytes, maxFrameBytes);
                }
                if (in.readableBytes() < 4 + size) {
                    return;
                }
                out.add(in.retainedSlice(start, 4 + size));
                in.skipBytes(4 + size);
                framed = true;
            }
        } finally {
            if (!in.isReadable()) {
                partialSince = 0;
            } else if (framed || partialSince == 0) {
                partialSince = System.nanoTime(); // a new frame began
            }
        }
    }

    /** When the frame now partly received began to arrive ({@link System#nanoTime()}), or 0 when none is. */
    long partialFrameSince() {
        return partialSince;
    }

    /** Accepts frames of any size (SASL tokens, which may be empty) until called again with false. */
    void saslTokens(boolean on) {
        tokens = on;
    }

    /**
     * The peer closed: Netty decodes what is left, then drops the cumulation before the next handler hears of the
     * close. Remember how much of a frame was left so that handler can still report it.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        try {
            decode(ctx, in, out);
        } finally {
            truncatedAtClose = in.readableBytes();
        }
    }

    /** Bytes of a frame that had begun but not completed (also after the close); reported for a truncated frame. */
    public int pendingBytes() {
        return Math.max(actualReadableBytes(), truncatedAtClose);
    }

    /** A frame whose size prefix is negative, too small to hold a header, or above the configured maximum. */
    public static final class FrameSizeException extends CorruptedFrameException {
        private static final long serialVersionUID = 1L;
        private final int size;

        FrameSizeException(int size, int min, int max) {
            super(describe(size, min, max));
            this.size = size;
        }

        public int size() {
            return size;
        }

        private static String describe(int size, int min, int max) {
            String base = "frame size " + size + " is outside the allowed range " + min + ".." + max + " bytes";
            // 0x16 0x03 is a TLS handshake record: a TLS client talking to a plaintext port.
            if ((size >>> 16) == 0x1603) {
                return base + " (the bytes look like a TLS handshake: is a TLS client connected to a plaintext port?)";
            }
            if (size > max) {
                return base + " (raise listener.maxFrameBytes if such requests are legitimate)";
            }
            return base;
        }
    }

    private static final Cumulator FRAME_SIZED_CUMULATOR = (ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) -> {
        if (!cumulation.isReadable() && in.isContiguous()) {
            cumulation.release();
            return in;
        }
        try {
            int required = in.readableBytes();
            if (required > cumulation.maxWritableBytes()
                    || required > cumulation.maxFastWritableBytes() && cumulation.refCnt() > 1
                    || cumulation.isReadOnly()) {
                int readable = cumulation.readableBytes();
                int target = readable + required;
                if (readable >= 4) {
                    int size = cumulation.getInt(cumulation.readerIndex());
                    if (size > 0 && size <= Integer.MAX_VALUE - 4) {
                        target = Math.max(target, 4 + size);
                    }
                }
                ByteBuf grown = alloc.buffer(alloc.calculateNewCapacity(target, Integer.MAX_VALUE));
                grown.writeBytes(cumulation);
                cumulation.release();
                cumulation = grown;
            }
            cumulation.writeBytes(in);
            return cumulation;
        } finally {
            in.release();
        }
    };
}
