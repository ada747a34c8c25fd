package dev.rosetta.benchmarks.translators;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.Crc32C;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.rosetta.proxy.translate.BatchCodec;

/**
 * The record-batch work of a translated fetch partition, without the translation: decode every
 * LZ4 batch, replace each value by a new buffer of the same bytes (what a translator hands back),
 * rebuild the batch. {@code kafka} is today's {@code PartitionRewriter} approach (Kafka's
 * {@code for (Record r : batch)}, {@code MemoryRecordsBuilder}, last offset and max timestamp patched
 * back with a new CRC); {@code codec} is {@link BatchCodec#read} + {@link BatchCodec#rebuild}.
 * {@code kafkaRead}/{@code codecRead} time the decoding half alone. {@code floor} is the least any
 * proxy that rebuilds these batches in their codec must do: decompress each batch's records section
 * and compress the same bytes again (lz4-java's fast compressor in 64 KiB blocks, as Kafka writes
 * LZ4), no record parsing, no header, no copy of a value; the end-to-end proxy CPU per MB is
 * compared with it (benchmarks/README.md).
 *
 * <p>The partition is ~1 MiB of LZ4 batches on the wire, of ~1 KiB Confluent-framed records
 * (5-byte header, then Avro-like bytes: varints, short strings from a vocabulary, some random
 * bytes; LZ4 gets it to roughly half). {@code batchKiB} is the uncompressed size a batch is
 * filled to: 16 as a Java producer with the default {@code batch.size} makes them, 256 for a
 * producer with a large {@code batch.size} and {@code linger.ms}. Setup checks that both paths
 * produce the same bytes. Scores are milliseconds per partition; the partition's sizes are
 * printed at setup, so MB/s = wire MiB / score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BatchRewriteBenchmark {
    static final int PARTITION_BYTES = 1 << 20;
    static final int RECORD_BYTES = 1024;
    static final String[] WORDS = {
        "order",
        "customer",
        "EUR",
        "USD",
        "shipped",
        "pending",
        "Berlin",
        "Lisbon",
        "card",
        "express",
        "standard",
        "gift",
        "note",
        "priority",
        "warehouse",
        "north",
        "south",
        "sku-",
        "returned",
        "paid"
    };

    @Param({"16", "256"})
    public int batchKiB;

    private List<MutableRecordBatch> batches;
    private final BatchCodec codec = new BatchCodec();
    private final org.apache.kafka.common.utils.BufferSupplier floorBuffers =
            org.apache.kafka.common.utils.BufferSupplier.create();
    private byte[] floorIn = new byte[4 << 20];
    private byte[] floorOut = new byte[8 << 20];
    private static final net.jpountz.lz4.LZ4Compressor LZ4 =
            net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor();

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        ByteBuffer partition = ByteBuffer.allocate(PARTITION_BYTES + (4 << 20));
        long offset = 0;
        long uncompressed = 0;
        int batchCount = 0;
        int recordCount = 0;
        while (partition.position() < PARTITION_BYTES) {
            ByteBufferOutputStream out = new ByteBufferOutputStream(batchKiB << 10);
            MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                    out,
                    RecordBatch.MAGIC_VALUE_V2,
                    Compression.lz4().build(),
                    TimestampType.CREATE_TIME,
                    offset,
                    RecordBatch.NO_TIMESTAMP,
                    9000L + batchCount,
                    (short) 0,
                    (int) offset,
                    false,
                    false,
                    5,
                    Integer.MAX_VALUE);
            int filled = 0;
            while (filled < batchKiB << 10) {
                byte[] key = ("customer-" + random.nextInt(10_000)).getBytes(StandardCharsets.UTF_8);
                byte[] value = value(random);
                Header[] headers = {
                    new RecordHeader(
                            "trace-id", Long.toHexString(random.nextLong()).getBytes(StandardCharsets.UTF_8))
                };
                builder.appendWithOffset(offset++, 1_700_000_000_000L + offset, key, value, headers);
                filled += value.length + key.length + 40;
                recordCount++;
            }
            MemoryRecords batch = builder.build();
            uncompressed += filled;
            partition.put(batch.buffer());
            batchCount++;
        }
        partition.flip();
        batches = new ArrayList<>();
        MemoryRecords.readableRecords(partition).batches().forEach(batches::add);
        System.out.printf(
                "%npartition: %d lz4 batches, %d records, %.2f MiB on the wire, ~%.2f MiB uncompressed%n",
                batchCount, recordCount, partition.remaining() / 1048576.0, uncompressed / 1048576.0);
        for (MutableRecordBatch batch : batches) { // both paths must write the same batch before we time them
            ByteBuffer a = kafkaRebuild(batch);
            ByteBuffer b = codecRebuild(batch);
            if (!a.equals(b)) {
                throw new IllegalStateException(
                        "Kafka's builder and BatchCodec disagree on the batch at " + batch.baseOffset());
            }
        }
    }

    /** ~1 KiB that compresses like an Avro record: framing, varints, words from a vocabulary, some noise. */
    private static byte[] value(Random random) {
        byte[] v = new byte[RECORD_BYTES - 64 + random.nextInt(128)];
        v[0] = 0;
        v[1] = 0;
        v[2] = 0;
        v[3] = 0;
        v[4] = 17; // schema id
        int p = 5;
        while (p < v.length) {
            int kind = random.nextInt(4);
            if (kind == 0) { // a random long as a zig-zag varint
                long n = random.nextLong() >>> random.nextInt(60);
                while (p < v.length && (n & ~0x7FL) != 0) {
                    v[p++] = (byte) ((n & 0x7F) | 0x80);
                    n >>>= 7;
                }
                if (p < v.length) {
                    v[p++] = (byte) n;
                }
            } else {
                byte[] word = WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.UTF_8);
                if (p < v.length) {
                    v[p++] = (byte) (word.length * 2);
                }
                int n = Math.min(word.length, v.length - p);
                System.arraycopy(word, 0, v, p, n);
                p += n;
            }
        }
        return v;
    }

    /** What a translator hands back: a new buffer with the value's bytes (same size: no Avro here). */
    private static @Nullable ByteBuffer copyOf(@Nullable ByteBuffer value) {
        if (value == null) {
            return null;
        }
        byte[] copy = new byte[value.remaining()];
        value.duplicate().get(copy);
        return ByteBuffer.wrap(copy);
    }

    /** Today's PartitionRewriter: Kafka's iteration, then MemoryRecordsBuilder and the patch. */
    private static ByteBuffer kafkaRebuild(RecordBatch batch) {
        List<Record> kept = new ArrayList<>();
        List<ByteBuffer> values = new ArrayList<>();
        List<Header[]> headers = new ArrayList<>();
        for (Record record : batch) {
            kept.add(record);
            values.add(copyOf(record.value()));
            headers.add(record.headers());
        }
        int estimate = Math.max(512, batch.sizeInBytes() + batch.sizeInBytes() / 4);
        ByteBufferOutputStream out = new ByteBufferOutputStream(estimate);
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
        for (int i = 0; i < kept.size(); i++) {
            Record record = kept.get(i);
            builder.appendWithOffset(record.offset(), record.timestamp(), record.key(), values.get(i), headers.get(i));
        }
        ByteBuffer built = builder.build().buffer();
        int lastOffsetDelta = (int) (batch.lastOffset() - batch.baseOffset());
        int base = built.position();
        if (built.getInt(base + DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET) != lastOffsetDelta
                || built.getLong(base + 35) != batch.maxTimestamp()) {
            ByteBuffer copy = ByteBuffer.allocate(built.remaining());
            copy.put(built.duplicate()).flip();
            copy.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta);
            copy.putLong(35, batch.maxTimestamp());
            copy.putInt(DefaultRecordBatch.CRC_OFFSET, (int) Crc32C.compute(copy, 21, copy.limit() - 21));
            return copy;
        }
        return built;
    }

    private ByteBuffer codecRebuild(RecordBatch batch) {
        List<Record> records = codec.read(batch);
        List<ByteBuffer> values = new ArrayList<>(records.size());
        for (Record record : records) {
            values.add(copyOf(record.value()));
        }
        return codec.rebuild(batch, records, values, null);
    }

    @Benchmark
    public void kafka(Blackhole bh) {
        for (MutableRecordBatch batch : batches) {
            bh.consume(kafkaRebuild(batch));
        }
    }

    @Benchmark
    public void codec(Blackhole bh) {
        for (MutableRecordBatch batch : batches) {
            bh.consume(codecRebuild(batch));
        }
    }

    @Benchmark
    public void kafkaRead(Blackhole bh) {
        for (MutableRecordBatch batch : batches) {
            for (Record record : batch) {
                bh.consume(record.value());
            }
        }
    }

    @Benchmark
    public void codecRead(Blackhole bh) {
        for (MutableRecordBatch batch : batches) {
            for (Record record : codec.read(batch)) {
                bh.consume(record.value());
            }
        }
    }

    /** Decompress, then compress the same bytes again: the floor of rebuilding a batch in its codec. */
    @Benchmark
    public void floor(Blackhole bh) throws java.io.IOException {
        for (MutableRecordBatch batch : batches) {
            int size = 0;
            try (java.io.InputStream in =
                    ((org.apache.kafka.common.record.DefaultRecordBatch) batch).recordInputStream(floorBuffers)) {
                for (int n; (n = in.read(floorIn, size, floorIn.length - size)) > 0; ) {
                    size += n;
                }
            }
            int written = 0;
            for (int start = 0; start < size; start += 64 << 10) {
                int n = Math.min(64 << 10, size - start);
                written += 4 + LZ4.compress(floorIn, start, n, floorOut, written + 4);
            }
            bh.consume(written);
        }
    }
}
