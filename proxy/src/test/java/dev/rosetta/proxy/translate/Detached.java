package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;

import org.apache.kafka.common.record.MemoryRecords;

/**
 * Rewrite results for unit tests: the records copied out of their pooled buffer, which is given back, and their
 * counts reported, as the final run of a message does.
 */
final class Detached {
    private Detached() {}

    static PartitionRewriter.Result of(PartitionRewriter.Result result) {
        if (result.counts() != null) {
            result.counts().report();
        }
        MemoryRecords records = result.records();
        if (result.buffer() == null || records == null) {
            return result;
        }
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        copy.put(records.buffer().duplicate()).flip();
        result.buffer().release();
        return new PartitionRewriter.Result(
                MemoryRecords.readableRecords(copy), null, result.pending(), result.rejections());
    }
}
