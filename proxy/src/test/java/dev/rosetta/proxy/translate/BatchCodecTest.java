package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link BatchCodec} against Kafka's own record iteration and {@code MemoryRecordsBuilder}: every
 * record field read, every batch field kept on rebuild, for every codec, and the bytes Kafka's
 * consumer-side decoding (and CRC check) accepts.
 */
class BatchCodecTest {
    static final long BASE_OFFSET = 1_000L;
    static final long T0 = 1_700_000_000_000L;
    static final long LOG_APPEND = 1_700_000_555_555L;
    static final long PRODUCER_ID = 4242L;
    static final short EPOCH = 7;
    static final int BASE_SEQUENCE = 55;
    static final int LEADER_EPOCH = 3;

    /** How a batch's timestamps come about. */
    enum Stamping {
        CREATE_TIME,
        /** The builder was told the log append time (records carry it). */
        LOG_APPEND_TIME_BUILT,
        /** What a broker does: a CREATE_TIME batch switched to LOG_APPEND_TIME in place (records keep their deltas). */
        LOG_APPEND_TIME_BROKER
    }

    static Stream<Arguments> codecsAndStampings() {
        List<Arguments> all = new ArrayList<>();
        for (CompressionType type : CompressionType.values()) {
            for (Stamping stamping : Stamping.values()) {
                all.add(Arguments.of(type, stamping));
            }
        }
        return all.stream();
    }

    // ---------------------------------------------------------------- building test batches

    /** A record to put in a test batch; key, value and header values may be null. */
    record Spec(long offset, long timestamp, byte[] key, byte[] value, Header[] headers) {}

    static List<Spec> mixedRecords(int n, int valueSize, Random random) {
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] key = i % 5 == 1 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value = null;
            if (i % 7 != 3) {
                value = new byte[valueSize + (i % 3)];
                for (int j = 0; j < value.length; j++) {
                    value[j] = (byte) ('a' + (j + i) % 13); // compressible
                }
            }
            Header[] headers = switch (i % 4) {
                case 0 -> new Header[0];
                case 1 -> new Header[] {new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8))};
                case 2 ->
                    new Header[] {
                        new RecordHeader("a", new byte[] {(byte) i}),
                        new RecordHeader("a", (byte[]) null),
                        new RecordHeader("ünï", new byte[0])
                    };
                default -> new Header[] {new RecordHeader("random", bytes(random, 1 + random.nextInt(40)))};
            };
            specs.add(new Spec(
                    BASE_OFFSET + i, T0 + (i * 37L) % 1000 - 300, key, value, headers)); // timestamps not monotonic
        }
        return specs;
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static ByteBuffer build(CompressionType type, Stamping stamping, boolean transactional, List<Spec> specs) {
        return build(type, stamping, transactional, specs, RecordBatch.NO_TIMESTAMP);
    }

    /** One batch as Kafka's producer-side builder writes it (transactional, idempotent, with a leader epoch). */
    static ByteBuffer build(
            CompressionType type, Stamping stamping, boolean transactional, List<Spec> specs, long deleteHorizonMs) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(1024);
        TimestampType timestampType =
                stamping == Stamping.LOG_APPEND_TIME_BUILT ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        long logAppendTime = stamping == Stamping.LOG_APPEND_TIME_BUILT ? LOG_APPEND : RecordBatch.NO_TIMESTAMP;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                out,
                RecordBatch.MAGIC_VALUE_V2,
                Compression.of(type).build(),
                timestampType,
                specs.get(0).offset(),
                logAppendTime,
                transactional ? PRODUCER_ID : RecordBatch.NO_PRODUCER_ID,
                transactional ? EPOCH : RecordBatch.NO_PRODUCER_EPOCH,
                transactional ? BASE_SEQUENCE : RecordBatch.NO_SEQUENCE,
                transactional,
                false,
                LEADER_EPOCH,
                Integer.MAX_VALUE,
                deleteHorizonMs);
        for (Spec s : specs) {
            builder.appendWithOffset(s.offset(), s.timestamp(), s.key(), s.value(), s.headers());
        }
        ByteBuffer buffer = builder.build().buffer();
        ByteBuffer copy =
                ByteBuffer.allocate(buffer.remaining()).put(buffer.duplicate()).flip();
        if (stamping == Stamping.LOG_APPEND_TIME_BROKER) {
            onlyBatch(copy).setMaxTimestamp(TimestampType.LOG_APPEND_TIME, LOG_APPEND);
        }
        return copy;
    }

    static MutableRecordBatch onlyBatch(ByteBuffer buffer) {
        Iterator<MutableRecordBatch> it =
                MemoryRecords.readableRecords(buffer.duplicate()).batches().iterator();
        assertThat(it.hasNext()).isTrue();
        MutableRecordBatch batch = it.next();
        assertThat(it.hasNext()).as("exactly one batch").isFalse();
        return batch;
    }

    /** Records as Kafka's consumer-side iteration yields them. */
    static List<Record> kafkaRecords(RecordBatch batch) {
        List<Record> records = new ArrayList<>();
        batch.iterator().forEachRemaining(records::add);
        return records;
    }

    /** Today's rebuild (PartitionRewriter): MemoryRecordsBuilder, then last offset and max timestamp patched back. */
    static ByteBuffer kafkaRebuild(RecordBatch batch, List<Record> records, List<ByteBuffer> values) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(512);
        long logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME
                ? batch.maxTimestamp()
                : RecordBatch.NO_TIMESTAMP;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                out,
                batch.magic(),
                Compression.of(batch.compressionType()).build(),
                batch.timestampType(),
                batch.baseOffset(),
                logAppendTime,
                batch.producerId(),
                batch.producerEpoch(),
                batch.baseSequence(),
                batch.isTransactional(),
                false,
                batch.partitionLeaderEpoch(),
                Integer.MAX_VALUE);
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), values.get(i), r.headers());
        }
        ByteBuffer built = builder.build().buffer();
        ByteBuffer copy =
                ByteBuffer.allocate(built.remaining()).put(built.duplicate()).flip();
        copy.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, (int) (batch.lastOffset() - batch.baseOffset()));
        copy.putLong(35, batch.maxTimestamp());
        copy.putInt(DefaultRecordBatch.CRC_OFFSET, (int) Crc32C.compute(copy, 21, copy.limit() - 21));
        return copy;
    }

    /** A value of a different size than the original, derived from it (or for a null original). */
    static ByteBuffer newValue(Record r, int i) {
        byte[] v = ("v2:" + i + ":" + (r.hasValue() ? r.valueSize() : -1) + ":").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(v, v.length + (r.hasValue() ? r.valueSize() / 2 : 3));
        return ByteBuffer.wrap(out);
    }

    // ---------------------------------------------------------------- assertions

    static void assertSameRecord(Record actual, Record expected) {
        assertThat(actual.offset()).isEqualTo(expected.offset());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.sequence()).isEqualTo(expected.sequence());
        assertThat(actual.sizeInBytes()).isEqualTo(expected.sizeInBytes());
        assertThat(actual.hasKey()).isEqualTo(expected.hasKey());
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(actual.hasValue()).isEqualTo(expected.hasValue());
        assertThat(actual.value()).isEqualTo(expected.value());
        assertSameHeaders(actual.headers(), expected.headers());
        assertThat(actual).isEqualTo(expected); // DefaultRecord.equals: attributes and all of the above
    }

    static void assertSameHeaders(Header[] actual, Header[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i].key()).isEqualTo(expected[i].key());
            assertThat(actual[i].value()).isEqualTo(expected[i].value());
        }
    }

    /** Every batch-level field a rebuild keeps. */
    static void assertSameBatchFields(RecordBatch actual, RecordBatch original) {
        assertThat(actual.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
        assertThat(actual.baseOffset()).isEqualTo(original.baseOffset());
        assertThat(actual.lastOffset()).isEqualTo(original.lastOffset());
        assertThat(actual.maxTimestamp()).isEqualTo(original.maxTimestamp());
        assertThat(actual.compressionType()).isEqualTo(original.compressionType());
        assertThat(actual.timestampType()).isEqualTo(original.timestampType());
        assertThat(actual.producerId()).isEqualTo(original.producerId());
        assertThat(actual.producerEpoch()).isEqualTo(original.producerEpoch());
        assertThat(actual.baseSequence()).isEqualTo(original.baseSequence());
        assertThat(actual.lastSequence()).isEqualTo(original.lastSequence());
        assertThat(actual.isTransactional()).isEqualTo(original.isTransactional());
        assertThat(actual.isControlBatch()).isFalse();
        assertThat(actual.partitionLeaderEpoch()).isEqualTo(original.partitionLeaderEpoch());
        assertThat(actual.deleteHorizonMs()).isEqualTo(original.deleteHorizonMs());
    }

    /** Reads {@code original} with the codec (checked against Kafka), rebuilds it with new values, checks the result. */
    static ByteBuffer readRebuildAndCheck(BatchCodec codec, ByteBuffer originalBytes) {
        MutableRecordBatch original = onlyBatch(originalBytes);
        List<Record> expected = kafkaRecords(original);
        List<Record> read = codec.read(original);
        assertThat(read).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertSameRecord(read.get(i), expected.get(i));
        }
        List<ByteBuffer> values = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            values.add(newValue(read.get(i), i));
        }
        ByteBuffer rebuilt = codec.rebuild(original, read, values, null);
        assertThat(rebuilt.position()).isZero();
        assertThat(rebuilt.remaining()).isEqualTo(rebuilt.capacity());

        MutableRecordBatch batch = onlyBatch(rebuilt);
        batch.ensureValid(); // CRC, size
        assertThat(batch.sizeInBytes()).isEqualTo(rebuilt.remaining());
        assertSameBatchFields(batch, original);
        assertThat(batch.countOrNull()).isEqualTo(expected.size());
        List<Record> after = kafkaRecords(batch); // Kafka's own decompression of what the codec wrote
        assertThat(after).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Record e = expected.get(i);
            Record a = after.get(i);
            assertThat(a.offset()).isEqualTo(e.offset());
            assertThat(a.timestamp()).isEqualTo(e.timestamp());
            assertThat(a.sequence()).isEqualTo(e.sequence());
            assertThat(a.key()).isEqualTo(e.key());
            assertSameHeaders(a.headers(), e.headers());
            assertThat(a.value()).isEqualTo(values.get(i));
        }
        if (!expected.isEmpty() && original.deleteHorizonMs().isEmpty()) {
            // the base timestamp MemoryRecordsBuilder writes: the first record's timestamp as given
            assertThat(((DefaultRecordBatch) batch).baseTimestamp())
                    .isEqualTo(expected.get(0).timestamp());
        }
        return rebuilt;
    }

    // ---------------------------------------------------------------- tests

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndStampings")
    void readsEveryFieldAsKafkaDoesAndRebuildsKeepingTheBatch(CompressionType type, Stamping stamping) {
        Random random = new Random(type.ordinal() * 31L + stamping.ordinal());
        for (boolean transactional : new boolean[] {true, false}) {
            ByteBuffer original = build(type, stamping, transactional, mixedRecords(40, 60, random));
            ByteBuffer rebuilt = readRebuildAndCheck(new BatchCodec(), original);
            if (stamping == Stamping.CREATE_TIME) { // LOG_APPEND_TIME: the append time, as the builder would write it
                assertThat(((DefaultRecordBatch) onlyBatch(original)).baseTimestamp())
                        .isEqualTo(((DefaultRecordBatch) onlyBatch(rebuilt)).baseTimestamp());
            }
        }
    }

    /** Same bytes as today's MemoryRecordsBuilder-based rebuild: header, record encoding and (for LZ4) Kafka's frame. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codecsAndStampings")
    void writesTheSameBytesAsKafkasBuilder(CompressionType type, Stamping stamping) {
        Random random = new Random(7);
        BatchCodec codec = new BatchCodec();
        for (int n : new int[] {1, 3, 40, 300}) {
            ByteBuffer original = build(type, stamping, true, mixedRecords(n, 200, random));
            MutableRecordBatch batch = onlyBatch(original);
            List<Record> records = codec.read(batch);
            List<ByteBuffer> values = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                values.add(newValue(records.get(i), i));
            }
            ByteBuffer ours = codec.rebuild(batch, records, values, null);
            ByteBuffer kafka = kafkaRebuild(batch, kafkaRecords(batch), values);
            if (type == CompressionType.NONE || type == CompressionType.LZ4) {
                assertThat(ours).as("%s, %d records", type, n).isEqualTo(kafka);
            } else {
                // other codecs go through Kafka's own streams; whatever their bytes, the header is the same
                assertThat(ours.duplicate()
                                .limit(DefaultRecordBatch.RECORD_BATCH_OVERHEAD)
                                .position(21 + 2))
                        .isEqualTo(kafka.duplicate()
                                .limit(DefaultRecordBatch.RECORD_BATCH_OVERHEAD)
                                .position(21 + 2));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void compactedBatchKeepsItsLastOffsetAndMaxTimestamp(CompressionType type) {
        List<Spec> specs = new ArrayList<>();
        for (long offset : new long[] {10, 13, 19}) {
            specs.add(new Spec(
                    offset,
                    T0 + offset,
                    ("k" + offset).getBytes(StandardCharsets.UTF_8),
                    ("v" + offset).getBytes(StandardCharsets.UTF_8),
                    new Header[] {new RecordHeader("h", new byte[] {(byte) offset})}));
        }
        ByteBuffer original = build(type, Stamping.CREATE_TIME, true, specs);
        // what compaction leaves: the header still spans offsets 10..39 and names the removed record's timestamp
        original.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 29);
        original.putLong(35, T0 + 39);
        original.putInt(DefaultRecordBatch.CRC_OFFSET, (int) Crc32C.compute(original, 21, original.limit() - 21));
        onlyBatch(original).ensureValid();

        BatchCodec codec = new BatchCodec();
        List<Record> read = codec.read(onlyBatch(original));
        assertThat(read).extracting(Record::offset).containsExactly(10L, 13L, 19L);
        ByteBuffer rebuilt = readRebuildAndCheck(codec, original);
        RecordBatch batch = onlyBatch(rebuilt);
        assertThat(batch.lastOffset()).isEqualTo(39L);
        assertThat(batch.maxTimestamp()).isEqualTo(T0 + 39);
        assertThat(batch.countOrNull()).isEqualTo(3);

        // keeping only some records (e.g. a subset passed on) keeps the batch's range too
        List<ByteBuffer> values = List.of(ByteBuffer.wrap(new byte[] {1}));
        List<Header[]> headers = new ArrayList<>();
        headers.add(new Header[] {new RecordHeader("x", new byte[] {9})});
        RecordBatch one = onlyBatch(codec.rebuild(onlyBatch(original), List.of(read.get(1)), values, headers));
        one.ensureValid();
        assertThat(one.baseOffset()).isEqualTo(10L);
        assertThat(one.lastOffset()).isEqualTo(39L);
        List<Record> records = kafkaRecords(one);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).offset()).isEqualTo(13L);
        assertThat(records.get(0).timestamp()).isEqualTo(T0 + 13);
        assertThat(records.get(0).value()).isEqualTo(ByteBuffer.wrap(new byte[] {1}));
        assertSameHeaders(records.get(0).headers(), headers.get(0));
    }

    /** Compaction by Kafka itself (MemoryRecords.filterTo, as the log cleaner does), down to an empty batch. */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void batchesFilteredByKafkaIncludingEmptyOnes(CompressionType type) {
        List<Spec> specs = mixedRecords(30, 50, new Random(3));
        ByteBuffer original = build(type, Stamping.CREATE_TIME, true, specs);
        for (int keepEvery : new int[] {3, 0}) {
            MemoryRecords.FilterResult result = MemoryRecords.readableRecords(original.duplicate())
                    .filterTo(
                            new MemoryRecords.RecordFilter(0, 0) {
                                @Override
                                protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
                                    return new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
                                }

                                @Override
                                protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
                                    return keepEvery > 0 && (record.offset() - BASE_OFFSET) % keepEvery == 1;
                                }
                            },
                            ByteBuffer.allocate(original.remaining() * 2),
                            BufferSupplier.NO_CACHING,
                            Integer.MAX_VALUE);
            ByteBuffer filtered = result.outputBuffer().flip();
            RecordBatch batch = onlyBatch(filtered);
            assertThat(batch.lastOffset()).isEqualTo(BASE_OFFSET + 29);
            BatchCodec codec = new BatchCodec();
            ByteBuffer rebuilt = readRebuildAndCheck(codec, filtered);
            if (keepEvery == 0) {
                assertThat(codec.read(batch)).isEmpty();
                assertThat(onlyBatch(rebuilt).countOrNull()).isZero();
            } else {
                assertThat(codec.read(batch)).hasSize(10);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void emptyBatchesWrittenByKafka(CompressionType type) {
        ByteBuffer empty = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        DefaultRecordBatch.writeEmptyHeader(
                empty,
                RecordBatch.MAGIC_VALUE_V2,
                PRODUCER_ID,
                EPOCH,
                BASE_SEQUENCE,
                BASE_OFFSET,
                BASE_OFFSET + 5,
                LEADER_EPOCH,
                TimestampType.CREATE_TIME,
                T0,
                true,
                false);
        empty.flip();
        BatchCodec codec = new BatchCodec();
        assertThat(codec.read(onlyBatch(empty))).isEmpty();
        RecordBatch rebuilt = onlyBatch(codec.rebuild(onlyBatch(empty), List.of(), List.of(), List.of()));
        rebuilt.ensureValid();
        assertSameBatchFields(rebuilt, onlyBatch(empty));
        assertThat(rebuilt.countOrNull()).isZero();
        // Kafka writes no base timestamp into an empty batch (-1); with no first record, the original's is kept
        assertThat(((DefaultRecordBatch) rebuilt).baseTimestamp())
                .isEqualTo(((DefaultRecordBatch) onlyBatch(empty)).baseTimestamp());

        // a compressed batch emptied by a rebuild: a valid empty stream in its own codec
        ByteBuffer full = build(type, Stamping.CREATE_TIME, true, mixedRecords(5, 30, new Random(1)));
        RecordBatch emptied = onlyBatch(codec.rebuild(onlyBatch(full), List.of(), List.of(), null));
        emptied.ensureValid();
        assertSameBatchFields(emptied, onlyBatch(full));
        assertThat(emptied.countOrNull()).isZero();
        assertThat(kafkaRecords(emptied)).isEmpty();
        // and Kafka can stream it (which decompresses even with no records)
        try (var it = ((DefaultRecordBatch) emptied).streamingIterator(BufferSupplier.NO_CACHING)) {
            assertThat(it.hasNext()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void keepsTheDeleteHorizon(CompressionType type) {
        long horizon = T0 + 86_400_000L;
        ByteBuffer original = build(type, Stamping.CREATE_TIME, false, mixedRecords(12, 40, new Random(5)), horizon);
        assertThat(onlyBatch(original).deleteHorizonMs()).hasValue(horizon);
        ByteBuffer rebuilt = readRebuildAndCheck(new BatchCodec(), original);
        DefaultRecordBatch batch = (DefaultRecordBatch) onlyBatch(rebuilt);
        assertThat(batch.deleteHorizonMs()).hasValue(horizon);
        assertThat(batch.baseTimestamp()).isEqualTo(horizon);
    }

    /** One codec, many batches of different sizes and codecs in a row: buffers grow and are reused correctly. */
    @Test
    void reusesItsBuffersAcrossBatchesOfAllSizes() {
        Random random = new Random(11);
        BatchCodec codec = new BatchCodec();
        int[] sizes = {3, 300, 5, 1200, 1, 150, 40};
        CompressionType[] types = CompressionType.values();
        boolean sawRawBlock = false;
        boolean sawSeveralBlocks = false;
        for (int round = 0; round < 3; round++) {
            for (int s = 0; s < sizes.length; s++) {
                CompressionType type = types[(round + s) % types.length];
                List<Spec> specs = mixedRecords(sizes[s], 120, random);
                if (s % 2 == 1) { // incompressible values: LZ4 stores such blocks as they are
                    specs.replaceAll(spec -> new Spec(
                            spec.offset(),
                            spec.timestamp(),
                            spec.key(),
                            bytes(random, 700 + random.nextInt(300)),
                            spec.headers()));
                }
                ByteBuffer original = build(type, Stamping.CREATE_TIME, true, specs);
                ByteBuffer rebuilt = readRebuildAndCheck(codec, original);
                if (type == CompressionType.LZ4) {
                    assertThat(rebuilt).as("Kafka's bytes").isEqualTo(kafkaRebuilt(original));
                    // unchanged values (random ones are incompressible): exactly the producer's batch
                    RecordBatch batch = onlyBatch(original);
                    List<Record> records = codec.read(batch);
                    List<ByteBuffer> same = new ArrayList<>();
                    records.forEach(r -> same.add(r.value()));
                    ByteBuffer identical = codec.rebuild(batch, records, same, null);
                    assertThat(identical).isEqualTo(original);
                    List<Integer> blocks = lz4Blocks(identical);
                    sawRawBlock |= blocks.stream().anyMatch(b -> b < 0);
                    sawSeveralBlocks |= blocks.size() > 1;
                }
            }
        }
        assertThat(sawRawBlock).as("an LZ4 block stored raw").isTrue();
        assertThat(sawSeveralBlocks).as("an LZ4 frame of several 64 KiB blocks").isTrue();
    }

    /** LZ4 output for a batch over 64 KiB uncompressed, compressible and not, equals Kafka's byte for byte. */
    @Test
    void lz4FramesOfSeveralBlocksAndRawBlocksMatchKafka() {
        Random random = new Random(13);
        BatchCodec codec = new BatchCodec();
        for (boolean incompressible : new boolean[] {false, true, false}) {
            List<Spec> specs = mixedRecords(400, 500, random);
            if (incompressible) {
                specs.replaceAll(spec ->
                        new Spec(spec.offset(), spec.timestamp(), spec.key(), bytes(random, 1000), spec.headers()));
            }
            ByteBuffer original = build(CompressionType.LZ4, Stamping.CREATE_TIME, true, specs);
            MutableRecordBatch batch = onlyBatch(original);
            List<Record> records = codec.read(batch);
            List<ByteBuffer> values = new ArrayList<>();
            for (Record r : records) {
                values.add(r.value() == null ? null : r.value().duplicate()); // same values: same bytes as the original
            }
            ByteBuffer ours = codec.rebuild(batch, records, values, null);
            assertThat(ours).isEqualTo(original);
            List<Integer> blocks = lz4Blocks(ours);
            assertThat(blocks.size()).isGreaterThan(2);
            if (incompressible) {
                assertThat(blocks).anyMatch(b -> b < 0);
            }
            readRebuildAndCheck(codec, original);
        }
    }

    @Test
    void lz4FrameHeaderAndEmptyFrameAreKafkas() throws Exception {
        ByteBufferOutputStream out = new ByteBufferOutputStream(64);
        Compression.lz4().build().wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2).close();
        ByteBuffer kafka = out.buffer().flip();
        byte[] ours = new byte[BatchCodec.Lz4Frame.maxFrameSize(0)];
        int n = BatchCodec.Lz4Frame.write(new byte[0], 0, ours, 0);
        assertThat(ByteBuffer.wrap(ours, 0, n)).isEqualTo(kafka);
        assertThat(n).isEqualTo(11); // 7-byte frame descriptor, end mark
    }

    /** No per-record copies: values are slices of one decompression array, or of the batch itself when uncompressed. */
    @Test
    void recordsAreSlicesNotCopies() {
        BatchCodec codec = new BatchCodec();
        ByteBuffer plain = build(CompressionType.NONE, Stamping.CREATE_TIME, true, mixedRecords(10, 30, new Random(1)));
        for (Record r : codec.read(onlyBatch(plain))) {
            if (r.hasValue()) {
                assertThat(r.value().array()).isSameAs(plain.array());
            }
        }
        ByteBuffer compressed =
                build(CompressionType.LZ4, Stamping.CREATE_TIME, true, mixedRecords(10, 30, new Random(1)));
        List<Record> read = codec.read(onlyBatch(compressed));
        byte[] shared = read.get(0).value().array();
        assertThat(read).allSatisfy(r -> {
            if (r.hasValue()) {
                assertThat(r.value().array()).isSameAs(shared);
            }
            if (r.hasKey()) {
                assertThat(r.key().array()).isSameAs(shared);
            }
        });
        // the next read reuses the array (which is why records are valid only until then)
        List<Record> again = codec.read(onlyBatch(compressed));
        assertThat(again.get(0).value().array()).isSameAs(shared);
    }

    /** Values are read from position to limit and left as they were; given headers replace the record's. */
    @Test
    void valuesAreNotConsumedAndHeadersReplaceTheRecords() {
        ByteBuffer original =
                build(CompressionType.ZSTD, Stamping.CREATE_TIME, true, mixedRecords(3, 20, new Random(2)));
        BatchCodec codec = new BatchCodec();
        RecordBatch batch = onlyBatch(original);
        List<Record> read = codec.read(batch);
        ByteBuffer shared = ByteBuffer.wrap("xxHELLOyy".getBytes(StandardCharsets.UTF_8), 2, 5);
        List<ByteBuffer> values = Arrays.asList(shared, null, shared.slice());
        List<Header[]> headers = Arrays.asList(new Header[0], null, new Header[] {
            new RecordHeader("new", "1".getBytes(StandardCharsets.UTF_8))
        });
        List<Record> after = kafkaRecords(onlyBatch(codec.rebuild(batch, read, values, headers)));
        assertThat(shared.position()).isEqualTo(2);
        assertThat(after.get(0).value()).isEqualTo(ByteBuffer.wrap("HELLO".getBytes(StandardCharsets.UTF_8)));
        assertThat(after.get(1).value()).isNull();
        assertThat(after.get(2).value()).isEqualTo(ByteBuffer.wrap("HELLO".getBytes(StandardCharsets.UTF_8)));
        assertThat(after.get(0).headers()).isEmpty();
        assertSameHeaders(after.get(1).headers(), kafkaRecords(batch).get(1).headers());
        assertSameHeaders(after.get(2).headers(), headers.get(2));
    }

    /** Records from Kafka's own iteration rebuild just as well (LOG_APPEND_TIME records carry the append time). */
    @ParameterizedTest
    @EnumSource(Stamping.class)
    void rebuildsFromKafkasRecordsToo(Stamping stamping) {
        ByteBuffer original = build(CompressionType.LZ4, stamping, true, mixedRecords(25, 80, new Random(4)));
        RecordBatch batch = onlyBatch(original);
        List<Record> records = kafkaRecords(batch);
        List<ByteBuffer> values = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            values.add(newValue(records.get(i), i));
        }
        ByteBuffer ours = new BatchCodec().rebuild(batch, records, values, null);
        assertThat(ours).isEqualTo(kafkaRebuild(batch, records, values));
    }

    @Test
    void refusesWhatItCannotRebuildFaithfully() {
        ByteBuffer original =
                build(CompressionType.LZ4, Stamping.CREATE_TIME, true, mixedRecords(4, 20, new Random(6)));
        BatchCodec codec = new BatchCodec();
        RecordBatch batch = onlyBatch(original);
        List<Record> read = codec.read(batch);
        List<ByteBuffer> values = new ArrayList<>();
        read.forEach(r -> values.add(r.value()));
        assertThatThrownBy(() -> codec.rebuild(batch, List.of(read.get(1), read.get(0)), values.subList(0, 2), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of order");
        assertThatThrownBy(() -> codec.rebuild(batch, read, values.subList(0, 2), null))
                .isInstanceOf(IllegalArgumentException.class);
        ByteBuffer other = build(
                CompressionType.LZ4,
                Stamping.CREATE_TIME,
                true,
                List.of(new Spec(BASE_OFFSET + 2, T0, null, null, new Header[0])));
        assertThatThrownBy(() -> codec.rebuild(onlyBatch(other), read.subList(3, 4), values.subList(3, 4), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");

        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(
                BASE_OFFSET,
                T0,
                LEADER_EPOCH,
                PRODUCER_ID,
                EPOCH,
                new EndTransactionMarker(ControlRecordType.COMMIT, 1));
        RecordBatch control = marker.batches().iterator().next();
        assertThatThrownBy(() -> codec.read(control)).isInstanceOf(IllegalArgumentException.class);
        MemoryRecords v1 = MemoryRecords.withRecords(
                RecordBatch.MAGIC_VALUE_V1,
                0L,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                new SimpleRecord(T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> codec.read(v1.batches().iterator().next()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Every truncation of the records section (length fixed up so the batch is still framed): an
     * exception, or, where only framing bytes after the data were cut, exactly the original records.
     * Never fewer records, never a hang.
     */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void truncatedRecordsRaiseAnError(CompressionType type) {
        ByteBuffer original = build(type, Stamping.CREATE_TIME, true, mixedRecords(20, 40, new Random(8)));
        List<Record> expected = kafkaRecords(onlyBatch(original));
        BatchCodec codec = new BatchCodec();
        int section = original.remaining() - DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        int errors = 0;
        for (int cut = 1; cut <= section; cut++) {
            ByteBuffer truncated = ByteBuffer.allocate(original.remaining() - cut);
            truncated
                    .put(original.duplicate().limit(original.remaining() - cut))
                    .flip();
            truncated.putInt(8, truncated.remaining() - 12); // batch length
            RecordBatch batch = onlyBatch(truncated);
            try {
                List<Record> read = codec.read(batch);
                assertThat(read).as("cut %d of %d bytes", cut, section).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    assertSameRecord(read.get(i), expected.get(i));
                }
            } catch (KafkaException e) {
                assertThat(e.getMessage()).isNotBlank();
                errors++;
            }
        }
        assertThat(errors).as("cuts into the data fail").isGreaterThan(section - 20);
    }

    /** A decompression bomb: a small batch whose records decompress to far more than they are worth. */
    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aBatchThatDecompressesBeyondTheLimitIsRefusedBeforeItIsDecompressedInFull(CompressionType type) {
        byte[] zeros = new byte[4 << 20];
        ByteBuffer bomb = build(
                type,
                Stamping.CREATE_TIME,
                false,
                List.of(new Spec(0, T0, null, zeros, new Header[0]), new Spec(1, T0, null, zeros, new Header[0])));
        assertThat(bomb.remaining()).as("compressed").isLessThan(1 << 20);

        assertThatThrownBy(() -> new BatchCodec(1 << 20).read(onlyBatch(bomb)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("decompress to more than 1048576 bytes");
        assertThat(new BatchCodec().read(onlyBatch(bomb)))
                .as("within the default limit (64 MiB) the same batch reads")
                .hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void corruptRecordsRaiseAnError(CompressionType type) {
        ByteBuffer original = build(type, Stamping.CREATE_TIME, true, mixedRecords(20, 40, new Random(9)));
        BatchCodec codec = new BatchCodec();
        // a count that does not match the records, either way
        for (int count : new int[] {19, 21, 1000, Integer.MAX_VALUE, -1}) {
            ByteBuffer patched = copy(original);
            patched.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, count);
            assertThatThrownBy(() -> codec.read(onlyBatch(patched)))
                    .as("count %d", count)
                    .isInstanceOf(KafkaException.class);
        }
        // a last offset before the records' own offsets: a rebuild could not keep them (found by fuzzing)
        for (int lastOffsetDelta : new int[] {-1, 5, Integer.MIN_VALUE}) {
            ByteBuffer patched = copy(original);
            patched.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta);
            assertThatThrownBy(() -> codec.read(onlyBatch(patched)))
                    .as("last offset delta %d", lastOffsetDelta)
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("out of order or outside the offsets");
        }
        // a negative base timestamp (other than -1, none): Kafka's batch writer refuses it (found by fuzzing)
        ByteBuffer negative = copy(original);
        negative.putLong(27, -1_811_089_666_342_656L); // the base timestamp
        assertThatThrownBy(() -> codec.read(onlyBatch(negative)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("is negative");
        // a codec id no codec has (the low 3 bits of the attributes, at byte 22)
        for (int codecId = 5; codecId <= 7; codecId++) {
            ByteBuffer patched = copy(original);
            patched.put(22, (byte) ((patched.get(22) & ~7) | codecId));
            assertThatThrownBy(() -> codec.read(onlyBatch(patched)))
                    .as("codec id %d", codecId)
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("names no known codec");
        }
        // random bytes in the records section, or flipped bits
        Random random = new Random(10);
        for (int i = 0; i < 300; i++) {
            ByteBuffer patched = copy(original);
            int section = patched.remaining() - DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
            if (i % 2 == 0) {
                for (int j = DefaultRecordBatch.RECORD_BATCH_OVERHEAD; j < patched.limit(); j++) {
                    patched.put(j, (byte) random.nextInt());
                }
            } else {
                int at = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + random.nextInt(section);
                patched.put(at, (byte) (patched.get(at) ^ (1 << random.nextInt(8))));
            }
            try {
                List<Record> read = codec.read(onlyBatch(patched));
                assertThat(read)
                        .hasSize(20); // a flipped bit inside a key or value goes unnoticed (no CRC check on read)
            } catch (KafkaException expected) {
                // fine
            }
        }
        // the codec still works afterwards
        readRebuildAndCheck(codec, original);
    }

    /** A batch far above the retained-buffer limit works, and so do small ones after it. */
    @Test
    void hugeBatchThenSmallOnes() {
        BatchCodec codec = new BatchCodec();
        Random random = new Random(12);
        List<Spec> big = mixedRecords(9_500, 1000, random);
        readRebuildAndCheck(codec, build(CompressionType.LZ4, Stamping.CREATE_TIME, true, big));
        readRebuildAndCheck(
                codec, build(CompressionType.LZ4, Stamping.CREATE_TIME, true, mixedRecords(10, 100, random)));
        readRebuildAndCheck(
                codec, build(CompressionType.GZIP, Stamping.CREATE_TIME, true, mixedRecords(10, 100, random)));
    }

    // ---------------------------------------------------------------- LZ4 frame inspection

    static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
    }

    static ByteBuffer kafkaRebuilt(ByteBuffer original) {
        RecordBatch batch = onlyBatch(original);
        List<Record> records = kafkaRecords(batch);
        List<ByteBuffer> values = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            values.add(newValue(records.get(i), i));
        }
        return kafkaRebuild(batch, records, values);
    }

    /** The blocks of a batch's LZ4 frame: compressed size, or minus the size of a block stored raw. */
    static List<Integer> lz4Blocks(ByteBuffer batch) {
        ByteBuffer frame = batch.duplicate()
                .position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(frame.getInt(0)).isEqualTo(0x184D2204);
        assertThat(frame.get(4)).isEqualTo((byte) 0x60);
        assertThat(frame.get(5)).isEqualTo((byte) 0x40);
        int p = 7;
        List<Integer> blocks = new ArrayList<>();
        while (true) {
            int header = frame.getInt(p);
            if (header == 0) {
                assertThat(p + 4).as("end mark ends the frame").isEqualTo(frame.limit());
                return blocks;
            }
            int size = header & 0x7FFFFFFF;
            blocks.add(header < 0 ? -size : size);
            p += 4 + size;
        }
    }
}
