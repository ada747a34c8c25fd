package dev.rosetta.proxy.protocol;

import io.netty.buffer.ByteBuf;

/** Unsigned varints and tagged-field skipping as used by Kafka's flexible message versions. */
final class Varints {
    private Varints() {}

    /** Reads an unsigned varint at {@code offset}; returns the value in the low 32 bits and the byte length in the high 32. */
    static long readUnsignedVarint(ByteBuf buf, int offset) {
        int value = 0;
        int shift = 0;
        int length = 0;
        while (true) {
            byte b = buf.getByte(offset + length);
            length++;
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return ((long) length << 32) | (value & 0xffffffffL);
            }
            shift += 7;
            if (shift > 28) {
                throw new IllegalArgumentException("unsigned varint longer than 5 bytes at offset " + offset);
            }
        }
    }

    /**
     * The offset after the tagged fields at {@code offset}. Sizes are unsigned and must stay within the buffer's
     * written bytes, so every field moves forward: a size read as a negative int would point back at the field
     * itself and have the same bytes read again, up to 2<sup>31</sup> times.
     *
     * @throws IndexOutOfBoundsException when a field runs past the written bytes
     */
    static int skipTaggedFields(ByteBuf buf, int offset) {
        long count = readUnsignedVarint(buf, offset);
        offset += (int) (count >>> 32);
        for (long i = 0; i < (count & 0xFFFFFFFFL); i++) {
            long tag = readUnsignedVarint(buf, offset);
            offset += (int) (tag >>> 32);
            offset = skipSized(buf, offset);
        }
        return offset;
    }

    /** The offset after a size (unsigned varint at {@code offset}) and the bytes it counts. */
    static int skipSized(ByteBuf buf, int offset) {
        long size = readUnsignedVarint(buf, offset);
        long end = (long) offset + (int) (size >>> 32) + (size & 0xFFFFFFFFL);
        if (end > buf.writerIndex()) {
            throw new IndexOutOfBoundsException("a field of " + (size & 0xFFFFFFFFL) + " bytes at offset " + offset
                    + " runs past the end of the frame");
        }
        return (int) end;
    }
}
