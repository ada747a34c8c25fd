package dev.rosetta.translators.plan;

import java.nio.charset.StandardCharsets;

import dev.rosetta.translators.TranslationException.Reason;

/** A cursor over Avro binary in a byte array, with bounds checks that report corrupt payloads. */
final class Input {
    /** What {@link #buf} holds between payloads, so a thread does not pin the caller's array. */
    static final byte[] NO_BYTES = new byte[0];

    byte[] buf = NO_BYTES;
    int pos;
    int limit;
    /** Scratch stack of field offsets for records whose fields are reordered. */
    int[] stack = new int[64];

    int top;

    void reset(byte[] b, int off, int len) {
        buf = b;
        pos = off;
        limit = off + len;
        top = 0;
    }

    int push(int n) {
        int base = top;
        if (top + n > stack.length) {
            stack = java.util.Arrays.copyOf(stack, Math.max(stack.length * 2, top + n));
        }
        top += n;
        return base;
    }

    static PlanFailure truncated() {
        return new PlanFailure(Reason.SHORT_PAYLOAD, "payload ends inside a value");
    }

    long readLong() {
        long v = 0;
        int shift = 0;
        int p = pos;
        byte[] b = buf;
        while (true) {
            if (p >= limit) {
                throw truncated();
            }
            int x = b[p++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "varint longer than 10 bytes");
            }
        }
        pos = p;
        return (v >>> 1) ^ -(v & 1);
    }

    int readInt() {
        long v = readLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "int value " + v + " out of range");
        }
        return (int) v;
    }

    /** Skips one varint without decoding it. */
    void skipVarint() {
        int p = pos;
        byte[] b = buf;
        int n = 0;
        while (true) {
            if (p >= limit) {
                throw truncated();
            }
            if (b[p++] >= 0) {
                break;
            }
            if (++n >= 10) {
                throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "varint longer than 10 bytes");
            }
        }
        pos = p;
    }

    void skip(long n) {
        if (n < 0) {
            throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "negative length " + n);
        }
        if (n > limit - pos) {
            throw truncated();
        }
        pos += (int) n;
    }

    /** Skips a length-prefixed string/bytes value. */
    void skipLengthPrefixed() {
        skip(readLong());
    }

    float readFloat() {
        if (limit - pos < 4) {
            throw truncated();
        }
        int bits = (buf[pos] & 0xff)
                | (buf[pos + 1] & 0xff) << 8
                | (buf[pos + 2] & 0xff) << 16
                | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    double readDouble() {
        if (limit - pos < 8) {
            throw truncated();
        }
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits |= (long) (buf[pos + i] & 0xff) << (8 * i);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    String readString() {
        long n = readLong();
        int start = pos;
        skip(n);
        return new String(buf, start, (int) n, StandardCharsets.UTF_8);
    }
}
