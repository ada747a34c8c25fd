package dev.rosetta.translators.plan;

import java.util.Arrays;

/**
 * A growable byte buffer with Avro binary primitives, reused across records to avoid allocation.
 *
 * <p>Not thread-safe: one per thread (the translators keep one per thread). Growth doubles the
 * backing array; {@link #reset()} keeps it.
 */
public final class OutputBuffer {
    private byte[] buf;
    private int pos;

    public OutputBuffer(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets the content, keeps the capacity. */
    public void reset() {
        pos = 0;
    }

    /** Bytes written since the last reset. */
    public int size() {
        return pos;
    }

    /** The backing array; valid bytes are {@code [0, size())}. Changes on growth. */
    public byte[] array() {
        return buf;
    }

    /** Truncates to {@code size} bytes (used to roll back a partial write). */
    public void truncate(int size) {
        pos = size;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    void ensure(int extra) {
        int need = pos + extra;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    /** Reserves {@code n} bytes and returns the offset where they start (caller fills them). */
    public int reserve(int n) {
        ensure(n);
        int at = pos;
        pos += n;
        return at;
    }

    public void write(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
    }

    public void write(byte[] src) {
        write(src, 0, src.length);
    }

    public void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    /** Avro int/long: zig-zag varint. */
    public void writeLong(long n) {
        ensure(10);
        long v = (n << 1) ^ (n >> 63);
        byte[] b = buf;
        int p = pos;
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        pos = p;
    }

    public void writeFloat(float f) {
        ensure(4);
        int bits = Float.floatToRawIntBits(f);
        buf[pos++] = (byte) bits;
        buf[pos++] = (byte) (bits >>> 8);
        buf[pos++] = (byte) (bits >>> 16);
        buf[pos++] = (byte) (bits >>> 24);
    }

    public void writeDouble(double d) {
        ensure(8);
        long bits = Double.doubleToRawLongBits(d);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (bits >>> (8 * i));
        }
    }
}
