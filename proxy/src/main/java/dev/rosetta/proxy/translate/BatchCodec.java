package dev.rosetta.proxy.translate;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.jspecify.annotations.Nullable;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Reads and rebuilds magic v2 record batches with reusable buffers: what Kafka's own
 * {@code for (Record r : batch)} plus {@code MemoryRecordsBuilder} do, without their per-batch and
 * per-record allocations (profiled as most of the cost of a translated fetch or produce).
 *
 * <ul>
 *   <li>{@link #read} decompresses a batch's records section once into a pooled array and parses
 *       the records in place with Kafka's {@link DefaultRecord#readFrom(ByteBuffer, long, long, int, Long)}
 *       (keys, values and header values are slices, not copies). Kafka's iterator instead copies
 *       every record out of the decompression stream into a fresh buffer.</li>
 *   <li>{@link #rebuild} writes the records with Kafka's {@code DefaultRecord.writeTo} into a reused
 *       scratch array and compresses them straight into the caller's {@link Output} (the
 *       partition's new records) after the header space: LZ4 frames are written here, with
 *       lz4-java's fast compressor, byte for byte what Kafka's {@code Lz4BlockOutputStream} writes
 *       for magic v2; the other codecs go through Kafka's own {@code Compression} streams into a
 *       reused array first. Then it writes the header with {@link DefaultRecordBatch#writeHeader}
 *       (which computes the CRC32C). The codec may differ from the original's (the fetch path's
 *       {@code listener.fetchCodec}).</li>
 * </ul>
 *
 * <p><b>Not thread-safe</b>: one instance per thread (e.g. per event loop). Buffers grow as needed
 * and are kept for the next batch; an array grown beyond {@value #RETAINED_LIMIT} bytes is let go
 * once the batch that needed it is done (for the decompression array: at the next {@code read}),
 * so one huge batch does not pin memory for good.
 *
 * <p><b>Validity</b>: the records returned by {@link #read} for a compressed batch, with their
 * keys, values and headers, point into this codec's decompression array and are valid only until
 * the next {@code read} on this codec; copy what must outlive that (e.g. a record kept for a later
 * dead-letter send). {@link #rebuild} does not touch that array, so reading a batch and rebuilding
 * it from its own records is fine. Records of an uncompressed batch are slices of the batch's own
 * buffer (Kafka parses those in place already) and live as long as it does.
 */
public final class BatchCodec {
    /** Arrays larger than this are released after use instead of kept for the next batch. */
    static final int RETAINED_LIMIT = 8 << 20;

    private static final int INITIAL_SIZE = 64 << 10;
    private static final int HEADER_SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
    /** The smallest v2 record: length, attributes, timestamp delta, offset delta, key and value lengths, header count. */
    private static final int MIN_RECORD_SIZE = 7;

    /**
     * The most a batch's records may decompress to (64 MiB: 64 times Kafka's default message.max.bytes, beyond
     * what real records compress by). A batch that decompresses further is refused as corrupt, before it is
     * decompressed in full, so a decompression bomb cannot exhaust the heap: it passes as it came.
     */
    static final int MAX_DECOMPRESSED_BYTES = 64 << 20;

    private final int maxDecompressedBytes;

    public BatchCodec() {
        this(MAX_DECOMPRESSED_BYTES);
    }

    /** A codec that refuses batches whose records decompress to more than {@code maxDecompressedBytes}. */
    public BatchCodec(int maxDecompressedBytes) {
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /** Decompression buffers of Kafka's input streams (LZ4 block buffer, chunking buffer), reused. */
    private final BufferSupplier decompressionBuffers = BufferSupplier.create();

    private final Map<CompressionType, Compression> codecs = new EnumMap<>(CompressionType.class);
    /** Decompressed records of the last batch read; the records handed out point into it. */
    private byte[] decompressed = new byte[INITIAL_SIZE];
    /** Gzip, snappy and zstd batches being compressed (header space, then the stream's output); grows as needed. */
    private byte[] compressed = new byte[INITIAL_SIZE];
    /** Uncompressed records section of the batch being rebuilt. */
    private final Scratch raw = new Scratch();

    private final DataOutputStream recordsOut = new DataOutputStream(raw);
    /** The codec the last batch was rebuilt with (the requested one, or the original's when that did not fit). */
    private CompressionType lastCodec = CompressionType.NONE;

    /** The list form of {@code rebuild} as edits, reused so that it allocates no holder per record. */
    private final RecordEdits listEdits = new RecordEdits();

    /**
     * The records of a magic v2, non-control batch, in order, with their absolute offsets, their
     * timestamps (the batch's max timestamp for {@code LOG_APPEND_TIME}), keys, values and headers,
     * exactly as Kafka's own iteration yields them. A compacted batch yields the records it still
     * holds (its offsets may have gaps); an empty batch yields none.
     *
     * <p>The list is the caller's; for a compressed batch the records (and their buffers) are valid
     * only until the next {@code read} on this codec (see the class comment).
     *
     * @throws IllegalArgumentException for a control batch, a batch older than magic v2 or a
     *                                  compressed batch that is not a {@link DefaultRecordBatch}
     * @throws InvalidRecordException   when the records do not match the header (corrupt or truncated, offsets out
     *                                  of order or beyond the batch's last offset, timestamps below -1)
     * @throws KafkaException           when the compressed data cannot be decompressed
     */
    public List<Record> read(RecordBatch batch) {
        if (batch.magic() >= RecordBatch.MAGIC_VALUE_V2
                && batch.sizeInBytes() < DefaultRecordBatch.RECORD_BATCH_OVERHEAD) { // found by fuzzing (WireFuzzTest)
            throw new InvalidRecordException("The batch at offset " + batch.baseOffset() + " is "
                    + batch.sizeInBytes() + " bytes, shorter than a batch header ("
                    + DefaultRecordBatch.RECORD_BATCH_OVERHEAD + " bytes)");
        }
        checkReadable(batch);
        if (batch instanceof DefaultRecordBatch v2) {
            // a rebuild writes the base timestamp back (or the delete horizon it holds), and Kafka's writer refuses
            // a negative one even when the records' own timestamps, base plus delta, are not (found by fuzzing)
            checkTimestamp(batch, v2.baseTimestamp());
        }
        Integer declared = batch.countOrNull();
        int count = declared == null ? -1 : declared;
        if (count < 0) {
            throw new InvalidRecordException(
                    "Found invalid record count " + count + " in magic v" + batch.magic() + " batch");
        }
        if (count == 0) {
            return new ArrayList<>(0); // like Kafka: the records section is not looked at
        }
        if (compressionType(batch) == CompressionType.NONE) {
            return inOffsetRange(batch, readUncompressed(batch, count));
        }
        if (!(batch instanceof DefaultRecordBatch defaultBatch)) {
            throw new IllegalArgumentException(
                    "not a DefaultRecordBatch: " + batch.getClass().getName());
        }
        int size = decompress(defaultBatch);
        if ((long) count * MIN_RECORD_SIZE > size) {
            throw new InvalidRecordException("Batch at offset " + batch.baseOffset() + " declares " + count
                    + " records but its records section decompresses to only " + size + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(decompressed, 0, size);
        long baseOffset = batch.baseOffset();
        long baseTimestamp = defaultBatch.baseTimestamp();
        int baseSequence = batch.baseSequence();
        Long logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : null;
        List<Record> result = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                if (!in.hasRemaining()) {
                    throw new InvalidRecordException("Batch at offset " + baseOffset + " declares " + count
                            + " records but its records section ends after " + i);
                }
                result.add(DefaultRecord.readFrom(in, baseOffset, baseTimestamp, baseSequence, logAppendTime));
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidRecordException("Found invalid record structure in the batch at offset " + baseOffset, e);
        }
        if (in.hasRemaining()) {
            throw new InvalidRecordException(
                    "Incorrect declared batch size, records still remaining in file (batch at offset " + baseOffset
                            + ": " + in.remaining() + " bytes after " + count + " records)");
        }
        return inOffsetRange(batch, result);
    }

    /**
     * {@code records}, once they are what a rebuild can write back: offsets in order within the batch's range (base
     * offset to last offset), as the broker requires; timestamps, the batch's maximum included, either none (-1) or
     * not negative, as Kafka's batch writer requires. A batch that breaks either is corrupt.
     */
    private static List<Record> inOffsetRange(RecordBatch batch, List<Record> records) {
        long previous = batch.baseOffset() - 1;
        long last = batch.lastOffset();
        checkTimestamp(batch, batch.maxTimestamp());
        for (Record record : records) {
            long offset = record.offset();
            if (offset <= previous || offset > last) {
                throw new InvalidRecordException("Record offset " + offset + " out of order or outside the offsets "
                        + batch.baseOffset() + ".." + last + " of its batch");
            }
            checkTimestamp(batch, record.timestamp());
            previous = offset;
        }
        return records;
    }

    private static void checkTimestamp(RecordBatch batch, long timestamp) {
        if (timestamp < 0 && timestamp != RecordBatch.NO_TIMESTAMP) {
            throw new InvalidRecordException("Timestamp " + timestamp + " in the batch at offset " + batch.baseOffset()
                    + " is negative (only -1, no timestamp, is allowed)");
        }
    }

    /** The batch's codec; an id no codec has (5 to 7) is a corrupt batch, not a caller's mistake. */
    private static CompressionType compressionType(RecordBatch batch) {
        try {
            return batch.compressionType();
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(
                    "The batch at offset " + batch.baseOffset() + " names no known codec: " + e.getMessage());
        }
    }

    /**
     * The most records {@code batch} can hold, as this codec reads it: what its records section takes (once
     * decompressed, within this codec's limit) at the least a record takes. A bound on the count a corrupt header
     * declares.
     */
    int mostRecords(RecordBatch batch) {
        long stored = batch.sizeInBytes() - (long) HEADER_SIZE;
        long section;
        try {
            section = batch.compressionType() == CompressionType.NONE ? stored : maxDecompressedBytes;
        } catch (IllegalArgumentException unknownCodec) { // nothing decompresses it: its bytes are all it has
            section = stored;
        }
        return (int) Math.max(0, section / MIN_RECORD_SIZE);
    }

    private static void checkReadable(RecordBatch batch) {
        if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
            throw new IllegalArgumentException("only magic v2 batches, not v" + batch.magic());
        }
        if (batch.isControlBatch()) {
            throw new IllegalArgumentException(
                    "control batches are passed through, not read (offset " + batch.baseOffset() + ")");
        }
    }

    /** Kafka parses an uncompressed batch in place (records are slices of the batch buffer); only errors are made uniform. */
    private static List<Record> readUncompressed(RecordBatch batch, int count) {
        int bytes = batch.sizeInBytes() - HEADER_SIZE;
        if ((long) count * MIN_RECORD_SIZE > bytes) {
            throw new InvalidRecordException("Batch at offset " + batch.baseOffset() + " declares " + count
                    + " records but has only " + bytes + " bytes of records");
        }
        List<Record> result = new ArrayList<>(count);
        try {
            Iterator<Record> it = batch.iterator();
            while (it.hasNext()) {
                result.add(it.next());
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidRecordException(
                    "Found invalid record structure in the batch at offset " + batch.baseOffset(), e);
        }
        if (result.size() != count) {
            throw new InvalidRecordException("Batch at offset " + batch.baseOffset() + " declares " + count
                    + " records but holds " + result.size());
        }
        return result;
    }

    /** Decompresses the whole records section into {@link #decompressed}; returns its length. */
    private int decompress(DefaultRecordBatch batch) {
        byte[] out = decompressed;
        if (out.length > RETAINED_LIMIT) { // the last batch was huge; its records are no longer valid anyway
            out = new byte[(int) Math.min(RETAINED_LIMIT, Math.max(INITIAL_SIZE, batch.sizeInBytes() * 4L))];
        }
        int size = 0;
        int emptyReads = 0; // a stream must consume input to return nothing; bounded so a corrupt one cannot spin
        try (InputStream in = batch.recordInputStream(decompressionBuffers)) {
            while (true) {
                if (size > maxDecompressedBytes) {
                    throw new InvalidRecordException("The " + batch.compressionType() + " records of the batch at"
                            + " offset " + batch.baseOffset() + " (" + batch.sizeInBytes() + " bytes) decompress to"
                            + " more than " + maxDecompressedBytes + " bytes, the most Rosetta decompresses: left as"
                            + " it is");
                }
                if (size == out.length) {
                    // a further byte? (avoids growing when the data ends exactly at the array's end)
                    int next = in.read();
                    if (next < 0) {
                        break;
                    }
                    // grow, but never past one byte over the limit: that byte is enough to refuse the batch
                    out = Arrays.copyOf(
                            out, (int) Math.min(Math.max(size + 1L, out.length * 2L), maxDecompressedBytes + 1L));
                    out[size++] = (byte) next;
                    continue;
                }
                int n = in.read(out, size, out.length - size);
                if (n < 0) {
                    break;
                }
                if (n == 0 && ++emptyReads > batch.sizeInBytes()) {
                    throw new InvalidRecordException(
                            "The " + batch.compressionType() + " records of the batch at offset " + batch.baseOffset()
                                    + " make no progress when decompressed");
                }
                size += n;
            }
        } catch (InvalidRecordException e) {
            throw e;
        } catch (IOException
                | RuntimeException e) { // the codecs' own exception types, Kafka's wrapping of them, underflows
            throw new KafkaException(
                    "Failed to decompress the " + batch.compressionType() + " records of the batch at offset "
                            + batch.baseOffset() + ": " + e,
                    e);
        } finally {
            decompressed = out;
        }
        return size;
    }

    /**
     * A new batch with {@code records}' offsets, timestamps and keys, the given values and headers,
     * and every batch-level field of {@code original}: base offset, last offset (so a batch thinned
     * by compaction still ends where it did), max timestamp, codec, timestamp type, producer id and
     * epoch, base sequence, transactional flag, partition leader epoch and delete horizon. The base
     * timestamp is what Kafka's {@code MemoryRecordsBuilder} writes: the first record's timestamp
     * (for {@code LOG_APPEND_TIME} batches read by Kafka or {@link #read} that is the log append
     * time), or the delete horizon when the original has one; an empty batch keeps the original's.
     *
     * @param records the records to keep, with strictly increasing offsets within the original's
     *                offset range; typically (a subset of) what {@link #read} returned for {@code original}
     * @param values  the value of each record (null for none), read from position to limit, not consumed
     * @param headers the headers of each record; a null list or a null element keeps the record's own
     * @return an exact-size buffer at position 0, owned by the caller (nothing of this codec's)
     */
    public ByteBuffer rebuild(
            RecordBatch original,
            List<? extends Record> records,
            List<ByteBuffer> values,
            @Nullable List<Header[]> headers) {
        int n = records.size();
        if (values.size() != n || (headers != null && headers.size() != n)) {
            throw new IllegalArgumentException(n + " records but " + values.size() + " values and "
                    + (headers == null ? "their own" : headers.size()) + " headers");
        }
        try {
            for (int i = 0; i < n; i++) {
                listEdits.add(records.get(i), values.get(i), headers == null ? null : headers.get(i));
            }
            return rebuild(original, listEdits);
        } finally {
            listEdits.clear();
        }
    }

    /**
     * {@link #rebuild(RecordBatch, List, List, List)} with each record's key, value and headers taken
     * from its edit (the rewriter's form: it may change keys too), in the original's codec, into a
     * new exact-size buffer.
     *
     * @param edits the records to keep, in the order and within the offsets the list form requires
     */
    ByteBuffer rebuild(RecordBatch original, RecordEdits edits) {
        Output out = new Output(original.sizeInBytes() + HEADER_SIZE);
        int size = rebuild(original, edits, original.compressionType(), Integer.MAX_VALUE, out);
        return ByteBuffer.wrap(Arrays.copyOfRange(out.bytes(), out.offset(), out.offset() + size));
    }

    /**
     * Rebuilds {@code original} with its edits, as {@link #rebuild(RecordBatch, RecordEdits)} does,
     * and appends the batch to {@code out}, compressed with {@code codec} instead of the original's.
     * An uncompressed batch that would take {@code out} beyond {@code budget} bytes is written with
     * the original's codec instead (a changed codec must not make a response bigger than its
     * reader accepts); the batch is written whatever its size otherwise.
     *
     * @return the length of the batch appended
     */
    int rebuild(RecordBatch original, RecordEdits edits, CompressionType codec, int budget, Output out) {
        checkReadable(original);
        int n = edits.size();
        long baseOffset = original.baseOffset();
        long lastOffsetDelta = original.lastOffset() - baseOffset;
        java.util.OptionalLong horizon = original.deleteHorizonMs();
        boolean deleteHorizon = horizon.isPresent();
        long baseTimestamp = deleteHorizon
                ? horizon.getAsLong()
                : n > 0
                        ? edits.get(0).record().timestamp()
                        : original instanceof DefaultRecordBatch d ? d.baseTimestamp() : original.maxTimestamp();
        try {
            raw.reset();
            writeRecords(original, edits, baseTimestamp);
            CompressionType type = codec;
            if (type == CompressionType.NONE
                    && original.compressionType() != CompressionType.NONE
                    && (long) out.size + HEADER_SIZE + raw.size > budget) {
                type = original.compressionType();
            }
            lastCodec = type;
            int start = out.size;
            int size = compress(type, out);
            ByteBuffer header = ByteBuffer.wrap(out.buf, out.base + start, size);
            DefaultRecordBatch.writeHeader(
                    header,
                    baseOffset,
                    (int) lastOffsetDelta,
                    size,
                    RecordBatch.MAGIC_VALUE_V2,
                    type,
                    original.timestampType(),
                    baseTimestamp,
                    original.maxTimestamp(),
                    original.producerId(),
                    original.producerEpoch(),
                    original.baseSequence(),
                    original.isTransactional(),
                    false,
                    deleteHorizon,
                    original.partitionLeaderEpoch(),
                    n);
            out.size = start + size;
            return size;
        } catch (IOException e) {
            throw new KafkaException(
                    "Failed to rebuild the batch at offset " + baseOffset, e); // in-memory streams; not expected
        } finally {
            raw.release();
        }
    }

    /** The codec of the batch {@link #rebuild(RecordBatch, RecordEdits, CompressionType, int, Output)} wrote last. */
    CompressionType lastCodec() {
        return lastCodec;
    }

    /**
     * A growable buffer that batches are appended to: the records of a partition being rewritten.
     * Backed by a heap {@link ByteBuf} (pooled when it comes from a pooled allocator), written
     * through its array; the caller releases {@link #buffer()} once done with the records. Not
     * reused: the buffer becomes the partition's new records.
     */
    static final class Output {
        private ByteBuf owner;
        private byte[] buf;
        /** Where the output starts in {@link #buf}. */
        private int base;

        private int size;

        /** An output in a heap buffer of {@code alloc}, for {@code capacity} bytes to begin with. */
        Output(ByteBufAllocator alloc, int capacity) {
            owner = alloc.heapBuffer(Math.max(capacity, 64));
            buf = owner.array();
            base = owner.arrayOffset();
        }

        /** An unpooled output (nothing to give back). */
        Output(int capacity) {
            this(UnpooledByteBufAllocator.DEFAULT, capacity);
        }

        /** The array written through: valid bytes are {@code [offset(), offset() + size())}; replaced when it grows. */
        byte[] bytes() {
            return buf;
        }

        /** Where the output starts in {@link #bytes()}. */
        int offset() {
            return base;
        }

        int size() {
            return size;
        }

        /** The buffer the output lives in, to release once the records are no longer used. */
        ByteBuf buffer() {
            return owner;
        }

        /** The bytes written, as records' buffer (a view, not a copy). */
        ByteBuffer records() {
            return ByteBuffer.wrap(buf, base, size).slice();
        }

        /** Forgets everything after the first {@code size} bytes. */
        void truncate(int size) {
            if (size < 0 || size > this.size) {
                throw new IllegalArgumentException("cannot truncate " + this.size + " bytes to " + size);
            }
            this.size = size;
        }

        /** Appends {@code src}'s remaining bytes, not consuming them. */
        void append(ByteBuffer src) {
            int len = src.remaining();
            ensure(len);
            src.duplicate().get(buf, base + size, len);
            size += len;
        }

        void append(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, buf, base + size, len);
            size += len;
        }

        /** Room for {@code extra} more bytes after {@code size()}. */
        void ensure(int extra) {
            long needed = (long) size + extra;
            if (needed > owner.capacity()) {
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("a partition's records cannot exceed 2 GiB");
                }
                int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, owner.capacity() * 3L / 2));
                ByteBuf grown = owner.alloc().heapBuffer(capacity);
                System.arraycopy(buf, base, grown.array(), grown.arrayOffset(), size);
                owner.release();
                owner = grown;
                buf = grown.array();
                base = grown.arrayOffset();
            }
        }
    }

    /** Writes the edited records, uncompressed, into {@link #raw}; their offsets must fit the original's range, in order. */
    private void writeRecords(RecordBatch original, RecordEdits edits, long baseTimestamp) throws IOException {
        long baseOffset = original.baseOffset();
        long previous = baseOffset - 1;
        for (int i = 0; i < edits.size(); i++) {
            RecordEdits.Edit edit = edits.get(i);
            Record record = edit.record();
            long offset = record.offset();
            if (offset <= previous || offset > original.lastOffset()) {
                throw new IllegalArgumentException("record offset " + offset
                        + " out of order or outside the batch's offsets " + baseOffset + ".." + original.lastOffset());
            }
            previous = offset;
            DefaultRecord.writeTo(
                    recordsOut,
                    (int) (offset - baseOffset),
                    record.timestamp() - baseTimestamp,
                    edit.key(),
                    edit.value(),
                    edit.headers());
        }
    }

    /** Compresses {@link #raw} into {@code out} after {@code out.size()} plus the header space; returns the batch size. */
    private int compress(CompressionType type, Output out) throws IOException {
        int length = raw.size;
        if (type == CompressionType.NONE) {
            out.ensure(HEADER_SIZE + length);
            System.arraycopy(raw.buf, 0, out.buf, out.base + out.size + HEADER_SIZE, length);
            return HEADER_SIZE + length;
        }
        if (type == CompressionType.LZ4) {
            out.ensure(HEADER_SIZE + Lz4Frame.maxFrameSize(length));
            return HEADER_SIZE + Lz4Frame.write(raw.buf, length, out.buf, out.base + out.size + HEADER_SIZE);
        }
        // the other codecs write through Kafka's streams, into a scratch array that may grow, then copied
        ByteBuffer target = ByteBuffer.wrap(compressed);
        target.position(HEADER_SIZE);
        ByteBufferOutputStream stream = new ByteBufferOutputStream(target);
        try (OutputStream compressing = codec(type).wrapForOutput(stream, RecordBatch.MAGIC_VALUE_V2)) {
            compressing.write(raw.buf, 0, length);
        }
        ByteBuffer written = stream.buffer();
        int size = written.position();
        out.ensure(size);
        System.arraycopy(written.array(), HEADER_SIZE, out.buf, out.base + out.size + HEADER_SIZE, size - HEADER_SIZE);
        compressed = written.array().length > RETAINED_LIMIT ? new byte[INITIAL_SIZE] : written.array();
        return size;
    }

    private Compression codec(CompressionType type) {
        return codecs.computeIfAbsent(type, t -> Compression.of(t).build());
    }

    private static byte[] grow(byte[] array, int needed) {
        long size = Math.max(needed, array.length * 2L);
        if (size > Integer.MAX_VALUE - 8) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new InvalidRecordException("records section of a batch larger than 2 GiB");
            }
            size = Integer.MAX_VALUE - 8;
        }
        return Arrays.copyOf(array, (int) size);
    }

    /** A growable byte array as an output stream, reused from batch to batch. */
    private static final class Scratch extends OutputStream {
        byte[] buf = new byte[INITIAL_SIZE];
        int size;

        void reset() {
            size = 0;
        }

        void release() {
            if (buf.length > RETAINED_LIMIT) {
                buf = new byte[INITIAL_SIZE];
            }
        }

        @Override
        public void write(int b) {
            if (size == buf.length) {
                buf = grow(buf, size + 1);
            }
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > buf.length - size) {
                buf = grow(buf, size + len);
            }
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }
    }

    /**
     * The LZ4 frame Kafka's {@code Lz4BlockOutputStream} writes for magic v2 batches, from reusable
     * arrays: magic {@code 0x184D2204} (little-endian), FLG {@code 0x60} (version 1, independent
     * blocks, no block or content checksum, no content size), BD {@code 0x40} (64 KiB blocks), the
     * header checksum (second byte of XXH32 over FLG and BD, seed 0); then the input in 64 KiB
     * blocks, each a little-endian length and the fast compressor's output, or the block as it is
     * with the length's high bit set when compressing does not make it smaller; then a zero length
     * as end mark. No content checksum.
     *
     * <p>Uses the same lz4-java as kafka-clients, and its fast compressor: Kafka's choice at the
     * default LZ4 level, the only level a batch can be rebuilt with (a batch does not record one).
     */
    static final class Lz4Frame {
        static final int BLOCK_SIZE = 64 << 10;
        private static final int MAGIC = 0x184D2204;
        private static final byte FLG = 0x60;
        private static final byte BD = 0x40;
        private static final int INCOMPRESSIBLE = 0x80000000;
        private static final LZ4Compressor COMPRESSOR =
                LZ4Factory.fastestInstance().fastCompressor();
        /** Header checksum: the second byte of XXH32 (seed 0) over FLG and BD. */
        private static final byte HC =
                (byte) ((XXHashFactory.fastestInstance().hash32().hash(new byte[] {FLG, BD}, 0, 2, 0) >> 8) & 0xFF);

        private Lz4Frame() {}

        /** An upper bound of the frame size for {@code len} bytes of input. */
        static int maxFrameSize(int len) {
            int blocks = (len + BLOCK_SIZE - 1) / BLOCK_SIZE;
            return 7 + blocks * 4 + len + len / 255 + blocks * 16 + 4;
        }

        /** Writes the frame of {@code src[0, len)} at {@code dst[off]}; returns its length. */
        static int write(byte[] src, int len, byte[] dst, int off) {
            int p = off;
            putIntLE(dst, p, MAGIC);
            dst[p + 4] = FLG;
            dst[p + 5] = BD;
            dst[p + 6] = HC;
            p += 7;
            for (int start = 0; start < len; start += BLOCK_SIZE) {
                int n = Math.min(BLOCK_SIZE, len - start);
                int compressed = COMPRESSOR.compress(src, start, n, dst, p + 4, n + n / 255 + 16);
                if (compressed >= n) {
                    putIntLE(dst, p, n | INCOMPRESSIBLE);
                    System.arraycopy(src, start, dst, p + 4, n);
                    p += 4 + n;
                } else {
                    putIntLE(dst, p, compressed);
                    p += 4 + compressed;
                }
            }
            putIntLE(dst, p, 0);
            return p + 4 - off;
        }

        private static void putIntLE(byte[] b, int at, int v) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
            b[at + 2] = (byte) (v >>> 16);
            b[at + 3] = (byte) (v >>> 24);
        }
    }
}
