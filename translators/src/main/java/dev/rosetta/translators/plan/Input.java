package dev.rosetta.translators.plan;

import java.nio.charset.StandardCharsets;

import dev.rosetta.translators.TranslationException.Reason;

/**
 * A cursor over Avro binary in a byte array, with bounds checks that report corrupt payloads. Besides bounds, it
 * bounds the work a payload can ask for that its bytes do not pay for: how deep records nest (each level is a
 * stack frame: a recursive schema would otherwise let a few kilobytes overflow the stack) and how many array items
 * that take no bytes at all it holds (a count of such items costs nothing to write and everything to read).
 */
final class Input {
    /** What {@link #buf} holds between payloads, so a thread does not pin the caller's array. */
    static final byte[] NO_BYTES = new byte[0];
    /** Records nested deeper than this in one payload are refused (a recursive schema's tree, say). */
    static final int MAX_DEPTH = 500;
    /** Array items that take no bytes (nulls, empty records), over one payload, beyond which it is refused. */
    static final long MAX_EMPTY_ITEMS = 1 << 20;

    byte[] buf = NO_BYTES;
    int pos;
    int limit;
    /** Scratch stack of field offsets for records whose fields are reordered. */
    int[] stack = new int[64];

    int top;
    /** Records entered and not yet left. */
    private int depth;
    /** Items of no bytes counted so far. */
    private long emptyItems;

    void reset(byte[] b, int off, int len) {
        buf = b;
        pos = off;
        limit = off + len;
        top = 0;
        depth = 0;
        emptyItems = 0;
    }

    /** Called as a record value starts; pair with {@link #leaveRecord()} (a failure abandons the payload instead). */
    void enterRecord() {
        if (++depth > MAX_DEPTH) {
            throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "records nest deeper than " + MAX_DEPTH + " levels");
        }
    }

    void leaveRecord() {
        depth--;
    }

    /** Counts {@code n} array items that take no bytes. */
    void emptyItems(long n) {
        if (n > MAX_EMPTY_ITEMS - emptyItems) { // compared before adding: a count near 2^63 must not wrap the sum
            throw new PlanFailure(
                    Reason.CORRUPT_PAYLOAD,
                    "more than " + MAX_EMPTY_ITEMS + " array items that take no bytes (a count no writer needs)");
        }
        emptyItems += n;
    }

    /**
     * Reads the count of the next block of an array or map: 0 ends it; a negative count is followed by the block's
     * size in bytes, which must lie within the payload, and then (see {@link #endBlock}) be exactly what its items
     * take. Sets {@link #blockEnd} for the block just read.
     */
    long readBlockCount() {
        long n = readLong();
        blockEnd = -1;
        if (n < 0) {
            if (n == Long.MIN_VALUE) {
                throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "block count " + n + " out of range");
            }
            n = -n;
            long size = readLong();
            if (size < 0) {
                throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "negative block size " + size);
            }
            if (size > limit - pos) {
                throw truncated();
            }
            blockEnd = pos + (int) size;
        }
        return n;
    }

    /** Where the sized block {@link #readBlockCount} read last must end, or -1 for a block of plain count. */
    int blockEnd = -1;

    /** Fails unless the items of a sized block ended where its size said ({@code end}, the block's {@link #blockEnd}). */
    void endBlock(int end, long items) {
        if (end >= 0 && pos != end) {
            throw new PlanFailure(
                    Reason.CORRUPT_PAYLOAD,
                    "a block of " + items + " items declares a byte size its items do not take (they end "
                            + Math.abs(pos - end) + " bytes " + (pos > end ? "after" : "before") + " it)");
        }
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

    /**
     * An Avro int (also an enum index or a union branch): a zig-zag varint of at most 5 bytes that holds 32 bits,
     * as Avro's reader takes them (it refuses a longer one, so a plan must not copy one into its output).
     */
    int readInt() {
        int p = pos;
        byte[] b = buf;
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            if (p >= limit) {
                throw truncated();
            }
            int x = b[p++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                break;
            }
            if (shift == 28) {
                throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "int varint longer than 5 bytes");
            }
        }
        if (v > 0xFFFFFFFFL) {
            throw new PlanFailure(Reason.CORRUPT_PAYLOAD, "int value out of range (varint of more than 32 bits)");
        }
        pos = p;
        int raw = (int) v;
        return (raw >>> 1) ^ -(raw & 1);
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
