package dev.rosetta.benchmarks.soak;

import java.util.Arrays;

/**
 * Per partition, one byte per offset: which schema a reader got at that offset (see
 * {@link #V1}, {@link #V2}, {@link #OTHER}; {@link #NONE} for an offset never seen). A soak of
 * 30 minutes at a few thousand records per second keeps a few MB per reader. Written by one
 * thread (the reader's), read by another only after the reader stopped.
 */
final class OffsetIds {
    static final byte NONE = 0;
    static final byte V1 = 1;
    static final byte V2 = 2;
    static final byte OTHER = 3;

    private final byte[][] ids;

    OffsetIds(int partitions) {
        ids = new byte[partitions][];
        for (int p = 0; p < partitions; p++) {
            ids[p] = new byte[1 << 16];
        }
    }

    void set(int partition, long offset, byte id) {
        byte[] a = ids[partition];
        if (offset >= a.length) {
            long size = Math.max(offset + 1, (long) a.length * 2);
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("partition " + partition + " beyond " + size + " offsets");
            }
            a = Arrays.copyOf(a, (int) size);
            ids[partition] = a;
        }
        a[(int) offset] = id;
    }

    byte get(int partition, long offset) {
        byte[] a = ids[partition];
        return offset < a.length ? a[(int) offset] : NONE;
    }

    int partitions() {
        return ids.length;
    }

    static byte of(int schemaId, int v1Id, int v2Id) {
        return schemaId == v1Id ? V1 : schemaId == v2Id ? V2 : OTHER;
    }
}
