package dev.rosetta.proxy.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Reads just enough of an encoded Fetch response (v12+, the flexible versions) to tell whether its
 * top level carries a tagged field, without decoding it: the record data of every partition is
 * skipped by its length. Used to avoid decoding whole fetch responses just to learn that they hold
 * no KIP-951 node endpoints (tag 0), which is almost always the case.
 *
 * <p>Allocation-free; cost proportional to the number of partitions, not to the bytes of records.
 */
public final class FetchResponseScan {
    /** Tag of {@code NodeEndpoints} at the top level of FetchResponse v16+. */
    public static final int NODE_ENDPOINTS_TAG = 0;

    private FetchResponseScan() {}

    /**
     * @param frame a whole response frame (size prefix, response header v1, body) to Fetch at {@code version} >= 12
     * @throws IndexOutOfBoundsException if the frame is shorter than its structure says
     */
    public static boolean hasTopLevelTag(ByteBuf frame, short version, int tag) {
        if (version < 12) {
            return false; // not flexible: no tagged fields
        }
        int at = frame.readerIndex() + 4 + 4; // size prefix, correlation id
        at = Varints.skipTaggedFields(frame, at); // response header v1
        at += 4 + 2 + 4; // throttle_time_ms, error_code, session_id
        long topics = Varints.readUnsignedVarint(frame, at);
        at += (int) (topics >>> 32);
        for (int t = 0; t < (int) topics - 1; t++) {
            if (version >= 13) {
                at += 16; // topic_id
            } else {
                at = skipCompactBytes(frame, at); // topic name
            }
            long partitions = Varints.readUnsignedVarint(frame, at);
            at += (int) (partitions >>> 32);
            for (int p = 0; p < (int) partitions - 1; p++) {
                at += 4 + 2 + 8 + 8
                        + 8; // partition_index, error_code, high_watermark, last_stable_offset, log_start_offset
                long aborted = Varints.readUnsignedVarint(frame, at);
                at += (int) (aborted >>> 32);
                for (int a = 0; a < (int) aborted - 1; a++) {
                    at += 8 + 8; // producer_id, first_offset
                    at = Varints.skipTaggedFields(frame, at);
                }
                at += 4; // preferred_read_replica
                at = skipCompactBytes(frame, at); // records
                at = Varints.skipTaggedFields(frame, at);
            }
            at = Varints.skipTaggedFields(frame, at);
        }
        long count = Varints.readUnsignedVarint(frame, at);
        at += (int) (count >>> 32);
        for (long i = 0; i < (count & 0xFFFFFFFFL); i++) {
            long fieldTag = Varints.readUnsignedVarint(frame, at);
            at += (int) (fieldTag >>> 32);
            if ((int) fieldTag == tag) {
                return true;
            }
            at = Varints.skipSized(frame, at);
        }
        if (at > frame.writerIndex()) {
            throw new IndexOutOfBoundsException("fetch response v" + version + " runs past the end of its frame");
        }
        return false;
    }

    /** Skips a compact (nullable) string, bytes or records field: unsigned varint length + 1, then the bytes. */
    private static int skipCompactBytes(ByteBuf frame, int at) {
        long length = Varints.readUnsignedVarint(frame, at);
        return at + (int) (length >>> 32) + Math.max(0, (int) length - 1);
    }
}
