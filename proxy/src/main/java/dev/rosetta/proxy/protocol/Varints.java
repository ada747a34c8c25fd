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

    static int skipTaggedFields(ByteBuf buf, int offset) {
        long count = readUnsignedVarint(buf, offset);
        offset += (int) (count >>> 32);
        for (int i = 0; i < (int) count; i++) {
            long tag = readUnsignedVarint(buf, offset);
            offset += (int) (tag >>> 32);
            long size = readUnsignedVarint(buf, offset);
            offset += (int) (size >>> 32) + (int) size;
        }
        return offset;
    }
}
